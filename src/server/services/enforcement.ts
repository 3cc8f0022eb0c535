/**
 * Enforcement: what happens to a member once moderation (automatic, a console moderator, or an
 * admin's chat command) decides to act — delete, warn with points, mute, remove, blacklist — and
 * how a case is undone. Every function runs inside the caller's transaction and returns the
 * intents to queue (with idempotency keys derived from what caused them) and the effects to record
 * on the case, so the engine and the routes share one implementation and one crash story.
 */
import type { Capability } from '../../core/capabilities.ts';
import type { KeyedIntent } from '../../core/intents.ts';
import { activePoints, banExpiry, escalate, warningExpiry } from '../../core/moderation/points.ts';
import { duration, say, type ModerationLocale } from '../../core/moderation/texts.ts';
import { prependMention } from '../../core/template.ts';
import type { CaseAction, CaseEffect, CaseKind } from '../../shared/api.ts';
import type { GroupSettings } from '../../shared/group-settings.ts';
import type { Db } from '../../store/index.ts';
import { workspaceLocale } from '../../store/repos/accounts.ts';
import { setLockedUntil } from '../../store/repos/groups.ts';
import type { Runtime } from '../runtime.ts';
import { findActiveBan, insertBlacklistEntry, liftBlacklistEntry } from '../../store/repos/blacklist.ts';
import { closeCase, insertCase, type CaseRow } from '../../store/repos/cases.ts';
import { insertMute, liftMutes } from '../../store/repos/mutes.ts';
import { insertWarning, listUnexpiredWarnings, revokeWarning } from '../../store/repos/warnings.ts';
import { queueAlert } from '../alerts.ts';
import type { CaseDetails } from '../dto.ts';

export type QueuedIntent = KeyedIntent & { groupId: string | null };

/** The group acted in, as the engine and routes both know it. */
export interface GroupRef {
  id: string;
  workspaceId: string;
  channelAccountId: string;
  platformGroupId: string;
  name: string;
}

/** The person acted on (one identity of a contact). */
export interface Target {
  identityId: string;
  contactId: string;
  platformUserId: string;
  displayName: string;
}

export interface Actor {
  name: string;
  userId: string | null;
}

export interface Env {
  trx: Db;
  now: number;
  locale: ModerationLocale;
  /** Whether a channel account can do something in its groups. */
  can(channelAccountId: string, capability: Capability): boolean;
}

/** The environment a route acts in: its transaction, the workspace's language, what each channel can do. */
export async function routeEnv(rt: Runtime, trx: Db, workspaceId: string, now: number): Promise<Env> {
  return { trx, now, locale: await workspaceLocale(trx, workspaceId), can: (id, c) => rt.account(id)?.capabilities[c] ?? false };
}

/** What an enforcement step produced: intents to queue, effects to record on the case. */
export interface Outcome {
  intents: QueuedIntent[];
  effects: CaseEffect[];
}

/** Automatic actions are Shequn's own. */
export const AUTOMATIC: Actor = { name: 'Shequn', userId: null };

function empty(): Outcome {
  return { intents: [], effects: [] };
}

function merge(into: Outcome, more: Outcome): Outcome {
  into.intents.push(...more.intents);
  into.effects.push(...more.effects);
  return into;
}

/** A message from the bot into the group, optionally @mentioning the target first. */
export function announce(group: GroupRef, key: string, text: string, mention?: Target): QueuedIntent {
  const content = { type: 'text' as const, text, mentions: [] };
  return {
    idempotencyKey: key,
    ruleId: null,
    groupId: group.id,
    intent: {
      kind: 'send_message',
      channelAccountId: group.channelAccountId,
      platformGroupId: group.platformGroupId,
      platformUserId: null,
      content: mention ? prependMention(content, { platformUserId: mention.platformUserId, displayName: mention.displayName }) : content,
      priority: 'interactive',
    },
  };
}

export function deleteMessage(group: GroupRef, key: string, platformMessageId: string, messageId: string): Outcome {
  return {
    intents: [{ idempotencyKey: key, ruleId: null, groupId: group.id, intent: { kind: 'delete_message', channelAccountId: group.channelAccountId, platformGroupId: group.platformGroupId, platformMessageId, priority: 'interactive' } }],
    effects: [{ type: 'deleted', messageId }],
  };
}

