import type { MemberJoinedEvent } from '../core/events.ts';
import { evaluate, joinReplies, type CompiledRules } from '../core/rules.ts';
import { addToBatch, isImmediate, isWelcomeBatch, openBatch, renderWelcome, WELCOME_KIND, welcomeDueAt, type WelcomeAction } from '../core/welcome.ts';
import type { Db, Store } from '../store/index.ts';
import { workspaceLocale } from '../store/repos/accounts.ts';
import { claimPayload, enqueueDeferred, enqueueIntents, latestOfKind, replaceWaitingPayload, setPayload, setStatus, type OutboxRow } from '../store/repos/outbox.ts';
import { activeAmong } from '../store/repos/people.ts';
import { loadGroupSettings } from './services/settings.ts';

/**
 * Welcomes through the outbox (core/welcome.ts has the model). The engine calls `welcomeJoin` in
 * a join's transaction; the dispatcher claims welcome rows with `claimWelcome`.
 *
 * Races, on both engines: a join adds itself to a waiting batch with a compare-and-set that only
 * matches while the row is pending, never claimed and unchanged; the claim is one conditional
 * UPDATE … RETURNING. On PostgreSQL whichever takes the row lock first wins and the other sees
 * its result: a claim that waited for a join's transaction sends the batch with that member, a
 * join whose update found the row claimed opens the next batch. SQLite runs one transaction at a
 * time, so there the two simply never overlap.
 */

/** Rounds of read → compare-and-set before a join gives up (a claim can only intervene once per batch). */
const MAX_TRIES = 5;

/**
 * Welcomes a member who just joined, as the group's welcome settings say: at once when batching is
 * off, else by joining the group's waiting batch, or opening one due `batchSeconds` from now (or
 * at the end of the cooldown). True when the outbox has a new row for the dispatcher.
 */
export async function welcomeJoin(
  trx: Db,
  f: { workspaceId: string; group: { id: string; name: string; rules: string }; event: MemberJoinedEvent; compiled: CompiledRules; now: number },
): Promise<boolean> {
  const { event, group, now } = f;
  if (event.member.isBot) return false;
  const replies = joinReplies(f.compiled);
  const first = replies[0];
  if (!first) return false;
  const settings = (await loadGroupSettings(trx, group.id)).effective.welcome;
  const groupText = { name: group.name, rules: group.rules };
  if (isImmediate(settings)) {
    const intents = evaluate(event, f.compiled, { group: groupText });
    await enqueueIntents(trx, f.workspaceId, intents.map((k) => ({ ...k, groupId: group.id })), now);
    return intents.length > 0;
  }
  const actions: WelcomeAction[] = replies.map(({ action }) => ({ template: action.template, mention: action.mention }));
  for (let round = 0; round < MAX_TRIES; round++) {
    const latest = await latestOfKind(trx, group.id, WELCOME_KIND);
    if (latest && latest.status === 'pending' && latest.attempts === 0) {
      const waiting: unknown = JSON.parse(latest.payload);
      if (isWelcomeBatch(waiting)) {
        const next = JSON.stringify(addToBatch(waiting, { member: event.member, inviter: event.inviter, actions, group: groupText }));
        if (await replaceWaitingPayload(trx, latest.id, latest.payload, next, now)) return false;
        continue;
      }
    }
    const dueAt = welcomeDueAt(now, settings, latest?.next_attempt_at ?? null);
    const batch = openBatch({
      channelAccountId: event.channelAccountId,
      platformGroupId: event.platformGroupId,
      actions,
      group: groupText,
      locale: await workspaceLocale(trx, f.workspaceId),
      member: event.member,
      inviter: event.inviter,
    });
    const opened = await enqueueDeferred(trx, {
      workspaceId: f.workspaceId,
      // One batch per group and due time: two joins that open the same one concurrently meet here.
      idempotencyKey: `welcome:${group.id}:${dueAt}`,
      channelAccountId: event.channelAccountId,
      groupId: group.id,
      ruleId: first.rule.id,
      kind: WELCOME_KIND,
      payload: JSON.stringify(batch),
      priority: 'interactive',
      runAt: dueAt,
      now,
    });
    if (opened) return true;
  }
  throw new Error(`welcome: the waiting batch of group ${group.id} kept changing under a join`);
}

/**
 * Claims a welcome row for sending. A batch is rendered here, in the claim's transaction, into the
 * message that goes out (members who left are dropped) and stored as the row's payload, so a retry
 * sends that same message. Null when the row was claimed by someone else, or nobody is left to
 * welcome (the row is then `cancelled`).
 */
export function claimWelcome(store: Store, row: OutboxRow, messageId: string, now: number): Promise<string | null> {
  return store.transaction(async (trx) => {
    const payload = await claimPayload(trx, row.id, messageId, now);
    if (payload === null) return null;
    const batch: unknown = JSON.parse(payload);
    if (!isWelcomeBatch(batch)) return payload;
    if (row.group_id === null) throw new Error(`welcome row ${row.id} has no group`);
    const present = await activeAmong(trx, row.group_id, batch.channelAccountId, batch.members.map((m) => m.user.platformUserId));
    const intent = renderWelcome(batch, (id) => present.has(id));
    if (!intent) {
      await setStatus(trx, row.id, 'cancelled', 'everyone this welcome was for left before it went out', now);
      return null;
    }
    const rendered = JSON.stringify(intent);
    await setPayload(trx, row.id, rendered, now);
    return rendered;
  });
}
