import { SendOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, Empty, Form, Input, Modal, Result, Select, Space, Spin, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { PolicyInput, type Group, type Policy, type PolicyApplied, type PolicyGroups } from '../../../../src/shared/api.ts';
import { DEFAULT_GROUP_SETTINGS, type GroupSettingsPatch } from '../../../../src/shared/group-settings.ts';
import { api, ApiRequestError } from '../../api.ts';
import { useI18n, type Translate } from '../../i18n.ts';
import { AdminList } from '../AdminList.tsx';
import { errorText, useReportError, useSession } from '../context.ts';
import { fieldLabel, GroupSettingsForm, samePatch } from '../GroupSettingsForm.tsx';
import { PageHeader } from '../PageHeader.tsx';
import { KeywordsTab } from './group/KeywordsTab.tsx';
import { WordListsTab } from './ModerationPage.tsx';
import { RulesTab } from './group/RulesTab.tsx';

type PolicyGroup = PolicyGroups['items'][number];
const NEW = 'new';

function FieldTags({ fields, color, t, testId }: { fields: string[]; color: string; t: Translate; testId: string }) {
  return (
    <Space size={[4, 4]} wrap>
      {fields.map((f) => (
        <Tag key={f} color={color} bordered={false} data-testid={testId} data-field={f}>
          {fieldLabel(f, t)}
        </Tag>
      ))}
    </Space>
  );
}

/** What a group has of its own next to the template's: its welcome and rules text (instead of the template's), and how many keyword replies, word lists and admins it adds. */
function OwnTags({ group: g, t }: { group: PolicyGroup; t: Translate }) {
  const items = [
    ...(g.ownWelcome ? [{ key: 'welcome', label: t('policies.own.welcome') }] : []),
    ...(g.ownRules ? [{ key: 'rules', label: t('policies.own.rules') }] : []),
    ...(['keywordReplies', 'wordLists', 'admins'] as const).flatMap((k) => (g.own[k] > 0 ? [{ key: k, label: t(`policies.own.${k}`, { count: g.own[k] }) }] : [])),
  ];
  if (items.length === 0) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap>
      {items.map((i) => (
        <Tag key={i.key} bordered={false} color="geekblue" data-testid="policy-group-own" data-item={i.key}>
          {i.label}
        </Tag>
      ))}
    </Space>
  );
}

