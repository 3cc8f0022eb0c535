import type { Db } from '../index.ts';
import type { MessagesTable } from '../schema.ts';
import { statementsFor } from '../statements.ts';

/** A message as written; `direct_identity_id` only for direct messages. */
export type MessageRow = Omit<MessagesTable, 'direct_identity_id'> & { direct_identity_id?: string | null };

/** Inserts the message unless the platform already delivered it; returns the stored row either way. */
export async function insertMessage(db: Db, row: MessageRow): Promise<{ row: MessageRow; inserted: boolean }> {
  const hot = statementsFor(db);
  let inserted: boolean;
  if (hot) inserted = hot.insertMessage(row);
  else {
    const r = await db
      .insertInto('messages')
      .values(row)
      .onConflict((oc) => oc.columns(['channel_account_id', 'platform_message_id']).doNothing())
      .executeTakeFirst();
    inserted = Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  if (inserted) return { row, inserted: true };
  const existing = await findMessageByPlatformId(db, row.channel_account_id, row.platform_message_id);
  if (!existing) throw new Error(`message ${row.platform_message_id} vanished during insert`);
  return { row: existing, inserted: false };
}

/** Marks a message deleted; returns it, or undefined when it is unknown. */
export async function markDeleted(db: Db, channelAccountId: string, platformMessageId: string, now: number) {
  await db
    .updateTable('messages')
    .set({ deleted_at: now })
    .where('channel_account_id', '=', channelAccountId)
    .where('platform_message_id', '=', platformMessageId)
    .where('deleted_at', 'is', null)
    .execute();
  return findMessageByPlatformId(db, channelAccountId, platformMessageId);
}

export const findMessageByPlatformId = (db: Db, channelAccountId: string, platformMessageId: string) =>
  db.selectFrom('messages').selectAll().where('channel_account_id', '=', channelAccountId).where('platform_message_id', '=', platformMessageId).executeTakeFirst();

/** The message rows joined with who sent them. */
function withSender(db: Db) {
  return db
    .selectFrom('messages as m')
    .leftJoin('identities as i', 'i.id', 'm.identity_id')
    .selectAll('m')
    .select(['i.platform_user_id as sender_platform_user_id', 'i.display_name as sender_name', 'i.is_bot as sender_is_bot', 'i.contact_id as sender_contact_id']);
}

export type MessageWithSender = Awaited<ReturnType<typeof getMessage>> & {};

export const getMessage = (db: Db, id: string) => withSender(db).where('m.id', '=', id).executeTakeFirst();

export const listMessagesByIds = (db: Db, ids: readonly string[]) => (ids.length === 0 ? Promise.resolve([]) : withSender(db).where('m.id', 'in', ids).execute());

/** A page of a group's messages, newest `limit` before the cursor, returned oldest → newest. */
export async function listGroupMessages(db: Db, groupId: string, opts: { before?: string; limit: number }) {
  return page(withSender(db).where('m.group_id', '=', groupId), opts);
}

/** A page of the direct conversation between the assistant and one member (their identity), like a group's. */
export async function listDirectMessages(db: Db, identityId: string, opts: { before?: string; limit: number }) {
  return page(withSender(db).where('m.direct_identity_id', '=', identityId), opts);
}

async function page(base: ReturnType<typeof withSender>, opts: { before?: string; limit: number }) {
  let q = base.orderBy('m.id', 'desc').limit(opts.limit + 1);
  if (opts.before !== undefined) q = q.where('m.id', '<', opts.before);
  const rows = await q.execute();
  const more = rows.length > opts.limit;
  const items = rows.slice(0, opts.limit).reverse();
  return { rows: items, nextBefore: more && items[0] ? items[0].id : null };
}

/** Whether the member's direct message `messageId` is their first one to the assistant. */
export async function isFirstDirectMessage(db: Db, identityId: string, messageId: string): Promise<boolean> {
  const earlier = await db
    .selectFrom('messages')
    .select('id')
    .where('direct_identity_id', '=', identityId)
    .where('direction', '=', 'in')
    .where('id', '!=', messageId)
    .limit(1)
    .executeTakeFirst();
  return earlier === undefined;
}

/** The workspace's direct conversations, latest activity first: whom, how many messages, the last one's id. */
export async function listDirectConversations(db: Db, workspaceId: string, opts: { offset: number; limit: number }) {
  const base = db.selectFrom('messages').where('workspace_id', '=', workspaceId).where('direct_identity_id', 'is not', null);
  const [rows, total] = await Promise.all([
    base
      .select((eb) => ['direct_identity_id', eb.fn.countAll<number>().as('message_count'), eb.fn.max('id').as('last_id')])
      .groupBy('direct_identity_id')
      .orderBy('last_id', 'desc')
      .offset(opts.offset)
      .limit(opts.limit)
      .execute(),
    base.select((eb) => eb.fn.count<number>('direct_identity_id').distinct().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => ({ identityId: r.direct_identity_id ?? '', messageCount: Number(r.message_count), lastId: r.last_id })), total: Number(total.n) };
}

/**
 * A contact's latest messages, newest first: what its identities said in groups and to the
 * assistant. Looked up per place they spoke — each group where one of its memberships counted a
 * message (the group index carries the sender, so other members' messages are skipped in the
 * index) and each identity's direct conversation — instead of through an index on the sender,
 * which every inbound message would pay for (ADR 0011).
 */
export async function listContactMessages(db: Db, contactId: string, limit: number) {
  const [spoke, identities] = await Promise.all([
    db
      .selectFrom('memberships as ms')
      .innerJoin('identities as i', 'i.id', 'ms.identity_id')
      .select(['ms.group_id', 'ms.identity_id'])
      .where('i.contact_id', '=', contactId)
      .where('ms.message_count', '>', 0)
      .execute(),
    db.selectFrom('identities').select('id').where('contact_id', '=', contactId).execute(),
  ]);
  const pages = await Promise.all([
    ...spoke.map((s) => withSender(db).where('m.group_id', '=', s.group_id).where('m.identity_id', '=', s.identity_id).orderBy('m.id', 'desc').limit(limit).execute()),
    ...identities.map((i) => withSender(db).where('m.direct_identity_id', '=', i.id).where('m.identity_id', '=', i.id).orderBy('m.id', 'desc').limit(limit).execute()),
  ]);
  return pages
    .flat()
    .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit);
}
