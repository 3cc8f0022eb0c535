import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { NICKNAME_MAX as NicknameMax } from '../../../src/shared/api.ts';
import { ApiRequestError, webchatApi } from '../api.ts';
import { avatarColor, initial } from './avatar.ts';
import { BrokenLinkIcon, NoEntryIcon } from './icons.tsx';
import { memberStorage } from './storage.ts';
import { useMemberI18n } from './useMemberI18n.ts';
import './member.css';

/** The contract's limit, checked at compile time (the value import would bundle zod). */
const NICKNAME_MAX: typeof NicknameMax = 32;

type InviteState =
  | { kind: 'loading' }
  | { kind: 'invalid' }
  | { kind: 'failed'; message: string }
  | { kind: 'ready'; group: { id: string; name: string; memberCount: number } }
  /** The group said no: this person is blacklisted, or it takes no one for now (a raid lockdown). */
  | { kind: 'refused'; reason: 'blacklisted' | 'locked'; groupName: string };

/** What the server said about the nickname, from a 400's details (`[{ path, message }]`). */
function nicknameProblem(e: ApiRequestError): string {
  if (Array.isArray(e.details)) {
    const d = (e.details as { path?: unknown; message?: unknown }[]).find((x) => typeof x.path === 'string' && x.path.includes('nickname'));
    if (typeof d?.message === 'string') return d.message;
  }
  return e.message;
}

export default function JoinPage() {
  const { code = '' } = useParams();
  const { t } = useMemberI18n();
  const navigate = useNavigate();
  const [invite, setInvite] = useState<InviteState>({ kind: 'loading' });
  const [nickname, setNickname] = useState(() => memberStorage.nickname() ?? '');
  const [error, setError] = useState<string | null>(null);
  const [joining, setJoining] = useState(false);

  const load = useCallback(() => {
    setInvite({ kind: 'loading' });
    webchatApi.invite(code).then(
      (r) => setInvite({ kind: 'ready', group: r.group }),
      (e: unknown) => {
        if (e instanceof ApiRequestError && (e.status === 404 || e.status === 400)) setInvite({ kind: 'invalid' });
        else setInvite({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
      },
    );
  }, [code]);

  useEffect(load, [load]);

  useEffect(() => {
    document.title = invite.kind === 'ready' ? `${invite.group.name} · ${t('join.title')}` : t('join.title');
  }, [invite, t]);

  async function join(ev: FormEvent) {
    ev.preventDefault();
    if (joining) return;
    setJoining(true);
    setError(null);
    try {
      const result = await webchatApi.join(code, nickname, memberStorage.token());
      memberStorage.setToken(result.token);
      memberStorage.setNickname(result.member.nickname);
      memberStorage.setInviteCode(result.groupId, code);
      navigate(`/chat/${encodeURIComponent(result.groupId)}`);
    } catch (e) {
      setJoining(false);
      if (e instanceof ApiRequestError && e.status === 404) setInvite({ kind: 'invalid' });
      else if (e instanceof ApiRequestError && e.status === 403 && (e.code === 'blacklisted' || e.code === 'group_locked') && invite.kind === 'ready')
        setInvite({ kind: 'refused', reason: e.code === 'blacklisted' ? 'blacklisted' : 'locked', groupName: invite.group.name });
      else if (e instanceof ApiRequestError && e.status === 400) setError(nickname.trim() === '' ? t('join.nicknameRequired') : t('join.nicknameRejected', { message: nicknameProblem(e) }));
      else setError(t('chat.error', { message: e instanceof Error ? e.message : String(e) }));
    }
  }

  return (
    <div className="m-page">
      <main className="m-card" aria-busy={invite.kind === 'loading'}>
        {invite.kind === 'loading' && <div className="m-spinner" aria-label={t('join.joining')} />}
        {invite.kind === 'invalid' && (
          <div className="m-notice" data-testid="invite-invalid">
            <div className="m-notice-icon">
              <BrokenLinkIcon />
            </div>
            <h1>{t('join.invalidTitle')}</h1>
            <p>{t('join.invalidBody')}</p>
          </div>
        )}
        {invite.kind === 'refused' && (
          <div className="m-notice" role="alert" data-testid="join-refused" data-reason={invite.reason}>
            <div className="m-notice-icon">
              <NoEntryIcon />
            </div>
            <h1>{t(invite.reason === 'blacklisted' ? 'join.refusedTitle' : 'join.lockedTitle')}</h1>
            <p>{t(invite.reason === 'blacklisted' ? 'join.refusedBody' : 'join.lockedBody', { group: invite.groupName })}</p>
            {invite.reason === 'locked' && (
              <button type="button" className="m-button" onClick={load}>
                {t('common.retry')}
              </button>
            )}
          </div>
        )}
        {invite.kind === 'failed' && (
          <div className="m-notice">
            <p>{t('join.retry', { message: invite.message })}</p>
            <button type="button" className="m-button" onClick={load}>
              {t('common.retry')}
            </button>
          </div>
        )}
        {invite.kind === 'ready' && (
          <form className="m-join" onSubmit={join} noValidate>
            <div className="m-group-avatar" style={{ background: avatarColor(invite.group.id) }} aria-hidden>
              {initial(invite.group.name)}
            </div>
            <p className="m-eyebrow">{t('join.title')}</p>
            <h1 className="m-group-name" data-testid="join-group-name">
              {invite.group.name}
            </h1>
            <p className="m-muted">{t('join.members', { count: invite.group.memberCount })}</p>
            <label className="m-field">
              <span>{t('join.nickname')}</span>
              <input
                data-testid="join-nickname"
                value={nickname}
                onChange={(e) => setNickname(e.target.value)}
                maxLength={NICKNAME_MAX}
                placeholder={t('join.nicknamePlaceholder')}
                autoComplete="nickname"
                enterKeyHint="go"
                aria-invalid={error !== null}
                aria-describedby={error ? 'join-error' : undefined}
              />
            </label>
            {error && (
              <p id="join-error" className="m-error" role="alert" data-testid="join-error">
                {error}
              </p>
            )}
            <button type="submit" className="m-button m-button-block" data-testid="join-submit" disabled={joining}>
              {joining ? t('join.joining') : t('join.submit')}
            </button>
            <p className="m-fineprint">{t('join.privacy')}</p>
          </form>
        )}
      </main>
      <footer className="m-footer">{t('join.poweredBy')}</footer>
    </div>
  );
}
