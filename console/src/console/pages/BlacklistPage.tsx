import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Segmented, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { BlacklistEntry, Group } from '../../../../src/shared/api.ts';
import type { LiveFrame } from '../../../../src/shared/webchat-protocol.ts';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useReportError, useSession } from '../context.ts';
import { EmptyState } from '../EmptyState.tsx';
import { useLiveUpdates } from '../live.ts';
import { BlacklistModal } from '../moderation/MemberActions.tsx';
import { PageHeader } from '../PageHeader.tsx';

const PAGE_SIZE = 20;
type Show = 'active' | 'all';

/** The confirm button of the lift popover, for tests (antd's props take no data-* keys). */
const liftConfirmTestId = { 'data-testid': 'bl-lift-confirm' };

/** Who may not join: workspace-wide or per group, with the reason, the evidence and the case. */
export function BlacklistPage() {
  const { t } = useI18n();
  const { can, formatTime } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [show, setShow] = useState<Show>('active');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: BlacklistEntry[]; total: number } | null>(null);
  const [groups, setGroups] = useState<Group[]>([]);
  const [adding, setAdding] = useState(false);
  const [version, setVersion] = useState(0);
  const canAct = can('moderation:act');

  useEffect(() => {
    api.groups().then((r) => setGroups(r.items), report);
  }, [report]);

  useEffect(() => {
    let live = true;
    api.blacklist((page - 1) * PAGE_SIZE, PAGE_SIZE, show === 'active' ? { active: true } : {}).then((r) => live && setData(r), report);
    return () => {
      live = false;
    };
  }, [page, show, version, report]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  // A case that blacklists (three strikes, /ban) or is undone shows here without a reload.
  const onFrame = useCallback((f: LiveFrame) => f.type === 'case' && f.case.effects.some((e) => e.type === 'blacklisted') && reload(), [reload]);
  useLiveUpdates(onFrame, reload);

  async function lift(e: BlacklistEntry) {
    try {
      await api.liftBlacklist(e.id);
      void message.success(t('bl.lifted', { name: e.contact.name }));
    } catch (err) {
      report(err);
    } finally {
      reload();
    }
  }

  const addButton = canAct && (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="bl-add">
      {t('bl.add')}
    </Button>
  );

  return (
    <>
      <PageHeader title={t('bl.title')} extra={addButton} />
      <Typography.Paragraph type="secondary">{t('bl.hint')}</Typography.Paragraph>
      <div className="c-panel">
        <div className="c-tab-toolbar">
          <Segmented<Show>
            value={show}
            onChange={(v) => {
              setShow(v);
              setPage(1);
            }}
            options={[
              { value: 'active', label: <span data-testid="bl-show-active">{t('bl.showActive')}</span> },
              { value: 'all', label: <span data-testid="bl-show-all">{t('bl.showAll')}</span> },
            ]}
          />
        </div>
        <Table<BlacklistEntry>
          rowKey="id"
          loading={data === null}
          dataSource={data?.items ?? []}
          data-testid="bl-table"
          scroll={{ x: 1000 }}
          onRow={(e) => ({ 'data-testid': 'bl-row', 'data-entry-id': e.id, 'data-active': e.active ? 'true' : 'false' }) as React.HTMLAttributes<HTMLElement>}
          pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.total ?? 0, onChange: setPage, hideOnSinglePage: true, showTotal: (total) => t('bl.total', { total }) }}
          locale={{
            emptyText: (
              <EmptyState title={t(show === 'active' ? 'bl.empty.title' : 'bl.emptyAll')} body={t('bl.empty.body')} />
            ),
          }}
          columns={[
            {
              title: t('bl.col.contact'),
              key: 'contact',
              width: 130,
              render: (_, e) => (
                <Link to={`/contacts/${e.contact.id}`} data-testid="bl-contact-name">
                  {e.contact.name}
                </Link>
              ),
            },
            {
              title: t('bl.col.scope'),
              key: 'scope',
              width: 140,
              render: (_, e) => (e.group ? <Link to={`/groups/${e.group.id}`}>{e.group.name}</Link> : <Tag color="red">{t('bl.scopeAll')}</Tag>),
            },
            {
              title: t('bl.col.reason'),
              key: 'reason',
              render: (_, e) => (
                <Space orientation="vertical" size={2}>
                  <span data-testid="bl-reason">{e.reason}</span>
                  {e.evidence && (
                    <Typography.Text type="secondary" className="c-small" data-testid="bl-evidence">
                      {t('bl.evidence', { text: e.evidence.text })}
                    </Typography.Text>
                  )}
                  {e.caseId && (
                    <Link to={`/contacts/${e.contact.id}?case=${encodeURIComponent(e.caseId)}`} className="c-small" data-testid="bl-case-link">
                      {t('bl.caseLink')}
                    </Link>
                  )}
                </Space>
              ),
            },
            {
              title: t('bl.col.added'),
              key: 'added',
              width: 170,
              render: (_, e) => (
                <Space orientation="vertical" size={0}>
                  <span>{e.addedBy}</span>
                  <Typography.Text type="secondary" className="c-small">
                    {formatTime(e.createdAt)}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: t('bl.col.expires'),
              dataIndex: 'expiresAt',
              width: 150,
              render: (ms: number | null) => (ms === null ? t('bl.forever') : formatTime(ms)),
            },
            {
              title: t('bl.col.status'),
              key: 'status',
              width: canAct ? 190 : 110,
              fixed: 'right',
              render: (_, e) => {
                if (!e.active) {
                  const lifted = e.liftedAt !== null;
                  return (
                    <Tooltip title={lifted ? t('bl.liftedBy', { name: e.liftedBy ?? '', time: formatTime(e.liftedAt) }) : undefined}>
                      <Tag data-testid="bl-status">{t(lifted ? 'bl.status.lifted' : 'bl.status.expired')}</Tag>
                    </Tooltip>
                  );
                }
                return (
                  <Space size={4}>
                    <Tag color="red" data-testid="bl-status">
                      {t('bl.status.active')}
                    </Tag>
                    {canAct && (
                      <Popconfirm
                        title={t('bl.liftConfirm', { name: e.contact.name })}
                        description={<div className="c-popconfirm-body">{t(e.group ? 'bl.liftHintGroup' : 'bl.liftHint')}</div>}
                        placement="topRight"
                        onConfirm={() => lift(e)}
                        okText={t('bl.lift')}
                        okButtonProps={liftConfirmTestId}
                        cancelText={t('common.cancel')}
                      >
                        <Button size="small" type="link" data-testid="bl-lift">
                          {t('bl.lift')}
                        </Button>
                      </Popconfirm>
                    )}
                  </Space>
                );
              },
            },
          ]}
        />
      </div>
      {adding && (
        <BlacklistModal
          contact={null}
          groups={groups}
          onClose={() => setAdding(false)}
          onDone={() => {
            setAdding(false);
            setPage(1);
            reload();
          }}
        />
      )}
    </>
  );
}
