import type { Kysely } from 'kysely';

/**
 * A group's outbox rows of one kind, newest first: a join finds its group's latest welcome batch
 * (to add itself to it, or to wait out the cooldown after it) without reading the whole outbox,
 * which keeps every row it ever sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('outbox_group_kind_idx').on('outbox').columns(['group_id', 'kind', 'id']).execute();
}
