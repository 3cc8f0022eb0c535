import { Empty, Result, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { AuditEntry } from '../../../../src/shared/api.ts';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useReportError, useSession } from '../context.ts';
import { LoadMore } from '../LoadMore.tsx';
import { PageHeader } from '../PageHeader.tsx';

const PAGE = 50;

export function AuditPage() {
  const { t } = useI18n();
  const { can, formatTime } = useSession();
  const report = useReportError();
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const allowed = can('audit:read');

  const load = useCallback(
    async (offset: number) => {
      setLoading(true);
      try {
        const r = await api.auditLog(offset, PAGE);
        setItems((cur) => (offset === 0 ? r.items : [...(cur ?? []), ...r.items]));
        setMore(r.items.length === PAGE);
      } catch (e) {
        report(e);
      } finally {
        setLoading(false);
      }
    },
    [report],
  );

  useEffect(() => {
    if (allowed) void load(0);
  }, [allowed, load]);

  if (!allowed) return <Result status="403" title={t('audit.forbidden')} />;

  return (
    <>
      <PageHeader title={t('audit.title')} />
      <Typography.Paragraph type="secondary">{t('audit.hint')}</Typography.Paragraph>
      <div className="c-panel">
        <Table<AuditEntry>
          rowKey="id"
          loading={items === null}
          dataSource={items ?? []}
          pagination={false}
          data-testid="audit-table"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('audit.empty')} /> }}
          columns={[
            { title: t('audit.col.time'), dataIndex: 'createdAt', width: 170, render: (ms: number) => formatTime(ms) },
            { title: t('audit.col.actor'), key: 'actor', width: 160, render: (_, e) => e.actor.name },
            { title: t('audit.col.action'), dataIndex: 'action', width: 180, render: (a: string) => <Tag>{a}</Tag> },
            { title: t('audit.col.summary'), dataIndex: 'summary' },
          ]}
        />
        {items !== null && items.length > 0 && <LoadMore more={more} loading={loading} onMore={() => void load(items.length)} />}
      </div>
    </>
  );
}
