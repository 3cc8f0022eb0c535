import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { GROUP_RULES_MAX, GroupCreate, type Group } from '../../../../src/shared/api.ts';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useReportError, useSession } from '../context.ts';
import { EmptyState } from '../EmptyState.tsx';
import { PageHeader } from '../PageHeader.tsx';
import { zodRule } from '../zodRule.ts';

export function GroupsPage() {
  const { t } = useI18n();
  const { can, formatTime } = useSession();
  const report = useReportError();
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [creating, setCreating] = useState(false);

  const load = useCallback(() => {
    api.groups().then((r) => setGroups(r.items), report);
  }, [report]);
  useEffect(load, [load]);

  const canCreate = can('groups:write');
  const createButton = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-group">
      {t('groups.create')}
    </Button>
  );

  return (
    <>
      <PageHeader title={t('groups.title')} extra={canCreate && groups !== null && groups.length > 0 ? createButton : null} />
      {groups !== null && groups.length === 0 ? (
        <EmptyState
          title={t('groups.empty.title')}
          body={t('groups.empty.body')}
          level={4}
          panel
          testid="groups-empty"
          canAdd={canCreate}
          add={
            <Button type="primary" size="large" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-group">
              {t('groups.empty.action')}
            </Button>
          }
        />
      ) : (
        <div className="c-panel">
          <Table<Group>
            rowKey="id"
            loading={groups === null}
            dataSource={groups ?? []}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            data-testid="groups-table"
            columns={[
              { title: t('groups.col.name'), dataIndex: 'name', render: (name: string, g) => <Link to={`/groups/${g.id}`}>{name}</Link> },
              { title: t('groups.col.channel'), dataIndex: 'channelKind', render: (k: Group['channelKind']) => <Tag color={k === 'webchat' ? 'green' : 'blue'}>{t(`channel.${k}`)}</Tag> },
              { title: t('groups.col.members'), dataIndex: 'memberCount', align: 'right', sorter: (a, b) => a.memberCount - b.memberCount },
              { title: t('groups.col.messages'), dataIndex: 'messageCount', align: 'right', sorter: (a, b) => a.messageCount - b.messageCount },
              { title: t('groups.col.lastActivity'), dataIndex: 'lastMessageAt', render: (ms: number | null) => formatTime(ms), sorter: (a, b) => (a.lastMessageAt ?? 0) - (b.lastMessageAt ?? 0) },
              { title: t('groups.col.created'), dataIndex: 'createdAt', render: (ms: number) => formatTime(ms), defaultSortOrder: 'descend', sorter: (a, b) => a.createdAt - b.createdAt },
            ]}
          />
        </div>
      )}
      <CreateGroupModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

interface CreateValues {
  name: string;
  rules?: string;
}

function CreateGroupModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const report = useReportError();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);

  async function submit(values: CreateValues) {
    setBusy(true);
    try {
      const group = await api.createGroup({ name: values.name, rules: values.rules ?? '' });
      void message.success(t('groups.created'));
      onClose();
      navigate(`/groups/${group.id}`);
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open={open} title={t('groups.createTitle')} onCancel={onClose} footer={null} destroyOnHidden>
      {/* A native submit (button or Enter in the name field), not the modal's OK callback. */}
      <Form<CreateValues> layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false} preserve={false}>
        <Form.Item name="name" label={t('groups.name')} rules={[zodRule(GroupCreate.shape.name, t('validation.required'))]}>
          <Input data-testid="create-group-name" placeholder={t('groups.namePlaceholder')} maxLength={80} autoFocus />
        </Form.Item>
        <Form.Item name="rules" label={t('groups.rules')}>
          <Input.TextArea data-testid="create-group-rules" placeholder={t('groups.rulesPlaceholder')} autoSize={{ minRows: 3, maxRows: 8 }} maxLength={GROUP_RULES_MAX} showCount />
        </Form.Item>
        <div className="c-modal-actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="create-group-submit">
            {t('common.create')}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}
