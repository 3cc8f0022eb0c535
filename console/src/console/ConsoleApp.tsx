import { App as AntApp, ConfigProvider, Result, Button, Spin } from 'antd';
import enUSModule from 'antd/es/locale/en_US.js';
import zhCNModule from 'antd/es/locale/zh_CN.js';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import type { Session, Workspace } from '../../../src/shared/api.ts';
import { api, ApiRequestError, setCsrfToken, setUnauthorizedHandler } from '../api.ts';
import { I18nContext, isLocale, translator, type Locale } from '../i18n.ts';
import { formatDateTime } from '../shared/format.ts';
import { SessionContext, errorText, type ConsoleSession } from './context.ts';
import { ConsoleLayout } from './Layout.tsx';
import { allows } from './permissions.ts';
import { AssistantPage } from './pages/AssistantPage.tsx';
import { AuditPage } from './pages/AuditPage.tsx';
import { BlacklistPage } from './pages/BlacklistPage.tsx';
import { ContactPage } from './pages/ContactPage.tsx';
import { GroupDetailPage } from './pages/GroupDetailPage.tsx';
import { GroupsPage } from './pages/GroupsPage.tsx';
import { ModerationPage } from './pages/ModerationPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { PoliciesPage } from './pages/PoliciesPage.tsx';
import { PolicyPage } from './pages/PolicyPage.tsx';
import { SettingsPage } from './pages/SettingsPage.tsx';
import { SetupPage } from './pages/SetupPage.tsx';
import { TeamPage } from './pages/TeamPage.tsx';
import './console.css';

const LOCALE_KEY = 'shequn.locale';

// antd ships its locales as ES modules without "type": "module", so TypeScript (nodenext) sees the
// default import as the CommonJS namespace while Vite hands over the locale itself: accept both.
type AntLocale = typeof zhCNModule.default;
const unwrap = (m: AntLocale | { default: AntLocale }): AntLocale => ('default' in m ? m.default : m);
const antLocales = { 'zh-CN': unwrap(zhCNModule), en: unwrap(enUSModule) } as const;

function storedLocale(): Locale | null {
  try {
    const v = localStorage.getItem(LOCALE_KEY);
    return isLocale(v) ? v : null;
  } catch {
    return null;
  }
}

function storeLocale(locale: Locale): void {
  try {
    localStorage.setItem(LOCALE_KEY, locale);
  } catch {
    // Storage blocked: the choice lasts for this page only (and in the account, when signed in).
  }
}

type Phase = { kind: 'booting' } | { kind: 'failed'; error: unknown } | { kind: 'needsOwner' } | { kind: 'signedOut' } | { kind: 'signedIn'; session: Session };

const theme = { token: { colorPrimary: '#07a35a', borderRadius: 8 } };

/** The operator console: session bootstrap, locale, and the signed-in pages. */
export default function ConsoleApp() {
  const [locale, setLocaleState] = useState<Locale>(() => storedLocale() ?? 'zh-CN');
  const i18n = useMemo(() => ({ locale, t: translator(locale) }), [locale]);
  const [phase, setPhase] = useState<Phase>({ kind: 'booting' });
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = i18n.t('app.title');
  }, [locale, i18n]);

  const chooseLocale = useCallback((next: Locale) => {
    storeLocale(next);
    setLocaleState(next);
  }, []);

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    // The account's language wins unless this browser already chose one.
    if (storedLocale() === null) setLocaleState(session.user.locale);
    setPhase({ kind: 'signedIn', session });
  }, []);

  const signedOut = useCallback(() => {
    setCsrfToken(null);
    setPhase({ kind: 'signedOut' });
  }, []);

  const boot = useCallback(async () => {
    setPhase({ kind: 'booting' });
    try {
      const status = await api.setupStatus();
      if (status.needsOwner) return setPhase({ kind: 'needsOwner' });
      signedIn(await api.me());
    } catch (e) {
      if (e instanceof ApiRequestError && e.status === 401) signedOut();
      else setPhase({ kind: 'failed', error: e });
    }
  }, [signedIn, signedOut]);

  useEffect(() => {
    void boot();
  }, [boot]);

  useEffect(() => {
    setUnauthorizedHandler(signedOut);
    return () => setUnauthorizedHandler(null);
  }, [signedOut]);

  const session = phase.kind === 'signedIn' ? phase.session : null;
  const ctx = useMemo<ConsoleSession | null>(() => {
    if (!session) return null;
    return {
      session,
      setWorkspace: (workspace: Workspace) => setPhase({ kind: 'signedIn', session: { ...session, workspace } }),
      setLocale: (next: Locale) => {
        chooseLocale(next);
        api.patchMe(next).catch(() => {
          // The choice is kept in this browser; the account keeps its old default.
        });
      },
      can: (p) => allows(session.role, p),
      formatTime: (ms) => (ms === null ? i18n.t('common.none') : formatDateTime(ms, locale, session.workspace.timezone)),
      logout: () => {
        api.logout().finally(() => {
          signedOut();
          navigate('/login', { replace: true });
        });
      },
    };
  }, [session, locale, i18n, chooseLocale, signedOut, navigate]);

  const path = location.pathname;
  let body: React.ReactNode;
  if (phase.kind === 'booting') {
    body = (
      <div className="c-center">
        <Spin size="large" />
      </div>
    );
  } else if (phase.kind === 'failed') {
    body = (
      <div className="c-center">
        <Result
          status="warning"
          title={errorText(phase.error, i18n.t)}
          extra={
            <Button type="primary" onClick={() => void boot()}>
              {i18n.t('common.retry')}
            </Button>
          }
        />
      </div>
    );
  } else if (phase.kind === 'needsOwner' && path !== '/setup') {
    body = <Navigate to="/setup" replace />;
  } else if (phase.kind === 'signedOut' && path !== '/login') {
    body = <Navigate to="/login" replace state={{ from: path === '/setup' ? '/groups' : `${path}${location.search}` }} />;
  } else if (phase.kind === 'signedIn' && (path === '/login' || path === '/setup')) {
    const from = (location.state as { from?: unknown } | null)?.from;
    body = <Navigate to={typeof from === 'string' ? from : '/groups'} replace />;
  } else {
    body = (
      <Routes>
        <Route path="/setup" element={<SetupPage onDone={signedIn} onLocale={chooseLocale} />} />
        <Route path="/login" element={<LoginPage onDone={signedIn} onLocale={chooseLocale} />} />
        {ctx && (
          <Route element={<ConsoleLayout />}>
            <Route index element={<Navigate to="/groups" replace />} />
            <Route path="/groups" element={<GroupsPage />} />
            <Route path="/groups/:id" element={<GroupDetailPage />} />
            <Route path="/contacts/:id" element={<ContactPage />} />
            <Route path="/moderation" element={<ModerationPage />} />
            <Route path="/blacklist" element={<BlacklistPage />} />
            <Route path="/policies" element={<PoliciesPage />} />
            <Route path="/policies/:id" element={<PolicyPage />} />
            <Route path="/assistant" element={<AssistantPage />} />
            <Route path="/team" element={<TeamPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/settings" element={<SettingsPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        )}
      </Routes>
    );
  }

  return (
    <I18nContext.Provider value={i18n}>
      <ConfigProvider locale={antLocales[locale]} theme={theme}>
        <AntApp>
          <SessionContext.Provider value={ctx}>{body}</SessionContext.Provider>
        </AntApp>
      </ConfigProvider>
    </I18nContext.Provider>
  );
}
