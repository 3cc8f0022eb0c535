import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { JoinBody, JoinGateInfo, JoinGateRefusal, NICKNAME_MAX as NicknameMax } from '../../../src/shared/api.ts';
import { ApiRequestError, webchatApi } from '../api.ts';
import type { Translate } from '../i18n.ts';
import { avatarColor, initial } from './avatar.ts';
import { BrokenLinkIcon, NoEntryIcon } from './icons.tsx';
import { memberStorage } from './storage.ts';
import { useMemberI18n } from './useMemberI18n.ts';
import './member.css';

/** The contract's limit, checked at compile time (the value import would bundle zod). */
const NICKNAME_MAX: typeof NicknameMax = 32;
/** JoinBody's limit on an answer. */
const ANSWER_MAX = 200;

type InviteState =
  | { kind: 'loading' }
  | { kind: 'invalid' }
  | { kind: 'failed'; message: string }
  | { kind: 'ready'; group: { id: string; name: string; memberCount: number }; gate: JoinGateInfo }
  /** The group said no: this person is blacklisted, or it takes no one for now (a raid lockdown). */
  | { kind: 'refused'; reason: 'blacklisted' | 'locked'; groupName: string };

/** Which field an error is about, so that field is marked invalid. */
type ErrorField = 'nickname' | 'rules' | 'answer' | null;

/** What the join gate said (403 join_gate, or 429 after too many wrong answers), for the member; null for other errors. */
function gateProblem(e: ApiRequestError, t: Translate): { message: string; field: ErrorField } | null {
  if (e.status === 429) return { message: t('join.gate.tooMany', { minutes: Math.max(1, Math.ceil((e.retryAfter ?? 60) / 60)) }), field: 'answer' };
  if (e.status !== 403 || e.code !== 'join_gate') return null;
  const d = (e.details ?? {}) as Partial<JoinGateRefusal>;
  switch (d.reason) {
    case 'rules_not_accepted':
      return { message: t('join.gate.acceptRequired'), field: 'rules' };
    case 'answer_missing':
      return { message: t('join.gate.answerRequired'), field: 'answer' };
    default:
      return { message: d.attemptsLeft === 0 ? t('join.gate.wrongAnswerLast') : t('join.gate.wrongAnswer', { left: d.attemptsLeft ?? 0 }), field: 'answer' };
  }
}

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
  const [acceptRules, setAcceptRules] = useState(false);
  const [answer, setAnswer] = useState('');
  const [error, setError] = useState<{ message: string; field: ErrorField } | null>(null);
  const [joining, setJoining] = useState(false);

  const load = useCallback(() => {
    setInvite({ kind: 'loading' });
    webchatApi.invite(code).then(
      (r) => setInvite({ kind: 'ready', group: r.group, gate: r.gate }),
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
    if (joining || invite.kind !== 'ready') return;
    const { gate } = invite;
    // The server checks the gate too; these only save a round trip.
    if (gate.mode === 'accept_rules' && !acceptRules) {
      setError({ message: t('join.gate.acceptRequired'), field: 'rules' });
      return;
    }
    if (gate.mode === 'question' && answer.trim() === '') {
      setError({ message: t('join.gate.answerRequired'), field: 'answer' });
      return;
    }
    const body: JoinBody = { nickname, ...(gate.mode === 'accept_rules' ? { acceptRules } : {}), ...(gate.mode === 'question' ? { answer } : {}) };
    setJoining(true);
    setError(null);
    try {
      const result = await webchatApi.join(code, body, memberStorage.token());
      memberStorage.setToken(result.token);
      memberStorage.setNickname(result.member.nickname);
      memberStorage.setInviteCode(result.groupId, code);
      navigate(`/chat/${encodeURIComponent(result.groupId)}`);
    } catch (e) {
      setJoining(false);
      const gateError = e instanceof ApiRequestError ? gateProblem(e, t) : null;
      if (gateError) {
        setError(gateError);
        // The gate may have changed since the page loaded: show what it asks now, keeping what was typed.
        if (e instanceof ApiRequestError && e.status === 403) webchatApi.invite(code).then((r) => setInvite({ kind: 'ready', group: r.group, gate: r.gate }), () => undefined);
      } else if (e instanceof ApiRequestError && e.status === 403 && (e.code === 'blacklisted' || e.code === 'group_locked'))
        setInvite({ kind: 'refused', reason: e.code === 'blacklisted' ? 'blacklisted' : 'locked', groupName: invite.group.name });
      else if (e instanceof ApiRequestError && e.status === 404) setInvite({ kind: 'invalid' });
      else if (e instanceof ApiRequestError && e.status === 400) setError({ message: nickname.trim() === '' ? t('join.nicknameRequired') : t('join.nicknameRejected', { message: nicknameProblem(e) }), field: 'nickname' });
      else setError({ message: t('chat.error', { message: e instanceof Error ? e.message : String(e) }), field: null });
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
                aria-invalid={error?.field === 'nickname'}
                aria-describedby={error?.field === 'nickname' ? 'join-error' : undefined}
              />
            </label>
            {invite.gate.mode === 'accept_rules' && (
              <section className="m-gate" data-testid="join-gate" data-mode="accept_rules" aria-labelledby="join-rules-title">
                <p id="join-rules-title" className="m-gate-title">
                  {t('join.gate.rulesTitle')}
                </p>
                <div className="m-gate-rules" data-testid="join-rules" tabIndex={0}>
                  {invite.gate.rules.trim() === '' ? t('chat.noRules') : invite.gate.rules}
                </div>
                <label className="m-check">
                  <input
                    type="checkbox"
                    data-testid="join-accept-rules"
                    checked={acceptRules}
                    onChange={(e) => setAcceptRules(e.target.checked)}
                    aria-invalid={error?.field === 'rules'}
                    aria-describedby={error?.field === 'rules' ? 'join-error' : undefined}
                  />
                  <span>{t('join.gate.accept')}</span>
                </label>
              </section>
            )}
            {invite.gate.mode === 'question' && (
              <section className="m-gate" data-testid="join-gate" data-mode="question">
                <label className="m-field">
                  <span className="m-gate-title">{t('join.gate.questionTitle')}</span>
                  <span className="m-gate-question" data-testid="join-question">
                    {invite.gate.question}
                  </span>
                  <input
                    data-testid="join-answer"
                    value={answer}
                    onChange={(e) => setAnswer(e.target.value)}
                    maxLength={ANSWER_MAX}
                    placeholder={t('join.gate.answerPlaceholder')}
                    autoComplete="off"
                    enterKeyHint="go"
                    aria-invalid={error?.field === 'answer'}
                    aria-describedby={error?.field === 'answer' ? 'join-error' : undefined}
                  />
                </label>
              </section>
            )}
            {error && (
              <p id="join-error" className="m-error" role="alert" data-testid="join-error">
                {error.message}
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
