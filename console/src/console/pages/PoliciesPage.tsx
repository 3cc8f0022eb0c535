import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Table, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { Policy } from '../../../../src/shared/api.ts';
import { patchFields } from '../../../../src/shared/group-settings.ts';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useReportError, useSession } from '../context.ts';
import { EmptyState } from '../EmptyState.tsx';
import { PageHeader } from '../PageHeader.tsx';

/** Policy templates: settings many groups follow, each group keeping its own overrides. */
export function PoliciesPage() {
  const { t } = useI18n();
  const { can, formatTime } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const navigate = useNavigate();
  const [policies, setPolicies] = useState<Policy[] | null>(null);
  const editable = can('policies:write');

  const load = useCallback(() => {
    api.policies().then((r) => setPolicies(r.items), report);
  }, [report]);
  useEffect(load, [load]);

  async function remove(p: Policy) {
    try {
      await api.deletePolicy(p.id);
      setPolicies((ps) => ps?.filter((x) => x.id !== p.id) ?? null);
      void message.success(t('common.deleted'));
    } catch (e) {
      report(e);
    }
  }

  const addButton = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/policies/new')} data-testid="policy-add">
      {t('policies.add')}
    </Button>
  );

  return (
    <>
      <PageHeader title={t('policies.title')} extra={editable && policies !== null && policies.length > 0 ? addButton : null} />
      <Typography.Paragraph type="secondary">{t('policies.hint')}</Typography.Paragraph>
      {policies !== null && policies.length === 0 ? (
        <EmptyState title={t('policies.empty.title')} body={t('policies.empty.body')} panel testid="policies-empty" add={addButton} canAdd={editable} />
      ) : (
        <div className="c-panel">
          <Table<Policy>
            rowKey="id"
            loading={policies === null}
            dataSource={policies ?? []}
            pagination={false}
            data-testid="policy-table"
            onRow={(p) => ({ 'data-testid': 'policy-row', 'data-policy-id': p.id }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              {
                title: t('policies.col.name'),
                dataIndex: 'name',
                render: (name: string, p) => (
                  <Link to={`/policies/${p.id}`} data-testid="policy-link">
                    {name}
                  </Link>
                ),
              },
              { title: t('policies.col.sets'), key: 'sets', render: (_, p) => t('policies.setsCount', { count: patchFields(p.settings).length }) },
              { title: t('policies.col.groups'), dataIndex: 'groupCount', align: 'right', render: (n: number) => <span data-testid="policy-group-count">{n}</span> },
              { title: t('policies.col.updated'), dataIndex: 'updatedAt', render: (ms: number) => formatTime(ms) },
              ...(editable
                ? [
                    {
                      title: t('common.actions'),
                      key: 'actions',
                      width: 90,
                      render: (_: unknown, p: Policy) => (
                        <Popconfirm
                          title={t('policies.deleteConfirm', { name: p.name })}
                          description={<div className="c-popconfirm-body">{t('policies.deleteHint', { count: p.groupCount })}</div>}
                          onConfirm={() => void remove(p)}
                          okText={t('common.delete')}
                          cancelText={t('common.cancel')}
                          okButtonProps={{ danger: true }}
                          placement="topRight"
                        >
                          <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="policy-delete" />
                        </Popconfirm>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </div>
      )}
    </>
  );
}
