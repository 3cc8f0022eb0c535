import { Form, Input } from 'antd';
import { SetupBody, type Session } from '../../../../src/shared/api.ts';
import { api } from '../../api.ts';
import { useI18n, type Locale } from '../../i18n.ts';
import { AuthFrame } from '../AuthFrame.tsx';
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
  const f = SetupBody.shape;
  return (
    <AuthFrame page="setup" onLocale={onLocale} send={(values: Values) => api.setup({ ...values, locale })} onDone={onDone}>
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
    </AuthFrame>
  );
}
