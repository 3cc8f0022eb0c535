import type { Kysely } from 'kysely';

/**
 * Policy templates carry more than settings (ADR 0012): a welcome, a group-rules text, keyword
 * replies, word lists and admins. Rules, word lists and admin entries gain a `policy_id` scope next
 * to `group_id`; a row has at most one of the two (both null: workspace-wide), enforced by the
 * repositories (SQLite cannot add a CHECK to an existing table). Deleting a template deletes what
 * belongs to it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('policies').addColumn('rules', 'text', (c) => c.notNull().defaultTo('')).execute();
  for (const table of ['rules', 'word_lists', 'group_admins']) {
    await db.schema.alterTable(table).addColumn('policy_id', 'text', (c) => c.references('policies.id').onDelete('cascade')).execute();
    await db.schema.createIndex(`${table}_policy_idx`).on(table).columns(['policy_id']).execute();
  }
}
