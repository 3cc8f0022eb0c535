import type { KeyedIntent } from '../../core/intents.ts';
import type { Db } from '../index.ts';
import { newId } from '../ids.ts';
import type { OutboxTable } from '../schema.ts';
import { statementsFor } from '../statements.ts';

/**
 * The outbox: intents waiting to be executed. Status flow:
 *   pending → sending → sent
 *                     ↘ pending (transient error, retried later) → … → failed
 *                     ↘ unknown (crashed mid-send on a channel where a resend could duplicate)
 *           ↘ cancelled (claimed with nothing left to do: everyone a welcome batch named has left)
 */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'unknown' | 'cancelled';
export type OutboxRow = OutboxTable;

const PRIORITY = { interactive: 10, bulk: 0 } as const;

/** Writes intents; an intent whose key is already there is skipped (never sent twice). Returns the rows written. */
export async function enqueueIntents(
  db: Db,
  workspaceId: string,
  items: readonly (KeyedIntent & { groupId: string | null })[],
  now: number,
): Promise<OutboxRow[]> {
  const rows: OutboxRow[] = items.map((k) => ({
    id: newId(),
    workspace_id: workspaceId,
    idempotency_key: k.idempotencyKey,
    channel_account_id: k.intent.channelAccountId,
    group_id: k.groupId,
    rule_id: k.ruleId,
    kind: k.intent.kind,
    payload: JSON.stringify(k.intent),
    message_id: null,
    priority: PRIORITY[k.intent.priority],
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    last_error: null,
    created_at: now,
    updated_at: now,
  }));
  if (rows.length === 0) return [];
  const hot = statementsFor(db);
  if (hot) return rows.filter((r) => hot.insertOutbox(r));
  const written = await db.insertInto('outbox').values(rows).onConflict((oc) => oc.column('idempotency_key').doNothing()).returning('id').execute();
  const ids = new Set(written.map((r) => r.id));
  return rows.filter((r) => ids.has(r.id));
}

/** Due work in the order it should go out: interactive before bulk, then oldest first. */
export const listDue = (db: Db, now: number, limit: number) =>
  db
    .selectFrom('outbox')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('priority', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();

export async function nextDueAt(db: Db): Promise<number | null> {
  const r = await db.selectFrom('outbox').select((eb) => eb.fn.min('next_attempt_at').as('t')).where('status', '=', 'pending').executeTakeFirst();
  return r?.t === null || r?.t === undefined ? null : Number(r.t);
}

/**
 * Claims a pending row for sending and fixes the id its message will have; false when another
 * worker (or a cancel) got there first.
 */
export async function claim(db: Db, id: string, messageId: string, now: number): Promise<boolean> {
  return (await claimPayload(db, id, messageId, now)) !== null;
}

/**
 * `claim`, answering with the payload as it was when claimed (null when not claimed). A row whose
 * payload can still change while it waits (a welcome batch) must be sent as claimed, not as read
 * before: one statement claims and reads, so a change committed in between is not lost.
 */
export async function claimPayload(db: Db, id: string, messageId: string, now: number): Promise<string | null> {
  const r = await db
    .updateTable('outbox')
    .set((eb) => ({
      status: 'sending',
      attempts: eb('attempts', '+', 1),
      message_id: eb.fn.coalesce('message_id', eb.val(messageId)),
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning('payload')
    .executeTakeFirst();
  return r?.payload ?? null;
}

export async function finish(
  db: Db,
  row: { id: string; attempts: number },
  result: { status: OutboxStatus; error: string | null; platformMessageId: string | null; nextAttemptAt?: number; startedAt: number; now: number },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: result.status, last_error: result.error, updated_at: result.now, ...(result.nextAttemptAt !== undefined ? { next_attempt_at: result.nextAttemptAt } : {}) })
    .where('id', '=', row.id)
    .execute();
  await db
    .insertInto('deliveries')
    .values({
      id: newId(),
      outbox_id: row.id,
      attempt: row.attempts,
      status: result.status === 'pending' ? 'retry' : result.status,
      platform_message_id: result.platformMessageId,
      error: result.error,
      started_at: result.startedAt,
      finished_at: result.now,
    })
    .execute();
}

/** Rows left in `sending` by a crash, per channel account. */
export const listInFlight = (db: Db) => db.selectFrom('outbox').select(['id', 'channel_account_id', 'attempts']).where('status', '=', 'sending').execute();

export async function setStatus(db: Db, id: string, status: OutboxStatus, error: string | null, now: number) {
  await db.updateTable('outbox').set({ status, last_error: error, updated_at: now }).where('id', '=', id).execute();
}

export const getOutboxRow = (db: Db, id: string) => db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
export const listDeliveries = (db: Db, outboxId: string) => db.selectFrom('deliveries').selectAll().where('outbox_id', '=', outboxId).orderBy('attempt').execute();

/** Replaces the payload of a claimed row (what a welcome batch became when it was claimed). */
export async function setPayload(db: Db, id: string, payload: string, now: number) {
  await db.updateTable('outbox').set({ payload, updated_at: now }).where('id', '=', id).execute();
}

/** A group's newest row of a kind, whatever its status. */
export const latestOfKind = (db: Db, groupId: string, kind: string) =>
  db
    .selectFrom('outbox')
    .select(['id', 'payload', 'status', 'attempts', 'next_attempt_at'])
    .where('group_id', '=', groupId)
    .where('kind', '=', kind)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();

/**
 * Writes a row that runs later (`runAt`) and whose payload may change until then; false when the
 * key is taken (someone else wrote the same row first).
 */
export async function enqueueDeferred(
  db: Db,
  f: { workspaceId: string; idempotencyKey: string; channelAccountId: string; groupId: string; ruleId: string | null; kind: string; payload: string; priority: keyof typeof PRIORITY; runAt: number; now: number },
): Promise<boolean> {
  const written = await db
    .insertInto('outbox')
    .values({
      id: newId(),
      workspace_id: f.workspaceId,
      idempotency_key: f.idempotencyKey,
      channel_account_id: f.channelAccountId,
      group_id: f.groupId,
      rule_id: f.ruleId,
      kind: f.kind,
      payload: f.payload,
      message_id: null,
      priority: PRIORITY[f.priority],
      status: 'pending',
      attempts: 0,
      next_attempt_at: f.runAt,
      last_error: null,
      created_at: f.now,
      updated_at: f.now,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return written !== undefined;
}

/**
 * Compare-and-set of a waiting row's payload: changes it only while the row is still pending and
 * never claimed, and still holds `expected`. False when a claim (or another writer) got there
 * first; the caller reads again. One conditional statement, so on PostgreSQL a concurrent claim
 * either sees the new payload (it waits for this transaction's row lock, then reads the row
 * again) or makes this update match nothing.
 */
export async function replaceWaitingPayload(db: Db, id: string, expected: string, payload: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ payload, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempts', '=', 0)
    .where('payload', '=', expected)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