/** Removes the member from a group, or records that a moderator must (the channel cannot). */
export function removeFrom(env: Env, group: GroupRef, target: Pick<Target, 'platformUserId'>, key: string): Outcome {
  if (!env.can(group.channelAccountId, 'kick')) return { intents: [], effects: [{ type: 'removal_needed', groupId: group.id, groupName: group.name }] };
  return {
    intents: [{ idempotencyKey: key, ruleId: null, groupId: group.id, intent: { kind: 'remove_member', channelAccountId: group.channelAccountId, platformGroupId: group.platformGroupId, platformUserId: target.platformUserId, priority: 'interactive' } }],
    effects: [{ type: 'removed', groupId: group.id, groupName: group.name }],
  };
}

/**
 * Adds a contact to the blacklist (workspace-wide, or one group) and removes every identity of
 * theirs from every active membership in scope, on every channel. Blacklisting someone already
 * blacklisted in that scope changes nothing (returns the entry in force, `created` false).
 */
export async function blacklist(
  env: Env,
  f: { workspaceId: string; contactId: string; groupId: string | null; reason: string; evidenceMessageId: string | null; caseId: string | null; actor: Actor; expiresAt: number | null; key: string },
): Promise<Outcome & { entryId: string; created: boolean }> {
  const existing = await findActiveBan(env.trx, f.contactId, f.groupId, env.now);
  if (existing && (existing.group_id === null || existing.group_id === f.groupId)) return { ...empty(), entryId: existing.id, created: false };
  const entry = await insertBlacklistEntry(env.trx, {
    workspace_id: f.workspaceId,
    contact_id: f.contactId,
    group_id: f.groupId,
    reason: f.reason,
    evidence_message_id: f.evidenceMessageId,
    case_id: f.caseId,
    added_by_user_id: f.actor.userId,
    added_by_name: f.actor.name,
    created_at: env.now,
    expires_at: f.expiresAt,
  });
  const out: Outcome = { intents: [], effects: [{ type: 'blacklisted', entryId: entry.id, expiresAt: f.expiresAt }] };
  let q = env.trx
    .selectFrom('memberships as m')
    .innerJoin('identities as i', 'i.id', 'm.identity_id')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['m.id as membership_id', 'i.platform_user_id', 'g.id', 'g.workspace_id', 'g.channel_account_id', 'g.platform_group_id', 'g.name'])
    .where('i.contact_id', '=', f.contactId)
    .where('m.status', '=', 'active');
  if (f.groupId !== null) q = q.where('g.id', '=', f.groupId);
  for (const m of await q.orderBy('m.id').execute()) {
    const group: GroupRef = { id: m.id, workspaceId: m.workspace_id, channelAccountId: m.channel_account_id, platformGroupId: m.platform_group_id, name: m.name };
    merge(out, removeFrom(env, group, { platformUserId: m.platform_user_id }, `${f.key}:remove:${m.membership_id}`));
  }
  return { ...out, entryId: entry.id, created: true };
}

/**
 * One warning (one point for the contact, expiring by the group's settings), said in the group
 * with an @mention and the count; at the thresholds the member is removed, then blacklisted.
 */
