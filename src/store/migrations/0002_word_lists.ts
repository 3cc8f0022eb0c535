import type { Kysely } from 'kysely';

/** Sensitive-word lists (moderation): workspace-wide (group_id null) or for one group. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('word_lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('word_lists_workspace_idx').on('word_lists').columns(['workspace_id', 'group_id']).execute();

  await db.schema
    .createTable('word_list_words')
    .addColumn('list_id', 'text', (c) => c.notNull().references('word_lists.id').onDelete('cascade'))
    .addColumn('word', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('word_list_words_pk', ['list_id', 'word'])
    .execute();
}
