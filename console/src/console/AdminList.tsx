import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Modal, Popconfirm, Radio, Select, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { Group, GroupAdmin, Member } from '../../../src/shared/api.ts';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { useReportError, useSession } from './context.ts';
import { EmptyState } from './EmptyState.tsx';

const MEMBER_PAGE = 200;

/** Whose admins: one group's in force (its own, its template's, the workspace-wide ones), or one template's own. */
export type AdminScope = { group: Group } | { policyId: string };

/**
 * Shequn's own admins (beyond the platform's cap): in a scope, that scope's; without, every admin
 * of the workspace. Adding picks a member of a group and makes them admin of that group or of
 * every group, or (for a template) of every group following it.
 */
export function AdminList({ groups, scope }: { groups: Group[]; scope?: AdminScope }) {
  const { t } = useI18n();
  const { can, formatTime } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [admins, setAdmins] = useState<GroupAdmin[] | null>(null);
  const [adding, setAdding] = useState(false);
  const editable = can('admins:write');
  const group = scope && 'group' in scope ? scope.group : undefined;
  const groupId = group?.id;
  const policyId = scope && 'policyId' in scope ? scope.policyId : undefined;

  const load = useCallback(() => {
    api.admins({ groupId, policyId }).then((r) => setAdmins(r.items), report);
  }, [groupId, policyId, report]);
  useEffect(load, [load]);

  const groupName = (id: string) => groups.find((g) => g.id === id)?.name ?? id;

  async function remove(a: GroupAdmin) {
    try {
      await api.removeAdmin(a.id);
      setAdmins((cur) => cur?.filter((x) => x.id !== a.id) ?? null);
      void message.success(t('admins.removed', { name: a.name }));
    } catch (e) {
      report(e);
    }
  }

  const addButton = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} disabled={groups.length === 0} data-testid="admin-add">
      {t('admins.add')}
    </Button>
  );

  return (
    <>
      <div className="c-tab-toolbar">
        <Typography.Text type="secondary">{t('admins.hint')}</Typography.Text>
        {editable && admins !== null && admins.length > 0 && addButton}
      </div>
      {admins !== null && admins.length === 0 ? (
        <EmptyState title={t('admins.empty.title')} body={t('admins.empty.body')} testid="admins-empty" add={addButton} canAdd={editable} />
      ) : (
        <Table<GroupAdmin>
          rowKey="id"
          loading={admins === null}
          dataSource={admins ?? []}
          pagination={false}
          data-testid="admin-table"
          onRow={(a) => ({ 'data-testid': 'admin-row', 'data-admin-id': a.id, 'data-scope': a.groupId !== null ? 'group' : a.policyId !== null ? 'policy' : 'workspace' }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('admins.col.name'), dataIndex: 'name', render: (n: string, a) => <Link to={`/contacts/${a.contactId}`}>{n}</Link> },
            {
              title: t('admins.col.scope'),
              dataIndex: 'groupId',
              render: (id: string | null, a) =>
                a.policyId !== null ? (
                  <Link to={`/policies/${a.policyId}`} data-testid="admin-scope">
                    <Tag color="purple" bordered={false}>
                      {t('admins.scope.policy')}
                    </Tag>
                  </Link>
                ) : id === null || id === group?.id ? (
                  <Tag color={id === null ? 'green' : 'blue'} bordered={false} data-testid="admin-scope">
                    {t(id === null ? 'admins.scope.all' : 'admins.scope.group')}
                  </Tag>
                ) : (
                  <Link to={`/groups/${id}?tab=admins`} data-testid="admin-scope">
                    {groupName(id)}
                  </Link>
                ),
            },
            { title: t('admins.col.addedBy'), dataIndex: 'addedBy' },
            { title: t('admins.col.since'), dataIndex: 'createdAt', render: (ms: number) => formatTime(ms) },
            ...(editable
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    width: 90,
                    render: (_: unknown, a: GroupAdmin) => (
                      <Popconfirm
                        title={t(a.groupId !== null ? 'admins.removeConfirm' : a.policyId !== null ? 'admins.removeConfirmPolicy' : 'admins.removeConfirmAll', { name: a.name, group: a.groupId === null ? '' : groupName(a.groupId) })}
                        onConfirm={() => void remove(a)}
                        okText={t('admins.remove')}
                        cancelText={t('common.cancel')}
                        okButtonProps={{ danger: true }}
                        placement="topRight"
                      >
                        <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('admins.remove')} data-testid="admin-remove" />
                      </Popconfirm>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {adding && (
        <AddAdminModal
          groups={groups}
          group={group}
          policyId={policyId}
          existing={admins ?? []}
          onClose={() => setAdding(false)}
          onAdded={(a, created) => {
            setAdding(false);
            load();
            void message.success(t(created ? 'admins.added' : 'admins.already', { name: a.name }));
          }}
        />
      )}
    </>
  );
}

interface AddValues {
  /** Absent when the modal is for one group. */
  groupId?: string;
  identityId: string;
  /** Absent when the modal is for a template. */
  scope?: 'group' | 'all';
}

/** Every active member of a group, a page at a time. */
async function activeMembers(groupId: string): Promise<Member[]> {
  const all: Member[] = [];
  for (let offset = 0; ; offset += MEMBER_PAGE) {
    const page = await api.members(groupId, offset, MEMBER_PAGE);
    all.push(...page.items);
    if (page.items.length < MEMBER_PAGE || all.length >= page.total) return all.filter((m) => m.status === 'active');
  }
}

interface AddProps {
  groups: Group[];
  group?: Group;
  /** Adding for a template: the member is picked from any group, and made admin of the template's groups. */
  policyId: string | undefined;
  /** The admins listed (for one group: its own and the workspace-wide ones), to tell a new admin from one already there. */
  existing: GroupAdmin[];
  onClose: () => void;
  onAdded: (a: GroupAdmin, created: boolean) => void;
}

function AddAdminModal({ groups, group, policyId, existing, onClose, onAdded }: AddProps) {
  const { t } = useI18n();
  const report = useReportError();
  const [form] = Form.useForm<AddValues>();
  const chosenGroup = Form.useWatch('groupId', form) ?? group?.id;
  const [members, setMembers] = useState<Member[] | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!chosenGroup) return;
    let live = true;
    setMembers(null);
    form.setFieldValue('identityId', undefined);
    activeMembers(chosenGroup).then(
      (m) => live && setMembers(m),
      (e: unknown) => live && report(e),
    );
    return () => {
      live = false;
    };
  }, [chosenGroup, form, report]);

  async function submit(v: AddValues) {
    const groupId = v.groupId ?? group?.id;
    if (groupId === undefined) return;
    setBusy(true);
    try {
      const admin = await api.addAdmin(policyId !== undefined ? { identityId: v.identityId, policyId } : { identityId: v.identityId, groupId: v.scope === 'all' ? null : groupId });
      onAdded(admin, !existing.some((a) => a.id === admin.id));
    } catch (e) {
      report(e);
      setBusy(false);
    }
  }

  return (
    <Modal open title={t('admins.addTitle')} onCancel={onClose} footer={null} destroyOnHidden>
      <Form<AddValues> form={form} layout="vertical" initialValues={{ groupId: group?.id, scope: 'group' }} onFinish={(v) => void submit(v)} requiredMark={false}>
        {!group && (
          <Form.Item name="groupId" label={t('admins.group')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select options={groups.map((g) => ({ value: g.id, label: g.name }))} showSearch={{ optionFilterProp: 'label' }} placeholder={t('admins.groupPlaceholder')} data-testid="admin-group" />
          </Form.Item>
        )}
        <Form.Item name="identityId" label={t('admins.member')} extra={t('admins.memberHint')} rules={[{ required: true, message: t('validation.required') }]}>
          <Select
            options={(members ?? []).map((m) => ({ value: m.identityId, label: m.displayName }))}
            loading={chosenGroup !== undefined && members === null}
            disabled={chosenGroup === undefined}
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('admins.memberPlaceholder')}
            notFoundContent={members !== null ? t('admins.noMembers') : undefined}
            data-testid="admin-member"
          />
        </Form.Item>
        {policyId === undefined && (
          <Form.Item name="scope" label={t('admins.scope')}>
            <Radio.Group
              data-testid="admin-scope-choice"
              options={[
                { value: 'group', label: t(group ? 'admins.scope.group' : 'admins.scope.chosen') },
                { value: 'all', label: t('admins.scope.all') },
              ]}
            />
          </Form.Item>
        )}
        <div className="c-modal-actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="admin-add-submit">
            {t('admins.add')}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}
