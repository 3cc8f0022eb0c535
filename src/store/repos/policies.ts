import type { Db } from '../index.ts';
import { newId } from '../ids.ts';

/**
 * Policy templates: a named set of group settings (a patch, JSON), a rules text, and the rules,
 * word lists and admin entries scoped to it (policy_id), that many groups follow. Groups point at
 * their template (groups.policy_id) and keep their own overrides (groups.settings), rules text and
 * welcome (ADR 0012).
 */
export async function createPolicy(db: Db, f: { workspaceId: string; name: string; settings: string; rules?: string; now: number }) {
  const row = { id: newId(), workspace_id: f.workspaceId, name: f.name, settings: f.settings, rules: f.rules ?? '', created_at: f.now, updated_at: f.now };
  await db.insertInto('policies').values(row).execute();
  return row;
}

export const getPolicy = (db: Db, id: string) => db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();

export const findPolicyByName = (db: Db, workspaceId: string, name: string) =>
  db.selectFrom('policies').selectAll().where('workspace_id', '=', workspaceId).where('name', '=', name).executeTakeFirst();

/** A workspace's templates (or one), with how many groups follow each, by name. */
export function listPolicies(db: Db, workspaceId: string, id?: string) {
  let q = db
    .selectFrom('policies as p')
    .selectAll('p')
    .select((eb) => eb.selectFrom('groups as g').select((e) => e.fn.countAll<number>().as('n')).whereRef('g.policy_id', '=', 'p.id').as('group_count'))
    .where('p.workspace_id', '=', workspaceId)
    .orderBy('p.name')
    .orderBy('p.id');
  if (id !== undefined) q = q.where('p.id', '=', id);
  return q.execute();
}

export async function updatePolicy(db: Db, id: string, f: { name: string; settings: string; rules: string; now: number }) {
  await db.updateTable('policies').set({ name: f.name, settings: f.settings, rules: f.rules, updated_at: f.now }).where('id', '=', id).execute();
}

/**
 * Deletes a template with its rules, word lists and admin entries (the foreign keys cascade); its
 * groups no longer follow one and keep their own overrides. Returns how many there were.
 */
export async function deletePolicy(db: Db, id: string, now: number): Promise<number> {
  const r = await db.updateTable('groups').set({ policy_id: null, updated_at: now }).where('policy_id', '=', id).executeTakeFirst();
  await db.deleteFrom('policies').where('id', '=', id).execute();
  return Number(r.numUpdatedRows);
}

/**
 * The groups that follow a template, by name, with what they have of their own: a welcome, a rules
 * text, other rules (keyword replies, menus), word lists, admin entries.
 */
export const listPolicyGroups = (db: Db, policyId: string) =>
  db
    .selectFrom('groups as g')
    .select(['g.id', 'g.name', 'g.settings', 'g.rules'])
    .select((eb) => [
      eb.selectFrom('rules as r').select((e) => e.fn.countAll<number>().as('n')).whereRef('r.group_id', '=', 'g.id').where('r.preset', '=', 'welcome').as('welcome_count'),
      eb.selectFrom('rules as r').select((e) => e.fn.countAll<number>().as('n')).whereRef('r.group_id', '=', 'g.id').where('r.preset', '<>', 'welcome').as('rule_count'),
      eb.selectFrom('word_lists as l').select((e) => e.fn.countAll<number>().as('n')).whereRef('l.group_id', '=', 'g.id').as('word_list_count'),
      eb.selectFrom('group_admins as a').select((e) => e.fn.countAll<number>().as('n')).whereRef('a.group_id', '=', 'g.id').as('admin_count'),
    ])
    .where('g.policy_id', '=', policyId)
    .orderBy('g.name')
    .orderBy('g.id')
    .execute();

/**
 * Drops the groups' own welcome and rules text, so their template's apply (`welcome`, `rules`:
 * which of the two). Returns the ids of the groups that had a welcome of their own.
 */
export async function resetGroupTexts(db: Db, groupIds: readonly string[], f: { welcome: boolean; rules: boolean; now: number }): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set();
  let had = new Set<string>();
  if (f.welcome) {
    const rows = await db.deleteFrom('rules').where('group_id', 'in', [...groupIds]).where('preset', '=', 'welcome').returning('group_id').execute();
    had = new Set(rows.flatMap((r) => (r.group_id === null ? [] : [r.group_id])));
  }
  if (f.rules) await db.updateTable('groups').set({ rules: '', updated_at: f.now }).where('id', 'in', [...groupIds]).execute();
  return had;
}

/**
 * Drops the groups' welcome rules that are still the default a new group starts with (one reply
 * action with one of `defaults` as its text, never edited), so a template's welcome applies to
 * them. Returns the ids of those groups.
 */
export async function dropDefaultWelcomes(db: Db, groupIds: readonly string[], defaults: readonly string[]): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set();
  const rows = await db.selectFrom('rules').select(['id', 'group_id', 'actions', 'enabled', 'created_at', 'updated_at']).where('group_id', 'in', [...groupIds]).where('preset', '=', 'welcome').execute();
  const out = new Set<string>();
  for (const r of rows) {
    const actions = JSON.parse(r.actions) as { type: string; template?: string }[];
    const untouched = r.created_at === r.updated_at && r.enabled === 1 && actions.length === 1 && actions[0]?.type === 'reply' && defaults.includes(actions[0].template ?? '');
    if (!untouched || r.group_id === null) continue;
    await db.deleteFrom('rules').where('id', '=', r.id).execute();
    out.add(r.group_id);
  }
  return out;
}

/** The rules text (群规) in force in a group: its own, else its template's. */
export const rulesInForce = (db: Db, group: { rules: string; policy_id: string | null }): Promise<string> =>
  group.rules !== '' || group.policy_id === null
    ? Promise.resolve(group.rules)
    : db
        .selectFrom('policies')
        .select('rules')
        .where('id', '=', group.policy_id)
        .executeTakeFirst()
        .then((p) => p?.rules ?? '');

/** A group's settings: its template and its own overrides (JSON). */
export async function setGroupSettings(db: Db, groupId: string, f: { settings: string; policyId: string | null; now: number }) {
  await db.updateTable('groups').set({ settings: f.settings, policy_id: f.policyId, updated_at: f.now }).where('id', '=', groupId).execute();
}

/** Points groups at a template; with `resetOverrides` their own overrides are dropped too. */
export async function applyPolicy(db: Db, policyId: string, groupIds: readonly string[], resetOverrides: boolean, now: number) {
  if (groupIds.length === 0) return;
  await db
    .updateTable('groups')
    .set({ policy_id: policyId, updated_at: now, ...(resetOverrides ? { settings: '{}' } : {}) })
    .where('id', 'in', groupIds)
    .execute();
}
