import { Alert, App, Button, Form, Input, Select, Spin } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { WorkspacePatch, type Workspace } from '../../../../src/shared/api.ts';
import { api } from '../../api.ts';
import { LOCALES, useI18n, type Locale } from '../../i18n.ts';
import { useReportError, useSession } from '../context.ts';
import { PageHeader } from '../PageHeader.tsx';
import { zodRule } from '../zodRule.ts';

interface Values {
  name: string;
  timezone: string;
  locale: Locale;
}

/** Every IANA zone the browser knows, with the workspace's own first if it is unusual. */
function timeZones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['Asia/Shanghai', 'UTC'];
  return all.includes(current) ? all : [current, ...all];
}

export function SettingsPage() {
  const { t } = useI18n();
  const { can, setWorkspace } = useSession();
  const { message } = App.useApp();
  const report = useReportError();
  const [workspace, setWs] = useState<Workspace | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();
  const editable = can('workspace:write');
  const f = WorkspacePatch.shape;

  useEffect(() => {
    api.workspace().then(setWs, report);
  }, [report]);

  const zones = useMemo(() => (workspace ? timeZones(workspace.timezone).map((z) => ({ value: z, label: z })) : []), [workspace]);

  async function submit(values: Values) {
    setBusy(true);
    try {
      const saved = await api.patchWorkspace(values);
      setWs(saved);
      setWorkspace(saved);
      void message.success(t('settings.saved'));
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeader title={t('settings.title')} />
      <div className="c-panel c-narrow">
        {!workspace ? (
          <Spin />
        ) : (
          <Form<Values> form={form} layout="vertical" initialValues={workspace} onFinish={(v) => void submit(v)} disabled={!editable} requiredMark={false} data-testid="settings-form">
            {!editable && <Alert className="c-form-alert" type="info" showIcon message={t('common.readOnly')} />}
            <Form.Item name="name" label={t('settings.workspaceName')} rules={[zodRule(f.name, t('validation.required'))]}>
              <Input maxLength={80} data-testid="settings-name" />
            </Form.Item>
            <Form.Item name="timezone" label={t('settings.timezone')} extra={t('settings.timezoneHint')}>
              <Select showSearch options={zones} data-testid="settings-timezone" />
            </Form.Item>
            <Form.Item name="locale" label={t('settings.locale')} extra={t('settings.localeHint')}>
              <Select<Locale> options={LOCALES.map((l) => ({ value: l, label: t(`locale.${l}`) }))} data-testid="settings-locale" />
            </Form.Item>
            {editable && (
              <Button type="primary" htmlType="submit" loading={busy} data-testid="settings-save">
                {t('common.save')}
              </Button>
            )}
          </Form>
        )}
      </div>
    </>
  );
}
