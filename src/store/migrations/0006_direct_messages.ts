import type { Kysely } from 'kysely';

/**
 * Direct messages between the assistant and a member: both directions name the member they are
 * with, so a conversation is one indexed range (the member's side of a group is the group).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('direct_identity_id', 'text').execute();
  await db.schema.createIndex('messages_direct_idx').on('messages').columns(['direct_identity_id', 'id']).execute();
}
