import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { MessagesTable, OutboxTable } from './schema.ts';

/**
 * The statements the inbound pipeline runs for every message, prepared once on the embedded
 * store's connection (ADR 0011). Kysely builds, compiles and prepares a query on every call, which
 * costs more JavaScript time than SQLite takes to run these statements; here each is one call into
 * node:sqlite.
 *
 * They are handed out per transaction ({@link statementsFor}): while a transaction of the embedded
 * store runs it holds the one connection, so a statement run on that connection runs inside it.
 * Outside a transaction, and on PostgreSQL, the repository functions build the same query with
 * Kysely; the store tests run both paths and compare the rows.
 */
export interface HotStatements {
  /** The identity fields the pipeline needs (people.findIdentity). */
  identity(channelAccountId: string, platformUserId: string): IdentityFields | undefined;
  /** INSERT … ON CONFLICT (channel_account_id, platform_message_id) DO NOTHING; false on a duplicate. */
  insertMessage(row: Omit<MessagesTable, 'direct_identity_id'> & { direct_identity_id?: string | null }): boolean;
  /** Counts a message on an active membership: the new count, or undefined when there is no active membership. */
  countMessage(groupId: string, identityId: string, now: number): number | undefined;
  /** INSERT … ON CONFLICT (idempotency_key) DO NOTHING; false when the key is taken. */
  insertOutbox(row: OutboxTable): boolean;
}

export interface IdentityFields {
  id: string;
  contact_id: string;
  display_name: string;
  is_bot: number;
  platform_user_id: string;
}

const MESSAGE_COLUMNS = [
  'id',
  'workspace_id',
  'channel_account_id',
  'group_id',
  'identity_id',
  'direction',
  'platform_message_id',
  'content_type',
  'text',
  'mentions',
  'reply_to_id',
  'event_id',
  'outbox_id',
  'created_at',
  'deleted_at',
  'direct_identity_id',
] as const satisfies readonly (keyof MessagesTable)[];

const OUTBOX_COLUMNS = [
  'id',
  'workspace_id',
  'idempotency_key',
  'channel_account_id',
  'group_id',
  'rule_id',
  'kind',
  'payload',
  'message_id',
  'priority',
  'status',
  'attempts',
  'next_attempt_at',
  'last_error',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof OutboxTable)[];

const insertSql = (table: string, columns: readonly string[]) => `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;

/** Prepares on first use (after the migrations made the tables), once per connection. */
export function hotStatements(db: DatabaseSync): HotStatements {
  let s: { identity: StatementSync; message: StatementSync; count: StatementSync; outbox: StatementSync } | undefined;
  const prepared = () =>
    (s ??= {
      identity: db.prepare('SELECT id, contact_id, display_name, is_bot, platform_user_id FROM identities WHERE channel_account_id = ? AND platform_user_id = ?'),
      message: db.prepare(`${insertSql('messages', MESSAGE_COLUMNS)} ON CONFLICT (channel_account_id, platform_message_id) DO NOTHING`),
      count: db.prepare("UPDATE memberships SET message_count = message_count + 1, last_message_at = ? WHERE group_id = ? AND identity_id = ? AND status = 'active' RETURNING message_count"),
      outbox: db.prepare(`${insertSql('outbox', OUTBOX_COLUMNS)} ON CONFLICT (idempotency_key) DO NOTHING`),
    });
  return {
    identity: (channelAccountId, platformUserId) => prepared().identity.get(channelAccountId, platformUserId) as IdentityFields | undefined,
    insertMessage: (row) => prepared().message.run(...MESSAGE_COLUMNS.map((c) => row[c] ?? null)).changes > 0,
    countMessage: (groupId, identityId, now) => (prepared().count.get(now, groupId, identityId) as { message_count: number } | undefined)?.message_count,
    insertOutbox: (row) => prepared().outbox.run(...OUTBOX_COLUMNS.map((c) => row[c])).changes > 0,
  };
}

/** The statements bound to a running transaction of the embedded store, by its Kysely handle. */
const bound = new WeakMap<object, HotStatements>();

export function bindStatements(trx: object, statements: HotStatements): void {
  bound.set(trx, statements);
}

export function unbindStatements(trx: object): void {
  bound.delete(trx);
}

/** The prepared statements when `db` is a running transaction of the embedded store; undefined otherwise (use Kysely). */
export function statementsFor(db: object): HotStatements | undefined {
  return bound.get(db);
}
