import { Alert, Button, Card, Form, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import type { Session } from '../../../src/shared/api.ts';
import { useI18n, type Locale } from '../i18n.ts';
import { errorText } from './context.ts';
import { LocaleSwitch } from './LocaleSwitch.tsx';

/**
 * The pages before sign-in (setup, login): a card with the page's form fields (`children`), what
 * went wrong, and the button that sends them and, once the server agrees, hands on the session.
 */
export function AuthFrame<V>({
  page,
  onLocale,
  send,
  onDone,
  children,
}: {
  /** Its texts (`login.title`, …) and test ids (`login-form`, …). */
  page: 'login' | 'setup';
  onLocale: (l: Locale) => void;
  send: (values: V) => Promise<Session>;
  onDone: (s: Session) => void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(values: V) {
    setBusy(true);
    setError(null);
    try {
      onDone(await send(values));
    } catch (e) {
      setError(errorText(e, t));
      setBusy(false);
    }
  }

  return (
    <div className="c-auth">
      <div className="c-auth-locale">
        <LocaleSwitch onChange={onLocale} />
      </div>
      <Card className="c-auth-card" variant="borderless">
        <div className="c-auth-brand">
          <span className="c-logo-mark">群</span>
        </div>
        <Typography.Title level={3} className="c-auth-title">
          {t(`${page}.title`)}
        </Typography.Title>
        <Typography.Paragraph type="secondary" className="c-auth-subtitle">
          {t(`${page}.subtitle`)}
        </Typography.Paragraph>
        <Form<V> layout="vertical" onFinish={submit} requiredMark={false} data-testid={`${page}-form`}>
          {children}
          {error && <Alert type="error" showIcon message={error} className="c-form-alert" data-testid={`${page}-error`} />}
          <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid={`${page}-submit`}>
            {t(`${page}.submit`)}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
