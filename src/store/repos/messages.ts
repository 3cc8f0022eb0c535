import type { Db } from '../index.ts';
import type { MessagesTable } from '../schema.ts';

export type MessageRow = MessagesTable;

/** Inserts the message unless the platform already delivered it; returns the stored row either way. */
export async function insertMessage(db: Db, row: MessageRow): Promise<{ row: MessageRow; inserted: boolean }> {
  const r = await db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.columns(['channel_account_id', 'platform_message_id']).doNothing())
    .executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 0n) > 0) return { row, inserted: true };
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

/** A page of a group's messages, newest `limit` before the cursor, returned oldest → newest. */
export async function listGroupMessages(db: Db, groupId: string, opts: { before?: string; limit: number }) {
  let q = withSender(db).where('m.group_id', '=', groupId).orderBy('m.id', 'desc').limit(opts.limit + 1);
  if (opts.before !== undefined) q = q.where('m.id', '<', opts.before);
  const rows = await q.execute();
  const more = rows.length > opts.limit;
  const page = rows.slice(0, opts.limit).reverse();
  return { rows: page, nextBefore: more && page[0] ? page[0].id : null };
}

export const listContactMessages = (db: Db, contactId: string, limit: number) =>
  withSender(db).where('i.contact_id', '=', contactId).orderBy('m.id', 'desc').limit(limit).execute();
