import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { webchatApi } from '../api.ts';
import type { Translate } from '../i18n.ts';
import { avatarColor, initial } from './avatar.ts';

type InviteGroup = { id: string; name: string; memberCount: number };

/** Invite lookups of this page, shared by every card of the same link (a failure is not kept). */
const lookups = new Map<string, Promise<InviteGroup | null>>();

function lookup(code: string): Promise<InviteGroup | null> {
  let p = lookups.get(code);
  if (!p) {
    p = webchatApi.invite(code).then(
      (r) => r.group,
      (e: unknown) => {
        lookups.delete(code);
        throw e;
      },
    );
    lookups.set(code, p);
  }
  return p;
}

/** The invite code of the first link to `${origin}/join/<code>` in a text, if any. */
export function inviteCodeIn(text: string, origin: string): string | null {
  const at = text.indexOf(`${origin}/join/`);
  if (at < 0) return null;
  const m = /^[\w-]{4,64}/.exec(text.slice(at + origin.length + '/join/'.length));
  return m ? m[0] : null;
}

/**
 * A group invitation as a card: the group, how many are in it, and a button that opens the join
 * page (the member keeps their token there, so they join as themselves).
 */
export function InviteCard({ code, t }: { code: string; t: Translate }) {
  const [group, setGroup] = useState<InviteGroup | null | 'invalid'>(null);
  useEffect(() => {
    let live = true;
    lookup(code).then(
      (g) => live && setGroup(g),
      () => live && setGroup('invalid'),
    );
    return () => {
      live = false;
    };
  }, [code]);

  if (group === 'invalid') {
    return (
      <div className="m-invite m-invite-invalid" data-testid="invite-card" data-state="invalid">
        {t('invite.invalid')}
      </div>
    );
  }
  return (
    <Link to={`/join/${encodeURIComponent(code)}`} className="m-invite" data-testid="invite-card" data-state={group ? 'ready' : 'loading'}>
      <span className="m-invite-avatar" style={group ? { background: avatarColor(group.id) } : undefined} aria-hidden>
        {group ? initial(group.name) : ''}
      </span>
      <span className="m-invite-body">
        <span className="m-invite-eyebrow">{t('invite.eyebrow')}</span>
        <strong data-testid="invite-card-name">{group?.name ?? t('invite.loading')}</strong>
        {group && <span className="m-invite-meta">{t('join.members', { count: group.memberCount })}</span>}
      </span>
      <span className="m-invite-join">{t('invite.join')}</span>
    </Link>
  );
}
