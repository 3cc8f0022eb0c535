import { UserDeleteOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Space, Table, Tag, Tooltip } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Group, Member } from '../../../../../src/shared/api.ts';
import type { LiveFrame } from '../../../../../src/shared/webchat-protocol.ts';
import { api } from '../../../api.ts';
import { useI18n } from '../../../i18n.ts';
import { useReportError, useSession } from '../../context.ts';
import { EmptyState } from '../../EmptyState.tsx';
import { useLiveUpdates } from '../../live.ts';
import { MemberActionsMenu, useMemberActions, type ActionTarget } from '../../moderation/MemberActions.tsx';

const PAGE_SIZE = 20;
const STATUS_COLOR = { active: 'green', left: 'default', removed: 'red' } as const;

/** The confirm button of the remove popover, for tests (antd's props take no data-* keys). */
const confirmTestId = { 'data-testid': 'member-remove-confirm' };

export function MembersTab({ group }: { group: Group }) {
  const { t } = useI18n();
  const { formatTime, can } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Member[]; total: number } | null>(null);
  const [loading, setLoading] = useState(true);
  /** Bumped to fetch the current page again (a removal, a live membership change). */
  const [version, setVersion] = useState(0);
  /** Members whose removal was accepted (202) and is not visible in the list yet. */
  const [removing, setRemoving] = useState<ReadonlySet<string>>(new Set());
  const canModerate = can('moderation:act');
  const shownPage = useRef(0);

  useEffect(() => {
    let live = true;
    // A refresh of the page already shown keeps the table as is (no spinner on every live change).
    if (shownPage.current !== page) setLoading(true);
    api
      .members(group.id, (page - 1) * PAGE_SIZE, PAGE_SIZE)
      .then((r) => {
        if (!live) return;
        shownPage.current = page;
        setData(r);
        setRemoving((cur) => {
          const gone = r.items.filter((m) => cur.has(m.id) && m.status !== 'active');
          if (gone.length === 0) return cur;
          const next = new Set(cur);
          for (const m of gone) next.delete(m.id);
          return next;
        });
      }, report)
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [group.id, page, version, report]);

  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const onFrame = useCallback(
    (f: LiveFrame) => {
      if (f.type === 'membership' && f.groupId === group.id) refresh();
    },
    [group.id, refresh],
  );
  useLiveUpdates(onFrame, refresh);
  // A warning may pass a threshold and remove the member: the list follows the live feed, and is read again now.
  const actions = useMemberActions(refresh);
  const target = (m: Member): ActionTarget => ({ groupId: group.id, groupName: group.name, contactId: m.contactId, name: m.displayName, memberId: m.id });

  async function remove(m: Member) {
    try {
      await api.removeMember(group.id, m.id);
      setRemoving((cur) => new Set(cur).add(m.id));
      void message.success(t('members.removeRequested', { name: m.displayName }));
    } catch (e) {
      report(e);
    } finally {
      // The removal runs through the outbox: the live feed's membership frame refreshes again.
      refresh();
    }
  }

  if (data && data.total === 0) {
    return (
      <EmptyState title={t('members.empty.title')} body={t('members.empty.body')} testid="members-empty" />
    );
  }

  return (
    <>
      <Table<Member>
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        data-testid="members-table"
        onRow={(m) => ({ 'data-testid': 'member-row', 'data-member-id': m.id, 'data-status': m.status }) as React.HTMLAttributes<HTMLElement>}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.total ?? 0, onChange: setPage, showTotal: (total) => t('members.total', { total }), hideOnSinglePage: false }}
        columns={[
          {
            title: t('members.col.name'),
            dataIndex: 'displayName',
            render: (name: string, m) => (
              <Link to={`/contacts/${m.contactId}`} data-testid="member-link">
                {name}
              </Link>
            ),
          },
          { title: t('members.col.role'), dataIndex: 'role', render: (r: Member['role']) => t(`memberRole.${r}`) },
          {
            title: t('members.col.status'),
            dataIndex: 'status',
            render: (s: Member['status'], m) => {
              const tag = (
                <Tag color={STATUS_COLOR[s]} data-testid="member-status">
                  {t(`memberStatus.${s}`)}
                </Tag>
              );
              return s !== 'active' && m.leftAt !== null ? <Tooltip title={t('members.leftAt', { time: formatTime(m.leftAt) })}>{tag}</Tooltip> : tag;
            },
          },
          { title: t('members.col.joined'), dataIndex: 'joinedAt', render: (ms: number) => formatTime(ms) },
          { title: t('members.col.messages'), dataIndex: 'messageCount', align: 'right' },
          { title: t('members.col.lastMessage'), dataIndex: 'lastMessageAt', render: (ms: number | null) => formatTime(ms) },
          ...(canModerate
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 200,
                  render: (_: unknown, m: Member) => {
                    // A platform's group owner is not moderated from here; only people in the group can be removed.
                    if (m.role === 'owner') return null;
                    const menu = <MemberActionsMenu target={target(m)} active={m.status === 'active' && !removing.has(m.id)} onPick={actions.open} />;
                    if (m.status !== 'active') return menu;
                    if (removing.has(m.id)) {
                      return (
                        <Button size="small" type="text" loading data-testid="member-removing">
                          {t('members.removing')}
                        </Button>
                      );
                    }
                    return (
                      <Space size={4}>
                        {menu}
                        <Popconfirm
                          title={t('members.removeConfirm', { name: m.displayName })}
                          description={<div className="c-popconfirm-body">{t('members.removeHint')}</div>}
                          placement="topRight"
                          onConfirm={() => remove(m)}
                          okText={t('members.remove')}
                          okButtonProps={{ danger: true, ...confirmTestId }}
                          cancelText={t('common.cancel')}
                        >
                          <Button size="small" type="text" danger icon={<UserDeleteOutlined />} data-testid="member-remove">
                            {t('members.remove')}
                          </Button>
                        </Popconfirm>
                      </Space>
                    );
                  },
                },
              ]
            : []),
        ]}
      />
      {actions.element}
    </>
  );
}
