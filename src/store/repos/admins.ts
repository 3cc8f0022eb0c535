import type { ExpressionBuilder } from 'kysely';
import type { Database, Db } from '../index.ts';
import { newId } from '../ids.ts';
import { checkScope } from './rules.ts';

/**
 * Shequn's own admin lists: per group, per template (every group following it), or for every group
 * of the workspace (group_id and policy_id null). They are not the platform's admins (a platform
 * caps those, WeCom has none for bots): they may use the chat commands (/warn, /mute, /kick, /ban,
 * /unban), are spared automatic moderation, and count as admins for "only admins may invite".
 */

/** The admin entries that apply in a group: its own, its template's, the workspace-wide ones. */
function appliesIn(eb: ExpressionBuilder<Database & { a: Database['group_admins'] }, 'a'>, groupId: string) {
  return eb.or([
    eb('a.group_id', '=', groupId),
    eb.and([eb('a.group_id', 'is', null), eb('a.policy_id', 'is', null)]),
    eb('a.policy_id', '=', eb.selectFrom('groups').select('policy_id').where('id', '=', groupId)),
  ]);
}

export async function isGroupAdmin(db: Db, groupId: string, identityId: string): Promise<boolean> {
  const row = await db
    .selectFrom('group_admins as a')
    .select('a.id')
    .where('a.identity_id', '=', identityId)
    .where((eb) => appliesIn(eb, groupId))
    .executeTakeFirst();
  return row !== undefined;
}

/** The identities that are Shequn admins in a group. */
export async function effectiveAdminIds(db: Db, workspaceId: string, groupId: string): Promise<string[]> {
  const rows = await db.selectFrom('group_admins as a').select('a.identity_id').where('a.workspace_id', '=', workspaceId).where((eb) => appliesIn(eb, groupId)).execute();
  return rows.map((r) => r.identity_id);
}

/** Adds an admin entry (policyId left out: not a template's); an existing one is returned as it is. */
export async function addGroupAdmin(db: Db, f: { workspaceId: string; groupId: string | null; policyId?: string | null; identityId: string; addedByName: string; now: number }) {
  const policyId = f.policyId ?? null;
  checkScope({ groupId: f.groupId, policyId });
  const existing = await db
    .selectFrom('group_admins')
    .selectAll()
    .where('workspace_id', '=', f.workspaceId)
    .where('identity_id', '=', f.identityId)
    .where((eb) => (f.groupId === null ? eb('group_id', 'is', null) : eb('group_id', '=', f.groupId)))
    .where((eb) => (policyId === null ? eb('policy_id', 'is', null) : eb('policy_id', '=', policyId)))
    .executeTakeFirst();
  if (existing) return { row: existing, created: false };
  const row = { id: newId(), workspace_id: f.workspaceId, group_id: f.groupId, policy_id: policyId, identity_id: f.identityId, added_by_name: f.addedByName, created_at: f.now };
  await db.insertInto('group_admins').values(row).execute();
  return { row, created: true };
}

export async function removeGroupAdmin(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('group_admins').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * A workspace's admins, with who they are: groupId given, the ones that apply in that group (its
 * own, its template's, the workspace-wide ones); policyId given, that template's own.
 */
export function listGroupAdmins(db: Db, workspaceId: string, groupId?: string, policyId?: string) {
  let q = db
    .selectFrom('group_admins as a')
    .innerJoin('identities as i', 'i.id', 'a.identity_id')
    .selectAll('a')
    .select(['i.contact_id', 'i.platform_user_id', 'i.display_name'])
    .where('a.workspace_id', '=', workspaceId)
    .orderBy('a.id');
  if (groupId !== undefined) q = q.where((eb) => appliesIn(eb, groupId));
  if (policyId !== undefined) q = q.where('a.policy_id', '=', policyId);
  return q.execute();
}

export const getGroupAdmin = (db: Db, workspaceId: string, id: string) =>
  db
    .selectFrom('group_admins as a')
    .innerJoin('identities as i', 'i.id', 'a.identity_id')
    .selectAll('a')
    .select(['i.contact_id', 'i.platform_user_id', 'i.display_name'])
    .where('a.workspace_id', '=', workspaceId)
    .where('a.id', '=', id)
    .executeTakeFirst();

/** Of these memberships of a group, the ones whose member is a Shequn admin there (of the group, its template or the whole workspace). */
export async function adminMembershipIds(db: Db, groupId: string, membershipIds: readonly string[]): Promise<Set<string>> {
  if (membershipIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('memberships as m')
    .select('m.id')
    .where('m.group_id', '=', groupId)
    .where('m.id', 'in', membershipIds)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('group_admins as a')
          .select('a.id')
          .whereRef('a.identity_id', '=', 'm.identity_id')
          .whereRef('a.workspace_id', '=', 'm.workspace_id')
          .where((e) => appliesIn(e, groupId)),
      ),
    )
    .execute();
  return new Set(rows.map((r) => r.id));
}
