import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { SetupBody, type Session } from '../../../../src/shared/api.ts';
import { api } from '../../api.ts';
import { useI18n, type Locale } from '../../i18n.ts';
import { AuthFrame } from '../AuthFrame.tsx';
import { errorText } from '../context.ts';
import { zodRule } from '../zodRule.ts';

interface Values {
  email: string;
  password: string;
  name: string;
  workspaceName: string;
}

/** First visit: the owner account and the workspace. */
export function SetupPage({ onDone, onLocale }: { onDone: (s: Session) => void; onLocale: (l: Locale) => void }) {
  const { t, locale } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(values: Values) {
    setBusy(true);
    setError(null);
    try {
      onDone(await api.setup({ ...values, locale }));
    } catch (e) {
      setError(errorText(e, t));
      setBusy(false);
    }
  }

  const f = SetupBody.shape;
  return (
    <AuthFrame title={t('setup.title')} subtitle={t('setup.subtitle')} onLocale={onLocale}>
      <Form<Values> layout="vertical" onFinish={submit} requiredMark={false} data-testid="setup-form">
        <Form.Item name="workspaceName" label={t('setup.workspaceName')} extra={t('setup.workspaceHint')} rules={[zodRule(f.workspaceName, t('validation.required'))]}>
          <Input data-testid="setup-workspace" autoFocus maxLength={80} />
        </Form.Item>
        <Form.Item name="name" label={t('setup.name')} rules={[zodRule(f.name, t('validation.required'))]}>
          <Input data-testid="setup-name" autoComplete="name" maxLength={80} />
        </Form.Item>
        <Form.Item name="email" label={t('setup.email')} rules={[zodRule(f.email, t('validation.email'))]}>
          <Input data-testid="setup-email" type="email" autoComplete="email" />
        </Form.Item>
        <Form.Item name="password" label={t('setup.password')} extra={t('setup.passwordHint')} rules={[zodRule(f.password, t('validation.password'))]}>
          <Input.Password data-testid="setup-password" autoComplete="new-password" />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} className="c-form-alert" data-testid="setup-error" />}
        <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="setup-submit">
          {t('setup.submit')}
        </Button>
      </Form>
    </AuthFrame>
  );
}
