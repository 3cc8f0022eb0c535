import type { Db } from '../index.ts';
import { newId } from '../ids.ts';

export async function createGroup(
  db: Db,
  f: { workspaceId: string; channelAccountId: string; platformGroupId?: string; name: string; rules: string; inviteCode: string | null; now: number },
) {
  const id = newId();
  const row = {
    id,
    workspace_id: f.workspaceId,
    channel_account_id: f.channelAccountId,
    platform_group_id: f.platformGroupId ?? id,
    name: f.name,
    rules: f.rules,
    invite_code: f.inviteCode,
    settings: '{}',
    policy_id: null,
    locked_until: null,
    created_at: f.now,
    updated_at: f.now,
  };
  await db.insertInto('groups').values(row).execute();
  return row;
}

/** A raid lockdown: joins are refused until `until` (null: none). */
export async function setLockedUntil(db: Db, groupId: string, until: number | null, now: number) {
  await db.updateTable('groups').set({ locked_until: until, updated_at: now }).where('id', '=', groupId).execute();
}

export const getGroup = (db: Db, id: string) => db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();

export const findGroupByInviteCode = (db: Db, code: string) => db.selectFrom('groups').selectAll().where('invite_code', '=', code).executeTakeFirst();

export const findGroupByPlatformId = (db: Db, channelAccountId: string, platformGroupId: string) =>
  db.selectFrom('groups').selectAll().where('channel_account_id', '=', channelAccountId).where('platform_group_id', '=', platformGroupId).executeTakeFirst();

/** Groups with member and message counts, newest first. */
export const listGroupsWithStats = (db: Db, workspaceId: string, groupId?: string) => {
  let q = db
    .selectFrom('groups as g')
    .selectAll('g')
    .select((eb) => [
      eb
        .selectFrom('memberships as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('m.group_id', '=', 'g.id')
        .where('m.status', '=', 'active')
        .as('member_count'),
      eb.selectFrom('messages as msg').select((e) => e.fn.countAll<number>().as('n')).whereRef('msg.group_id', '=', 'g.id').as('message_count'),
      eb.selectFrom('messages as msg').select((e) => e.fn.max('msg.created_at').as('t')).whereRef('msg.group_id', '=', 'g.id').as('last_message_at'),
    ])
    .where('g.workspace_id', '=', workspaceId)
    .orderBy('g.created_at', 'desc')
    .orderBy('g.id', 'desc');
  if (groupId !== undefined) q = q.where('g.id', '=', groupId);
  return q.execute();
};

export async function updateGroup(db: Db, id: string, patch: { name?: string; rules?: string; invite_code?: string | null }, now: number) {
  await db.updateTable('groups').set({ ...patch, updated_at: now }).where('id', '=', id).execute();
}
