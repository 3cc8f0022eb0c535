import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { Locale } from '../i18n.ts';
import { LocaleSwitch } from './LocaleSwitch.tsx';

/** The frame of the pages before sign-in (setup, login). */
export function AuthFrame({ title, subtitle, onLocale, children }: { title: string; subtitle: string; onLocale: (l: Locale) => void; children: ReactNode }) {
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
          {title}
        </Typography.Title>
        <Typography.Paragraph type="secondary" className="c-auth-subtitle">
          {subtitle}
        </Typography.Paragraph>
        {children}
      </Card>
    </div>
  );
}
