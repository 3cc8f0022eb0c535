import { Alert, App, Button, Form, Input, Popconfirm, Select, Space, Spin, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { AlertSettings as AlertSettingsSchema, WorkspacePatch, type Workspace } from '../../../../src/shared/api.ts';
import { api, type AlertSettings } from '../../api.ts';
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
      {editable && <AlertsPanel />}
    </>
  );
}

/** The confirm button of the rotate popover, for tests (antd's props take no data-* keys). */
const rotateConfirmTestId = { 'data-testid': 'alerts-rotate-confirm' };

/**
 * Where alerts go besides the console: a webhook URL that gets every new case as a signed POST,
 * with the signing secret to copy into the receiver (and rotate when it leaks).
 */
function AlertsPanel() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const report = useReportError();
  const [alerts, setAlerts] = useState<AlertSettings | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ webhookUrl: string }>();

  useEffect(() => {
    api.alerts().then((a) => {
      setAlerts(a);
      form.setFieldsValue({ webhookUrl: a.webhookUrl });
    }, report);
  }, [form, report]);

  async function save(webhookUrl: string, rotateSecret: boolean) {
    setBusy(true);
    try {
      const next = await api.putAlerts({ webhookUrl, rotateSecret });
      setAlerts(next);
      form.setFieldsValue({ webhookUrl: next.webhookUrl });
      void message.success(t(rotateSecret ? 'alerts.rotated' : next.webhookUrl ? 'alerts.saved' : 'alerts.cleared'));
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="c-panel c-narrow c-section" data-testid="alerts-panel">
      <Typography.Title level={5}>{t('alerts.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('alerts.hint')}</Typography.Paragraph>
      {!alerts ? (
        <Spin />
      ) : (
        <Form<{ webhookUrl: string }> form={form} layout="vertical" onFinish={(v) => void save(v.webhookUrl, false)} requiredMark={false}>
          <Form.Item
            name="webhookUrl"
            label={t('alerts.url')}
            extra={t('alerts.urlHint')}
            normalize={(v: string) => v.trim()}
            rules={[zodRule(AlertSettingsSchema.shape.webhookUrl, t('alerts.urlInvalid'))]}
          >
            <Input placeholder="https://example.com/shequn-alerts" maxLength={2000} data-testid="alerts-url" />
          </Form.Item>
          {alerts.secret && (
            <Form.Item label={t('alerts.secret')} extra={t('alerts.secretHint')}>
              <Space.Compact className="c-full">
                <Input.Password value={alerts.secret} readOnly data-testid="alerts-secret" />
                <Button
                  onClick={() => {
                    if (!alerts.secret) return;
                    navigator.clipboard.writeText(alerts.secret).then(
                      () => void message.success(t('common.copied')),
                      () => void message.error(t('alerts.copyFailed')),
                    );
                  }}
                  data-testid="alerts-copy"
                >
                  {t('common.copy')}
                </Button>
              </Space.Compact>
            </Form.Item>
          )}
          <Space>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="alerts-save">
              {t('common.save')}
            </Button>
            {alerts.secret && (
              <Popconfirm
                title={t('alerts.rotateConfirm')}
                description={<div className="c-popconfirm-body">{t('alerts.rotateHint')}</div>}
                onConfirm={() => save(form.getFieldValue('webhookUrl') ?? alerts.webhookUrl, true)}
                okText={t('alerts.rotate')}
                okButtonProps={{ danger: true, ...rotateConfirmTestId }}
                cancelText={t('common.cancel')}
              >
                <Button danger disabled={busy} data-testid="alerts-rotate">
                  {t('alerts.rotate')}
                </Button>
              </Popconfirm>
            )}
          </Space>
          <div className="c-signature" data-testid="alerts-signature">
            <Typography.Text strong>{t('alerts.verifyTitle')}</Typography.Text>
            <Typography.Paragraph type="secondary">{t('alerts.verifyHint')}</Typography.Paragraph>
            <pre className="c-code">
              {['X-Shequn-Event: case.created', 'X-Shequn-Timestamp: 1735689600000', 'X-Shequn-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>'].join('\n')}
            </pre>
            <Typography.Paragraph type="secondary">{t('alerts.verifySteps')}</Typography.Paragraph>
          </div>
        </Form>
      )}
    </div>
  );
}
