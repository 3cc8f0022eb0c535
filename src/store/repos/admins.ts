import type { Db } from '../index.ts';
import { newId } from '../ids.ts';

/**
 * Shequn's own admin lists: per group, or for every group of the workspace (group_id null). They
 * are not the platform's admins (a platform caps those, WeCom has none for bots): they may use the
 * chat commands (/warn, /mute, /kick, /ban, /unban), are spared automatic moderation, and count as
 * admins for "only admins may invite".
 */
export async function isGroupAdmin(db: Db, groupId: string, identityId: string): Promise<boolean> {
  const row = await db
    .selectFrom('group_admins')
    .select('id')
    .where('identity_id', '=', identityId)
    .where((eb) => eb.or([eb('group_id', '=', groupId), eb('group_id', 'is', null)]))
    .executeTakeFirst();
  return row !== undefined;
}

export async function addGroupAdmin(db: Db, f: { workspaceId: string; groupId: string | null; identityId: string; addedByName: string; now: number }) {
  const existing = await db
    .selectFrom('group_admins')
    .selectAll()
    .where('workspace_id', '=', f.workspaceId)
    .where('identity_id', '=', f.identityId)
    .where((eb) => (f.groupId === null ? eb('group_id', 'is', null) : eb('group_id', '=', f.groupId)))
    .executeTakeFirst();
  if (existing) return { row: existing, created: false };
  const row = { id: newId(), workspace_id: f.workspaceId, group_id: f.groupId, identity_id: f.identityId, added_by_name: f.addedByName, created_at: f.now };
  await db.insertInto('group_admins').values(row).execute();
  return { row, created: true };
}

export async function removeGroupAdmin(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('group_admins').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** A workspace's admins (groupId given: that group's own plus the workspace-wide ones), with who they are. */
export function listGroupAdmins(db: Db, workspaceId: string, groupId?: string) {
  let q = db
    .selectFrom('group_admins as a')
    .innerJoin('identities as i', 'i.id', 'a.identity_id')
    .selectAll('a')
    .select(['i.contact_id', 'i.platform_user_id', 'i.display_name'])
    .where('a.workspace_id', '=', workspaceId)
    .orderBy('a.id');
  if (groupId !== undefined) q = q.where((eb) => eb.or([eb('a.group_id', '=', groupId), eb('a.group_id', 'is', null)]));
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

/** Of these memberships of a group, the ones whose member is a Shequn admin there (of the group or the whole workspace). */
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
          .where((e) => e.or([e('a.group_id', '=', groupId), e.and([e('a.group_id', 'is', null), e('a.workspace_id', '=', e.ref('m.workspace_id'))])])),
      ),
    )
    .execute();
  return new Set(rows.map((r) => r.id));
}
