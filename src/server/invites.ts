import { say } from '../core/moderation/texts.ts';
import { choosePoolGroup, inviteAnswer, type PoolCandidate, type PoolOutcome } from '../core/pool.ts';
import { isIntent, type Decision, type KeyedInvite } from '../core/rules.ts';
import type { KeyedIntent, SendMessageIntent } from '../core/intents.ts';
import type { Db } from '../store/index.ts';
import { workspaceLocale } from '../store/repos/accounts.ts';
import { writeAudit } from '../store/repos/audit.ts';
import { insertCase } from '../store/repos/cases.ts';
import { queueAlert } from './alerts.ts';
import type { BusEvents } from './bus.ts';

/**
 * Invitations the rules asked for (a keyword → group rule, a menu's "进群"), resolved in the
 * transaction of the message that asked: read the pool's groups with their active members and the
 * member's own memberships, choose the group (core/pool.ts) and answer with its link, with "you are
 * already in X", or with "full" — which also alerts the operators ({@link alertPoolFull}).
 */
export interface InviteContext {
  workspaceId: string;
  /** The person asking: a membership through any of their identities counts. */
  contactId: string;
  /** The identity that asked (the case of a full pool names it). */
  identityId: string;
  memberName: string;
  /** The URL that joins a group of that channel account, from the group's invite code; null where the channel has none. */
  inviteUrl: (channelAccountId: string, inviteCode: string) => string | null;
  now: number;
  /** Queues a bus notice for after the commit. */
  notify: (event: BusEvents['invite_pool_full'][0]) => void;
}

/** The decisions as intents, in order, each invitation turned into its answer under the same key. */
export async function resolveInvites(trx: Db, decisions: Decision[], ctx: InviteContext): Promise<KeyedIntent[]> {
  const out: KeyedIntent[] = [];
  let locale: 'zh-CN' | 'en' | undefined;
  for (const d of decisions) {
    if (isIntent(d)) {
      out.push(d);
      continue;
    }
    locale ??= await workspaceLocale(trx, ctx.workspaceId);
    out.push({ idempotencyKey: d.idempotencyKey, ruleId: d.ruleId, intent: await resolveInvite(trx, d, ctx, locale) });
  }
  return out;
}

async function resolveInvite(trx: Db, d: KeyedInvite, ctx: InviteContext, locale: 'zh-CN' | 'en'): Promise<SendMessageIntent> {
  const { groupIds, cap } = d.invite;
  const rows = await trx
    .selectFrom('groups as g')
    .select((eb) => [
      'g.id',
      'g.name',
      'g.invite_code',
      'g.channel_account_id',
      eb
        .selectFrom('memberships as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('m.group_id', '=', 'g.id')
        .where('m.status', '=', 'active')
        .as('active'),
    ])
    .where('g.workspace_id', '=', ctx.workspaceId)
    .where('g.id', 'in', groupIds)
    .execute();
  const member = await trx
    .selectFrom('memberships as m')
    .innerJoin('identities as i', 'i.id', 'm.identity_id')
    .select('m.group_id')
    .where('i.contact_id', '=', ctx.contactId)
    .where('m.group_id', 'in', groupIds)
    .where('m.status', '=', 'active')
    .execute();
  const byId = new Map(rows.map((r) => [r.id, { ...r, url: r.invite_code === null ? null : ctx.inviteUrl(r.channel_account_id, r.invite_code) }]));
  // The pool in the operator's order, without groups deleted since. A group without an invite
  // link can take nobody (cap 0), but someone in it is still "already in".
  const candidates: PoolCandidate[] = groupIds.flatMap((id) => {
    const g = byId.get(id);
    return g ? [{ groupId: id, activeMembers: Number(g.active ?? 0), cap: g.url === null ? 0 : cap }] : [];
  });
  const choice = choosePoolGroup(candidates, new Set(member.map((m) => m.group_id)));
  const chosen = choice.kind === 'full' ? undefined : byId.get(choice.groupId);
  let outcome: PoolOutcome;
  if (choice.kind === 'invite' && chosen?.url) outcome = { kind: 'invite', groupName: chosen.name, inviteUrl: chosen.url };
  else if (choice.kind === 'already_member' && chosen) outcome = { kind: 'already_member', groupName: chosen.name };
  else {
    await alertPoolFull(trx, d, ctx, groupIds.filter((id) => !byId.has(id)), locale);
    outcome = { kind: 'full' };
  }
  return inviteAnswer(d.invite, outcome, locale);
}

/**
 * Every group of a pool is full (or gone): the one place that tells the operators — an alert case
 * (review queue, live feed, webhook), an audit row and a bus notice, in the request's transaction.
 */
async function alertPoolFull(trx: Db, d: KeyedInvite, ctx: InviteContext, missing: string[], locale: 'zh-CN' | 'en'): Promise<void> {
  await writeAudit(trx, {
    workspaceId: ctx.workspaceId,
    userId: null,
    actorName: 'Shequn',
    action: 'invite.pool_full',
    targetType: 'rule',
    targetId: d.ruleId,
    summary: `could not invite ${ctx.memberName}: every group of the pool is full${missing.length > 0 ? ` (${missing.length} of its groups no longer exist)` : ''}`,
    details: { groupIds: d.invite.groupIds, cap: d.invite.cap, missingGroupIds: missing, contactId: ctx.contactId },
    now: ctx.now,
  });
  const c = await insertCase(trx, {
    workspace_id: ctx.workspaceId,
    group_id: null,
    identity_id: ctx.identityId,
    message_id: null,
    kind: 'pool_full',
    action: 'alert',
    applied: 'alert',
    // Said in the workspace's language: the console shows a case's reason as it is.
    details: { reason: missing.length > 0 ? say(locale, 'reason.poolFullMissing', { n: missing.length }) : say(locale, 'reason.poolFull') },
    created_at: ctx.now,
  });
  await queueAlert(trx, ctx.workspaceId, c.id, ctx.now);
  ctx.notify({ workspaceId: ctx.workspaceId, ruleId: d.ruleId, groupIds: d.invite.groupIds, missingGroupIds: missing, contactId: ctx.contactId, memberName: ctx.memberName, caseId: c.id });
}