export async function warn(
  env: Env,
  f: { group: GroupRef; target: Target; settings: GroupSettings; reason: string; caseId: string; actor: Actor; key: string; deleted: boolean; evidenceMessageId: string | null },
): Promise<Outcome> {
  const { group, target, settings } = f;
  const warning = await insertWarning(env.trx, {
    workspace_id: group.workspaceId,
    contact_id: target.contactId,
    group_id: group.id,
    case_id: f.caseId,
    reason: f.reason,
    created_by_name: f.actor.name,
    created_at: env.now,
    expires_at: warningExpiry(env.now, settings.warnings),
  });
  const points = activePoints(await listUnexpiredWarnings(env.trx, target.contactId, env.now), env.now);
  const esc = escalate(points, settings.warnings);
  const out: Outcome = { intents: [], effects: [{ type: 'warned', warningId: warning.id, points, kickAt: settings.warnings.kickAt, banAt: settings.warnings.banAt }] };
  const warned = esc.limit > 0 ? say(env.locale, 'warned', { points, limit: esc.limit, reason: f.reason }) : say(env.locale, 'warnedNoLimit', { reason: f.reason });
  const text = f.deleted ? `${say(env.locale, 'deleted')} ${warned}` : warned;
  out.intents.push(announce(group, `${f.key}:warn`, text, target));
  if (esc.ban) {
    const banned = await blacklist(env, {
      workspaceId: group.workspaceId,
      contactId: target.contactId,
      groupId: null,
      reason: f.reason,
      evidenceMessageId: f.evidenceMessageId,
      caseId: f.caseId,
      actor: f.actor,
      expiresAt: banExpiry(env.now, settings.warnings),
      key: `${f.key}:ban`,
    });
    merge(out, banned);
    // Already blacklisted (and so already removed): still make sure they leave this group.
    if (!banned.created) merge(out, removeFrom(env, group, target, `${f.key}:kick`));
    out.intents.push(announce(group, `${f.key}:announce`, say(env.locale, 'banned', { name: target.displayName })));
  } else if (esc.kick) {
    merge(out, removeFrom(env, group, target, `${f.key}:kick`));
    out.intents.push(announce(group, `${f.key}:announce`, say(env.locale, 'removedAfter', { name: target.displayName, points })));
  }
  return out;
}

/** Mutes a member in a group: their messages are deleted on arrival until it ends (the emulation where the platform has no mute). */
export async function mute(env: Env, f: { group: GroupRef; target: Target; minutes: number; reason: string; caseId: string | null; actor: Actor; key: string }): Promise<Outcome> {
  const until = env.now + f.minutes * 60_000;
  const row = await insertMute(env.trx, { workspace_id: f.group.workspaceId, group_id: f.group.id, identity_id: f.target.identityId, case_id: f.caseId, until, created_by_name: f.actor.name, created_at: env.now });
  return {
    intents: [announce(f.group, `${f.key}:mute`, say(env.locale, 'muted', { duration: duration(env.locale, f.minutes), reason: f.reason }), f.target)],
    effects: [{ type: 'muted', muteId: row.id, until }],
  };
}

/** Writes the case for an action, with what it did; returns the row. */
export async function recordCase(
  env: Env,
  f: { id: string; group: GroupRef | null; workspaceId: string; target: Target; messageId: string | null; kind: CaseKind; action: CaseAction; applied: CaseAction; details: CaseDetails; effects: CaseEffect[]; actor: Actor },
) {
  const row = await insertCase(env.trx, {
    id: f.id,
    workspace_id: f.workspaceId,
    group_id: f.group?.id ?? null,
    identity_id: f.target.identityId,
    message_id: f.messageId,
    kind: f.kind,
    action: f.action,
    applied: f.applied,
    details: f.details,
    effects: f.effects,
    actor_name: f.actor.name,
    created_at: env.now,
  });
  await queueAlert(env.trx, f.workspaceId, row.id, env.now);
  return row;
}

/**
 * Reverses what a case did: warnings revoked, mutes and blacklist entries lifted, a lockdown ended.
 * Deleted messages stay deleted and removed members are not pulled back in (they may rejoin once
 * nothing stops them). False when the case was not open.
 */
export async function undoCase(env: Env, row: CaseRow, actor: Actor): Promise<boolean> {
  if (!(await closeCase(env.trx, row.id, 'undone', actor.name, env.now))) return false;
  for (const e of JSON.parse(row.effects) as CaseEffect[]) {
    switch (e.type) {
      case 'warned':
        await revokeWarning(env.trx, e.warningId, env.now);
        break;
      case 'muted':
        await liftMutes(env.trx, { id: e.muteId, now: env.now });
        break;
      case 'blacklisted':
        await liftBlacklistEntry(env.trx, e.entryId, actor.name, env.now);
        break;
      case 'lockdown':
        await setLockedUntil(env.trx, e.groupId, null, env.now);
        break;
      case 'deleted':
      case 'removed':
      case 'removal_needed':
        break;
    }
  }
  return true;
}
