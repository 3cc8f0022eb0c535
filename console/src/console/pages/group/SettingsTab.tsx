import { LockOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Popconfirm, Select, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { Group, GroupSettingsOut, Policy } from '../../../../../src/shared/api.ts';
import { differences, resolveSettings, type GroupSettingsPatch } from '../../../../../src/shared/group-settings.ts';
import { api } from '../../../api.ts';
import { useI18n } from '../../../i18n.ts';
import { useReportError, useSession } from '../../context.ts';
import { fieldLabel, GroupSettingsForm, samePatch } from '../../GroupSettingsForm.tsx';

const NO_POLICY = '';

/** A group's moderation settings: its template, its own overrides, and a raid lockdown in force. */
export function SettingsTab({ group }: { group: Group }) {
  const { t } = useI18n();
  const { can, formatTime } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [saved, setSaved] = useState<GroupSettingsOut | null>(null);
  const [policies, setPolicies] = useState<Policy[] | null>(null);
  const [patch, setPatch] = useState<GroupSettingsPatch>({});
  const [policyId, setPolicyId] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [unlocking, setUnlocking] = useState(false);
  const editable = can('policies:write');

  const show = useCallback((s: GroupSettingsOut) => {
    setSaved(s);
    setPatch(s.overrides);
    setPolicyId(s.policy?.id ?? null);
  }, []);

  useEffect(() => {
    let live = true;
    Promise.all([api.groupSettings(group.id), api.policies()]).then(([s, p]) => {
      if (!live) return;
      setPolicies(p.items);
      show(s);
    }, report);
    return () => {
      live = false;
    };
  }, [group.id, show, report]);

  const policy = policies?.find((p) => p.id === policyId) ?? null;
  const base = useMemo(() => resolveSettings(policy?.settings), [policy]);
  const differs = useMemo(() => differences(base, resolveSettings(policy?.settings, patch)), [base, policy, patch]);

  if (!saved || !policies) {
    return (
      <div className="c-center">
        <Spin />
      </div>
    );
  }

  const dirty = policyId !== (saved.policy?.id ?? null) || !samePatch(patch, saved.overrides);

  async function save() {
    setSaving(true);
    try {
      show(await api.putGroupSettings(group.id, { overrides: patch, policyId }));
      void message.success(t('gs.saved'));
    } catch (e) {
      report(e);
    } finally {
      setSaving(false);
    }
  }

  async function unlock() {
    setUnlocking(true);
    try {
      const s = await api.unlockGroup(group.id);
      setSaved((cur) => (cur ? { ...cur, lockedUntil: s.lockedUntil } : s));
      void message.success(t('gs.unlocked'));
    } catch (e) {
      report(e);
    } finally {
      setUnlocking(false);
    }
  }

  return (
    <div className="c-stack">
      {saved.lockedUntil !== null && (
        <Alert
          type="warning"
          showIcon
          icon={<LockOutlined />}
          data-testid="lockdown-banner"
          title={t('gs.locked', { time: formatTime(saved.lockedUntil) })}
          description={t('gs.lockedHint')}
          action={
            can('moderation:act') && (
              <Popconfirm title={t('gs.unlockConfirm')} onConfirm={() => void unlock()} okText={t('gs.unlock')} cancelText={t('common.cancel')}>
                <Button loading={unlocking} data-testid="lockdown-unlock">
                  {t('gs.unlock')}
                </Button>
              </Popconfirm>
            )
          }
        />
      )}
      <Card size="small" title={t('gs.policy')}>
        <Space wrap align="center">
          <Select<string>
            value={policyId ?? NO_POLICY}
            onChange={(v) => setPolicyId(v === NO_POLICY ? null : v)}
            options={[{ value: NO_POLICY, label: t('gs.noPolicy') }, ...policies.map((p) => ({ value: p.id, label: p.name }))]}
            showSearch={{ optionFilterProp: 'label' }}
            disabled={!editable}
            style={{ minWidth: 240 }}
            data-testid="settings-policy"
          />
          {policy && <Link to={`/policies/${policy.id}`}>{t('gs.openPolicy')}</Link>}
        </Space>
        <Typography.Paragraph type="secondary" className="c-settings-hint">
          {policy ? t('gs.policyHint') : t('gs.noPolicyHint')}
        </Typography.Paragraph>
        <div data-testid="settings-differs" data-count={differs.length}>
          {differs.length === 0 ? (
            <Typography.Text type="secondary">{policy ? t('gs.sameAsPolicy') : t('gs.sameAsDefaults')}</Typography.Text>
          ) : (
            <Space size={[4, 4]} wrap>
              <Typography.Text>{t(policy ? 'gs.differsFromPolicy' : 'gs.differsFromDefaults', { count: differs.length })}</Typography.Text>
              {differs.map((f) => (
                <Tag key={f} color="orange" bordered={false} data-testid="settings-differs-field" data-field={f}>
                  {fieldLabel(f, t)}
                </Tag>
              ))}
            </Space>
          )}
        </div>
      </Card>
      <GroupSettingsForm base={base} patch={patch} onChange={setPatch} mode={policy ? 'group' : 'group-no-template'} disabled={!editable} />
      <div className="c-save-bar">
        {editable ? (
          <>
            <Button onClick={() => show(saved)} disabled={!dirty || saving} data-testid="settings-discard">
              {t('gs.discard')}
            </Button>
            <Button type="primary" onClick={() => void save()} loading={saving} disabled={!dirty} data-testid="settings-save">
              {t('common.save')}
            </Button>
          </>
        ) : (
          <Typography.Text type="secondary">{t('common.readOnly')}</Typography.Text>
        )}
      </div>
    </div>
  );
}
