import { Form, Input } from 'antd';
import { LoginBody, type Session } from '../../../../src/shared/api.ts';
import { api } from '../../api.ts';
import { useI18n, type Locale } from '../../i18n.ts';
import { AuthFrame } from '../AuthFrame.tsx';
import { zodRule } from '../zodRule.ts';

interface Values {
  email: string;
  password: string;
}

export function LoginPage({ onDone, onLocale }: { onDone: (s: Session) => void; onLocale: (l: Locale) => void }) {
  const { t } = useI18n();
  const f = LoginBody.shape;
  return (
    <AuthFrame page="login" onLocale={onLocale} send={(values: Values) => api.login(values)} onDone={onDone}>
      <Form.Item name="email" label={t('login.email')} rules={[zodRule(f.email, t('validation.email'))]}>
        <Input data-testid="login-email" type="email" autoComplete="username" autoFocus />
      </Form.Item>
      <Form.Item name="password" label={t('login.password')} rules={[zodRule(f.password, t('validation.required'))]}>
        <Input.Password data-testid="login-password" autoComplete="current-password" />
      </Form.Item>
    </AuthFrame>
  );
}
