import { Empty, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { Group, Member } from '../../../../../src/shared/api.ts';
import { api } from '../../../api.ts';
import { useI18n } from '../../../i18n.ts';
import { useReportError, useSession } from '../../context.ts';

const PAGE_SIZE = 20;
const STATUS_COLOR = { active: 'green', left: 'default', removed: 'red' } as const;

export function MembersTab({ group }: { group: Group }) {
  const { t } = useI18n();
  const { formatTime } = useSession();
  const report = useReportError();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Member[]; total: number } | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let live = true;
    setLoading(true);
    api
      .members(group.id, (page - 1) * PAGE_SIZE, PAGE_SIZE)
      .then((r) => live && setData(r), report)
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [group.id, page, report]);

  if (data && data.total === 0) {
    return (
      <Empty
        className="c-empty"
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        data-testid="members-empty"
        description={
          <>
            <Typography.Title level={5}>{t('members.empty.title')}</Typography.Title>
            <Typography.Paragraph type="secondary" className="c-empty-body">
              {t('members.empty.body')}
            </Typography.Paragraph>
          </>
        }
      />
    );
  }

  return (
    <Table<Member>
      rowKey="id"
      loading={loading}
      dataSource={data?.items ?? []}
      data-testid="members-table"
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
        { title: t('members.col.status'), dataIndex: 'status', render: (s: Member['status']) => <Tag color={STATUS_COLOR[s]}>{t(`memberStatus.${s}`)}</Tag> },
        { title: t('members.col.joined'), dataIndex: 'joinedAt', render: (ms: number) => formatTime(ms) },
        { title: t('members.col.messages'), dataIndex: 'messageCount', align: 'right' },
        { title: t('members.col.lastMessage'), dataIndex: 'lastMessageAt', render: (ms: number | null) => formatTime(ms) },
      ]}
    />
  );
}
