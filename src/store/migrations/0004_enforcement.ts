import type { Kysely } from 'kysely';

/**
 * Enforcement: group settings and policy templates, Shequn's own admin lists, warn points,
 * the workspace blacklist, mutes, what a case did (so it can be undone), and alert webhooks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('policies_workspace_idx').on('policies').columns(['workspace_id']).execute();

  // Overrides only (a deep partial of GroupSettings); the template's and the defaults fill the rest.
  await db.schema.alterTable('groups').addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await db.schema.alterTable('groups').addColumn('policy_id', 'text', (c) => c.references('policies.id').onDelete('set null')).execute();
  /** A raid lockdown: joins are refused (or gated) until then. */
  await db.schema.alterTable('groups').addColumn('locked_until', 'bigint').execute();
  await db.schema.alterTable('workspaces').addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}')).execute();

  await db.schema
    .createTable('group_admins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    // null: an admin of every group of the workspace.
    .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('identity_id', 'text', (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('added_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('group_admins_identity_idx').on('group_admins').columns(['identity_id', 'group_id']).execute();
  await db.schema.createIndex('group_admins_workspace_idx').on('group_admins').columns(['workspace_id', 'group_id']).execute();

  await db.schema
    .createTable('warnings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('set null'))
    .addColumn('case_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('warnings_contact_idx').on('warnings').columns(['contact_id', 'expires_at']).execute();

  await db.schema
    .createTable('blacklist_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    // null: every group of the workspace, on every channel; else only that group.
    .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('evidence_message_id', 'text')
    .addColumn('case_id', 'text')
    .addColumn('added_by_user_id', 'text')
    .addColumn('added_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('lifted_at', 'bigint')
    .addColumn('lifted_by_name', 'text')
    .execute();
  await db.schema.createIndex('blacklist_contact_idx').on('blacklist_entries').columns(['contact_id', 'lifted_at']).execute();
  await db.schema.createIndex('blacklist_workspace_idx').on('blacklist_entries').columns(['workspace_id', 'id']).execute();

  await db.schema
    .createTable('mutes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('identity_id', 'text', (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('case_id', 'text')
    .addColumn('until', 'bigint', (c) => c.notNull())
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('lifted_at', 'bigint')
    .execute();
  await db.schema.createIndex('mutes_member_idx').on('mutes').columns(['group_id', 'identity_id', 'until']).execute();

  // What a case did (warning ids, a blacklist entry, a mute, removals), so one click can undo it.
  await db.schema.alterTable('cases').addColumn('effects', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema.alterTable('cases').addColumn('actor_name', 'text', (c) => c.notNull().defaultTo('Shequn')).execute();
  await db.schema.alterTable('cases').addColumn('resolved_at', 'bigint').execute();
  await db.schema.alterTable('cases').addColumn('resolved_by_name', 'text').execute();

  await db.schema
    .createTable('alert_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_deliveries_due_idx').on('alert_deliveries').columns(['status', 'next_attempt_at']).execute();
}
