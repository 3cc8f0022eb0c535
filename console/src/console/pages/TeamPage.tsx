import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ROLES, TeamMemberCreate, type Role, type TeamMember } from '../../../../src/shared/api.ts';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useReportError, useSession } from '../context.ts';
import { PageHeader } from '../PageHeader.tsx';
import { zodRule } from '../zodRule.ts';

type AssignableRole = Exclude<Role, 'owner'>;
const ASSIGNABLE = ROLES.filter((r): r is AssignableRole => r !== 'owner');

export function TeamPage() {
  const { t } = useI18n();
  const { can, formatTime, session } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [team, setTeam] = useState<TeamMember[] | null>(null);
  const [adding, setAdding] = useState(false);
  const editable = can('team:write');

  const load = useCallback(() => {
    api.team().then((r) => setTeam(r.items), report);
  }, [report]);
  useEffect(load, [load]);

  async function changeRole(member: TeamMember, role: AssignableRole) {
    try {
      const saved = await api.setTeamRole(member.userId, role);
      setTeam((ts) => ts?.map((m) => (m.userId === saved.userId ? saved : m)) ?? null);
      void message.success(t('team.roleChanged'));
    } catch (e) {
      report(e);
    }
  }

  const roleOptions = ASSIGNABLE.map((r) => ({ value: r, label: t(`role.${r}`) }));

  return (
    <>
      <PageHeader
        title={t('team.title')}
        extra={
          editable && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="team-add">
              {t('team.add')}
            </Button>
          )
        }
      />
      <Typography.Paragraph type="secondary">{t('team.hint')}</Typography.Paragraph>
      {team !== null && team.length === 1 && <Alert className="c-form-alert" type="info" showIcon message={t('team.onlyYou')} />}
      <div className="c-panel">
        <Table<TeamMember>
          rowKey="userId"
          loading={team === null}
          dataSource={team ?? []}
          pagination={false}
          data-testid="team-table"
          columns={[
            { title: t('team.col.name'), dataIndex: 'name' },
            { title: t('team.col.email'), dataIndex: 'email' },
            {
              title: t('team.col.role'),
              dataIndex: 'role',
              render: (role: Role, m) =>
                editable && role !== 'owner' && m.userId !== session.user.id ? (
                  <Select<AssignableRole> size="small" value={role} options={roleOptions} onChange={(r) => void changeRole(m, r)} className="c-role-select" />
                ) : (
                  <Tag color={role === 'owner' ? 'gold' : undefined}>{t(`role.${role}`)}</Tag>
                ),
            },
            { title: t('team.col.since'), dataIndex: 'createdAt', render: (ms: number) => formatTime(ms) },
          ]}
        />
      </div>
      {adding && (
        <AddMemberModal
          roleOptions={roleOptions}
          onClose={() => setAdding(false)}
          onAdded={(m) => {
            setTeam((ts) => [...(ts ?? []), m]);
            setAdding(false);
            void message.success(t('team.added', { name: m.name }));
          }}
        />
      )}
    </>
  );
}

interface AddValues {
  email: string;
  name: string;
  password: string;
  role: AssignableRole;
}

function AddMemberModal({ roleOptions, onClose, onAdded }: { roleOptions: { value: AssignableRole; label: string }[]; onClose: () => void; onAdded: (m: TeamMember) => void }) {
  const { t } = useI18n();
  const report = useReportError();
  const [busy, setBusy] = useState(false);
  const f = TeamMemberCreate.shape;

  async function submit(values: AddValues) {
    setBusy(true);
    try {
      onAdded(await api.addTeamMember(values));
    } catch (e) {
      report(e);
      setBusy(false);
    }
  }

  return (
    <Modal open title={t('team.addTitle')} onCancel={onClose} footer={null}>
      <Form<AddValues> layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ role: 'operator' }} requiredMark={false}>
        <Form.Item name="name" label={t('team.name')} rules={[zodRule(f.name, t('validation.required'))]}>
          <Input maxLength={80} autoFocus />
        </Form.Item>
        <Form.Item name="email" label={t('team.email')} rules={[zodRule(f.email, t('validation.email'))]}>
          <Input type="email" autoComplete="off" />
        </Form.Item>
        <Form.Item name="password" label={t('team.password')} extra={t('team.passwordHint')} rules={[zodRule(f.password, t('validation.password'))]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="role" label={t('team.role')}>
          <Select<AssignableRole> options={roleOptions} />
        </Form.Item>
        <div className="c-modal-actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="team-add-submit">
            {t('common.create')}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}
