import { App } from 'antd';
import { createContext, useCallback, useContext } from 'react';
import type { Session, Workspace } from '../../../src/shared/api.ts';
import { ApiRequestError } from '../api.ts';
import { useI18n, type Locale, type Translate } from '../i18n.ts';
import type { Permission } from './permissions.ts';

export interface ConsoleSession {
  session: Session;
  /** After the workspace settings change (the header shows its name). */
  setWorkspace: (workspace: Workspace) => void;
  setLocale: (locale: Locale) => void;
  can: (permission: Permission) => boolean;
  /** A timestamp in the workspace's time zone; '—' for null. */
  formatTime: (ms: number | null) => string;
  logout: () => void;
}

export const SessionContext = createContext<ConsoleSession | null>(null);

export function useSession(): ConsoleSession {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console page');
  return s;
}

/** A human sentence for an API failure, in the operator's language. */
export function errorText(e: unknown, t: Translate): string {
  if (!(e instanceof ApiRequestError)) return t('error.generic', { message: e instanceof Error ? e.message : String(e) });
  switch (e.code) {
    case 'network':
      return t('error.network');
    case 'invalid_credentials':
      return t('error.invalid_credentials');
    case 'too_many_attempts':
      return t('error.too_many_attempts', { minutes: Math.max(1, Math.ceil((e.retryAfter ?? 60) / 60)) });
    case 'csrf':
      return t('error.csrf');
    case 'unauthenticated':
      return t('error.unauthenticated');
    case 'forbidden':
      return `${t('error.forbidden')} (${e.message})`;
    default:
      return e.message;
  }
}

/** Shows an API failure as an antd message toast. */
export function useReportError(): (e: unknown) => void {
  const { message } = App.useApp();
  const { t } = useI18n();
  return useCallback((e: unknown) => void message.error(errorText(e, t)), [message, t]);
}
