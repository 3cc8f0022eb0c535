import type { FastifyRequest } from 'fastify';
import { getGroup } from '../../store/repos/groups.ts';
import { findIdentity, getMembership } from '../../store/repos/people.ts';
import { findWebchatUserByToken } from '../../store/repos/webchat.ts';
import { tokenHash } from '../auth.ts';
import type { Runtime } from '../runtime.ts';

/** A web community member's token, sent as `Authorization: Bearer …`. */
export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

/** The member behind a token and their active membership in a group; null when either is missing. */
export async function webchatMemberIn(rt: Runtime, token: string | undefined, groupId: string) {
  if (!token) return null;
  const { db } = rt.store;
  const user = await findWebchatUserByToken(db, tokenHash(token));
  const group = await getGroup(db, groupId);
  if (!user || !group || group.channel_account_id !== user.channel_account_id) return null;
  const identity = await findIdentity(db, group.channel_account_id, user.id);
  const membership = identity && (await getMembership(db, group.id, identity.id));
  if (!identity || membership?.status !== 'active') return null;
  const connector = rt.webchat(group.channel_account_id);
  if (!connector) return null;
  return { user, group, identity, connector };
}
