import type { Db } from '../index.ts';
import { newId } from '../ids.ts';

/**
 * Policy templates: a named set of group settings (a patch, JSON) that many groups follow. Groups
 * point at their template (groups.policy_id) and keep their own overrides (groups.settings).
 */
export async function createPolicy(db: Db, f: { workspaceId: string; name: string; settings: string; now: number }) {
  const row = { id: newId(), workspace_id: f.workspaceId, name: f.name, settings: f.settings, created_at: f.now, updated_at: f.now };
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

export async function updatePolicy(db: Db, id: string, f: { name: string; settings: string; now: number }) {
  await db.updateTable('policies').set({ name: f.name, settings: f.settings, updated_at: f.now }).where('id', '=', id).execute();
}

/** Deletes a template; its groups no longer follow one and keep their own overrides. Returns how many there were. */
export async function deletePolicy(db: Db, id: string, now: number): Promise<number> {
  const r = await db.updateTable('groups').set({ policy_id: null, updated_at: now }).where('policy_id', '=', id).executeTakeFirst();
  await db.deleteFrom('policies').where('id', '=', id).execute();
  return Number(r.numUpdatedRows);
}

/** The groups that follow a template, by name. */
export const listPolicyGroups = (db: Db, policyId: string) =>
  db.selectFrom('groups').select(['id', 'name', 'settings']).where('policy_id', '=', policyId).orderBy('name').orderBy('id').execute();

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

export async function setLockedUntil(db: Db, groupId: string, until: number | null, now: number) {
  await db.updateTable('groups').set({ locked_until: until, updated_at: now }).where('id', '=', groupId).execute();
}
