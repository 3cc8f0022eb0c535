import type { Kysely } from 'kysely';

/**
 * Fewer index pages written per inbound message (ADR 0011). Each index whose key starts with the
 * sender or the group puts every message on a page of its own among thousands, and the commit
 * writes each such page whole to the write-ahead log:
 * - `messages_identity_idx (identity_id, id)` served one query, a contact's latest messages on the
 *   console's profile page; that now goes through the groups the contact spoke in, so the group
 *   index carries the sender (an index-only filter) and the sender index goes;
 * - `messages_direct_idx` holds only direct messages: group messages (nearly all of them) put a
 *   NULL key in it for nothing. `direct_identity_id = ?` implies the predicate on both engines.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_identity_idx').execute();
  await db.schema.dropIndex('messages_group_idx').execute();
  await db.schema.createIndex('messages_group_sender_idx').on('messages').columns(['group_id', 'id', 'identity_id']).execute();
  await db.schema.dropIndex('messages_direct_idx').execute();
  await db.schema.createIndex('messages_direct_idx').on('messages').columns(['direct_identity_id', 'id']).where('direct_identity_id', 'is not', null).execute();
}