/** One template: its name and settings (a new one at /policies/new), the groups following it, apply to more. */
export function PolicyPage() {
  const { id = NEW } = useParams();
  const creating = id === NEW;
  const { t } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const navigate = useNavigate();
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [groups, setGroups] = useState<PolicyGroup[] | null>(null);
  /** Every group of the workspace: an admin of the template is picked from any of them. */
  const [allGroups, setAllGroups] = useState<Group[]>([]);
  const [name, setName] = useState('');
  const [patch, setPatch] = useState<GroupSettingsPatch>({});
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [applying, setApplying] = useState(false);
  const editable = can('policies:write');
  const policyScope = useMemo(() => ({ policyId: id }), [id]);

  const show = useCallback((p: Policy) => {
    setPolicy(p);
    setName(p.name);
    setPatch(p.settings);
  }, []);

  const loadGroups = useCallback(() => {
    if (creating) return;
    api.policyGroups(id).then((r) => setGroups(r.items), report);
  }, [creating, id, report]);

  useEffect(() => {
    setError(null);
    setPolicy(null);
    setGroups(null);
    if (creating) {
      setName('');
      setPatch({});
      return;
    }
    api.policy(id).then(show, setError);
    loadGroups();
    api.groups().then((r) => setAllGroups(r.items), report);
  }, [creating, id, show, loadGroups, report]);

  if (error) {
    const missing = error instanceof ApiRequestError && error.status === 404;
    return <Result status={missing ? '404' : 'warning'} title={missing ? t('common.notFound') : errorText(error, t)} />;
  }
  if (!creating && (!policy || policy.id !== id)) {
    return (
      <div className="c-center">
        <Spin />
      </div>
    );
  }

  const nameOk = PolicyInput.shape.name.safeParse(name).success;
  const dirty = creating || (policy !== null && (name !== policy.name || !samePatch(patch, policy.settings)));

  async function save() {
    setSaving(true);
    try {
      if (creating) {
        const p = await api.createPolicy({ name, settings: patch });
        void message.success(t('policies.created'));
        navigate(`/policies/${p.id}`, { replace: true });
      } else {
        show(await api.replacePolicy(id, { name, settings: patch }));
        loadGroups();
        void message.success(t('policies.saved'));
      }
    } catch (e) {
      report(e);
    } finally {
      setSaving(false);
    }
  }

  const settingsPane = (
    <>
      <GroupSettingsForm base={DEFAULT_GROUP_SETTINGS} patch={patch} onChange={setPatch} mode="template" disabled={!editable} />
      {editable && (
        <div className="c-save-bar">
          {!creating && policy && (
            <Button onClick={() => show(policy)} disabled={!dirty || saving}>
              {t('gs.discard')}
            </Button>
          )}
          <Button type="primary" onClick={() => void save()} loading={saving} disabled={!dirty || !nameOk} data-testid="policy-save">
            {creating ? t('common.create') : t('common.save')}
          </Button>
        </div>
      )}
    </>
  );

  return (
    <>
      <PageHeader
        back="/policies"
        title={creating ? t('policies.new') : (policy?.name ?? '')}
        extra={
          !creating &&
          editable && (
            <Button type="primary" icon={<SendOutlined />} onClick={() => setApplying(true)} data-testid="policy-apply">
              {t('policies.apply')}
            </Button>
          )
        }
      />
      <div className="c-stack">
        <Card size="small" title={t('policies.name')}>
          <Form layout="vertical" component="div">
            <Form.Item validateStatus={nameOk || name === '' ? undefined : 'error'} help={nameOk || name === '' ? undefined : t('validation.required')} style={{ marginBottom: 0 }}>
              <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} placeholder={t('policies.namePlaceholder')} disabled={!editable} autoFocus={creating} data-testid="policy-name" style={{ maxWidth: 400 }} />
            </Form.Item>
          </Form>
          <Typography.Paragraph type="secondary" className="c-settings-hint">
            {t('policies.formHint')}
          </Typography.Paragraph>
        </Card>
        {!creating && (
          <Card size="small" title={t('policies.groups', { count: groups?.length ?? 0 })} data-testid="policy-groups">
            <Table<PolicyGroup>
              rowKey="groupId"
              size="small"
              loading={groups === null}
              dataSource={groups ?? []}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              onRow={(g) => ({ 'data-testid': 'policy-group-row', 'data-group-id': g.groupId, 'data-differs': g.differs.length }) as React.HTMLAttributes<HTMLElement>}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('policies.groupsEmpty')} /> }}
              columns={[
                { title: t('policies.col.group'), dataIndex: 'groupName', width: 220, render: (n: string, g) => <Link to={`/groups/${g.groupId}?tab=settings`}>{n}</Link> },
                {
                  title: t('policies.col.differs'),
                  key: 'differs',
                  render: (_, g) => (g.differs.length === 0 ? <Typography.Text type="secondary">{t('policies.sameAsPolicy')}</Typography.Text> : <FieldTags fields={g.differs} color="orange" t={t} testId="policy-group-differs-field" />),
                },
                {
                  title: t('policies.col.overrides'),
                  key: 'overrides',
                  width: 120,
                  align: 'right',
                  render: (_, g) =>
                    g.overrides.length === 0 ? (
                      0
                    ) : (
                      <Tooltip title={g.overrides.map((f) => fieldLabel(f, t)).join('、')}>
                        <span>{g.overrides.length}</span>
                      </Tooltip>
                    ),
                },
                { title: t('policies.col.own'), key: 'own', render: (_, g) => <OwnTags group={g} t={t} /> },
              ]}
            />
          </Card>
        )}
        {creating ? (
          settingsPane
        ) : (
          <Tabs
            data-testid="policy-tabs"
            items={[
              { key: 'settings', label: t('policies.tab.settings'), children: settingsPane },
              {
                key: 'texts',
                label: <span data-testid="policy-tab-texts">{t('policies.tab.texts')}</span>,
                children: policy && <RulesTab policy={policy} onChange={setPolicy} />,
              },
              { key: 'keywords', label: t('policies.tab.keywords'), children: <KeywordsTab scope={policyScope} /> },
              { key: 'words', label: <span data-testid="policy-tab-words">{t('policies.tab.words')}</span>, children: <WordListsTab scope={policyScope} /> },
              {
                key: 'admins',
                label: <span data-testid="policy-tab-admins">{t('policies.tab.admins')}</span>,
                children: <AdminList groups={allGroups} scope={policyScope} />,
              },
            ]}
          />
        )}
      </div>
      {applying && policy && (
        <ApplyModal
          policy={policy}
          onClose={() => setApplying(false)}
          onApplied={() => {
            loadGroups();
            api.policy(id).then(show, report);
          }}
        />
      )}
    </>
  );
}

