import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { LoginBody, type Session } from '../../../../src/shared/api.ts';
import { api } from '../../api.ts';
import { useI18n, type Locale } from '../../i18n.ts';
import { AuthFrame } from '../AuthFrame.tsx';
import { errorText } from '../context.ts';
import { zodRule } from '../zodRule.ts';

interface Values {
  email: string;
  password: string;
}

export function LoginPage({ onDone, onLocale }: { onDone: (s: Session) => void; onLocale: (l: Locale) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(values: Values) {
    setBusy(true);
    setError(null);
    try {
      onDone(await api.login(values));
    } catch (e) {
      setError(errorText(e, t));
      setBusy(false);
    }
  }

  const f = LoginBody.shape;
  return (
    <AuthFrame title={t('login.title')} subtitle={t('login.subtitle')} onLocale={onLocale}>
      <Form<Values> layout="vertical" onFinish={submit} requiredMark={false} data-testid="login-form">
        <Form.Item name="email" label={t('login.email')} rules={[zodRule(f.email, t('validation.email'))]}>
          <Input data-testid="login-email" type="email" autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item name="password" label={t('login.password')} rules={[zodRule(f.password, t('validation.required'))]}>
          <Input.Password data-testid="login-password" autoComplete="current-password" />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} className="c-form-alert" data-testid="login-error" />}
        <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="login-submit">
          {t('login.submit')}
        </Button>
      </Form>
    </AuthFrame>
  );
}