/** Choose groups (search, select all), apply, then see what changed in each. */
function ApplyModal({ policy, onClose, onApplied }: { policy: Policy; onClose: () => void; onApplied: () => void }) {
  const { t } = useI18n();
  const report = useReportError();
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [reset, setReset] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PolicyApplied | null>(null);

  useEffect(() => {
    api.groups().then((r) => setGroups(r.items), report);
  }, [report]);

  async function apply() {
    setBusy(true);
    try {
      setResult(await api.applyPolicy(policy.id, { groupIds: chosen, resetOverrides: reset }));
      onApplied();
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  }

  const changed = result?.items.filter((i) => i.changed.length > 0).length ?? 0;

  return (
    <Modal open width={720} title={t('policies.applyTitle', { name: policy.name })} onCancel={onClose} footer={null} destroyOnHidden>
      {result ? (
        <div data-testid="apply-result">
          <Typography.Paragraph>{t('policies.applied', { count: result.items.length, changed })}</Typography.Paragraph>
          <Table<PolicyApplied['items'][number]>
            rowKey="groupId"
            size="small"
            dataSource={result.items}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            onRow={(i) => ({ 'data-testid': 'apply-result-row', 'data-group-id': i.groupId }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: t('policies.col.group'), dataIndex: 'groupName', width: 160 },
              {
                title: t('policies.col.changed'),
                key: 'changed',
                render: (_, i) => (i.changed.length === 0 ? <Typography.Text type="secondary">{t('policies.unchanged')}</Typography.Text> : <FieldTags fields={i.changed} color="blue" t={t} testId="apply-changed-field" />),
              },
              {
                title: t('policies.col.differs'),
                key: 'differs',
                render: (_, i) => (i.differs.length === 0 ? <Typography.Text type="secondary">{t('common.none')}</Typography.Text> : <FieldTags fields={i.differs} color="orange" t={t} testId="apply-differs-field" />),
              },
            ]}
          />
          <div className="c-modal-actions">
            <Button type="primary" onClick={onClose} data-testid="apply-done">
              {t('policies.done')}
            </Button>
          </div>
        </div>
      ) : (
        <Form layout="vertical" component="div">
          <Form.Item label={t('policies.applyGroups')} extra={t('policies.applyHint')}>
            <Space.Compact className="c-full">
              <Select<string[]>
                mode="multiple"
                value={chosen}
                onChange={setChosen}
                loading={groups === null}
                options={(groups ?? []).map((g) => ({ value: g.id, label: g.name }))}
                showSearch={{ optionFilterProp: 'label' }}
                maxTagCount="responsive"
                placeholder={t('policies.applyPlaceholder')}
                className="c-full"
                data-testid="apply-groups"
              />
              <Button onClick={() => setChosen((groups ?? []).map((g) => g.id))} disabled={!groups?.length} data-testid="apply-all">
                {t('policies.selectAll')}
              </Button>
            </Space.Compact>
          </Form.Item>
          <Form.Item extra={t('policies.resetHint')}>
            <Checkbox checked={reset} onChange={(e) => setReset(e.target.checked)} data-testid="apply-reset">
              {t('policies.reset')}
            </Checkbox>
          </Form.Item>
          <div className="c-modal-actions">
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" onClick={() => void apply()} loading={busy} disabled={chosen.length === 0} data-testid="apply-submit">
              {t('policies.applyCount', { count: chosen.length })}
            </Button>
          </div>
        </Form>
      )}
    </Modal>
  );
}
