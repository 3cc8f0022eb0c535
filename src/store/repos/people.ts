import { sql } from 'kysely';
import type { Db } from '../index.ts';
import { newId } from '../ids.ts';
import { statementsFor, type IdentityFields } from '../statements.ts';

export type IdentityRow = IdentityFields;

/**
 * The identity of a platform user in this channel account, created on first sight together with
 * a new contact (one person across groups and channels; merging comes with the CRM issue).
 * A changed display name is updated.
 */
export async function upsertIdentity(
  db: Db,
  f: { workspaceId: string; channelAccountId: string; platformUserId: string; displayName: string; isBot: boolean; now: number },
): Promise<IdentityRow> {
  const existing = await findIdentity(db, f.channelAccountId, f.platformUserId);
  if (existing) {
    if (existing.display_name !== f.displayName) {
      await db.updateTable('identities').set({ display_name: f.displayName, updated_at: f.now }).where('id', '=', existing.id).execute();
      existing.display_name = f.displayName;
    }
    return existing;
  }
  const contactId = newId();
  await db.insertInto('contacts').values({ id: contactId, workspace_id: f.workspaceId, display_name: f.displayName, created_at: f.now, updated_at: f.now }).execute();
  const row = {
    id: newId(),
    workspace_id: f.workspaceId,
    channel_account_id: f.channelAccountId,
    platform_user_id: f.platformUserId,
    contact_id: contactId,
    display_name: f.displayName,
    is_bot: f.isBot ? 1 : 0,
    created_at: f.now,
    updated_at: f.now,
  };
  await db.insertInto('identities').values(row).execute();
  return row;
}

export async function findIdentity(db: Db, channelAccountId: string, platformUserId: string): Promise<IdentityRow | undefined> {
  const hot = statementsFor(db);
  if (hot) return hot.identity(channelAccountId, platformUserId);
  return db
    .selectFrom('identities')
    .select(['id', 'contact_id', 'display_name', 'is_bot', 'platform_user_id'])
    .where('channel_account_id', '=', channelAccountId)
    .where('platform_user_id', '=', platformUserId)
    .executeTakeFirst();
}

export const findIdentityById = (db: Db, id: string): Promise<IdentityRow | undefined> =>
  db.selectFrom('identities').select(['id', 'contact_id', 'display_name', 'is_bot', 'platform_user_id']).where('id', '=', id).executeTakeFirst();

export const getMembership = (db: Db, groupId: string, identityId: string) =>
  db.selectFrom('memberships').selectAll().where('group_id', '=', groupId).where('identity_id', '=', identityId).executeTakeFirst();

/** Marks the identity an active member; `becameActive` is false when they already were. */
export async function activateMembership(
  db: Db,
  f: { workspaceId: string; groupId: string; identityId: string; inviterIdentityId: string | null; now: number },
): Promise<{ becameActive: boolean }> {
  const existing = await getMembership(db, f.groupId, f.identityId);
  if (!existing) {
    await db
      .insertInto('memberships')
      .values({
        id: newId(),
        workspace_id: f.workspaceId,
        group_id: f.groupId,
        identity_id: f.identityId,
        role: 'member',
        status: 'active',
        joined_at: f.now,
        left_at: null,
        inviter_identity_id: f.inviterIdentityId,
        message_count: 0,
        last_message_at: null,
      })
      .execute();
    return { becameActive: true };
  }
  if (existing.status === 'active') return { becameActive: false };
  await db
    .updateTable('memberships')
    .set({ status: 'active', joined_at: f.now, left_at: null, inviter_identity_id: f.inviterIdentityId })
    .where('id', '=', existing.id)
    .execute();
  return { becameActive: true };
}

export async function deactivateMembership(db: Db, groupId: string, identityId: string, status: 'left' | 'removed', now: number): Promise<boolean> {
  const r = await db
    .updateTable('memberships')
    .set({ status, left_at: now })
    .where('group_id', '=', groupId)
    .where('identity_id', '=', identityId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Counts a message on the sender's membership and returns the count including it (so the caller
 * knows a member's first messages). Someone who speaks is in the group: when there is no active
 * membership (a member from before the bot arrived, say), one is started silently.
 */
export async function recordGroupMessage(db: Db, f: { workspaceId: string; groupId: string; identityId: string; now: number }): Promise<number> {
  const bump = (q: ReturnType<typeof db.updateTable<'memberships'>>) =>
    q
      .set((eb) => ({ message_count: eb('message_count', '+', 1), last_message_at: f.now }))
      .where('group_id', '=', f.groupId)
      .where('identity_id', '=', f.identityId)
      .returning('message_count');
  const hot = statementsFor(db);
  const counted = hot
    ? hot.countMessage(f.groupId, f.identityId, f.now)
    : (await bump(db.updateTable('memberships')).where('status', '=', 'active').executeTakeFirst())?.message_count;
  if (counted !== undefined) return counted;
  await activateMembership(db, { workspaceId: f.workspaceId, groupId: f.groupId, identityId: f.identityId, inviterIdentityId: null, now: f.now });
  return (await bump(db.updateTable('memberships')).executeTakeFirstOrThrow()).message_count;
}

const memberColumns = [
  'm.id',
  'm.identity_id',
  'i.contact_id',
  'i.platform_user_id',
  'i.display_name',
  'i.is_bot',
  'm.role',
  'm.status',
  'm.joined_at',
  'm.left_at',
  'm.message_count',
  'm.last_message_at',
] as const;

export function listMembers(db: Db, groupId: string, opts: { offset: number; limit: number; activeOnly?: boolean }) {
  let q = db
    .selectFrom('memberships as m')
    .innerJoin('identities as i', 'i.id', 'm.identity_id')
    .select(memberColumns)
    .where('m.group_id', '=', groupId)
    .orderBy('m.joined_at', 'desc')
    .orderBy('m.id', 'desc')
    .offset(opts.offset)
    .limit(opts.limit);
  if (opts.activeOnly) q = q.where('m.status', '=', 'active');
  return q.execute();
}

export async function countMembers(db: Db, groupId: string): Promise<number> {
  const r = await db.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', groupId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export const getContact = (db: Db, id: string) => db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();

export const listContactIdentities = (db: Db, contactId: string) =>
  db
    .selectFrom('identities as i')
    .innerJoin('channel_accounts as c', 'c.id', 'i.channel_account_id')
    .select(['i.id', 'i.channel_account_id', 'c.kind', 'i.platform_user_id', 'i.display_name'])
    .where('i.contact_id', '=', contactId)
    .execute();

export const listContactMemberships = (db: Db, contactId: string) =>
  db
    .selectFrom('memberships as m')
    .innerJoin('identities as i', 'i.id', 'm.identity_id')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['m.id', 'm.group_id', 'g.name as group_name', 'm.status', 'm.role', 'm.joined_at', 'm.left_at', 'm.message_count'])
    .where('i.contact_id', '=', contactId)
    .orderBy('m.joined_at', 'desc')
    .execute();

/** Which of these platform users are active members of the group now. */
export async function activeAmong(db: Db, groupId: string, channelAccountId: string, platformUserIds: readonly string[]): Promise<Set<string>> {
  if (platformUserIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('identities as i', 'i.id', 'm.identity_id')
    .select('i.platform_user_id')
    .where('m.group_id', '=', groupId)
    .where('m.status', '=', 'active')
    .where('i.channel_account_id', '=', channelAccountId)
    .where('i.platform_user_id', 'in', platformUserIds)
    .execute();
  return new Set(rows.map((r) => r.platform_user_id));
}

/**
 * Contacts of the workspace with a (non-bot) identity whose name contains `q`, ignoring case, with
 * the groups they are in now; names that start with `q` first.
 */
export async function searchContacts(db: Db, workspaceId: string, q: string, limit: number) {
  const starts = `${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const like = `%${starts}`;
  const hits = await db
    .selectFrom('identities as i')
    .select(['i.contact_id', (eb) => eb.fn.min('i.display_name').as('display_name')])
    .where('i.workspace_id', '=', workspaceId)
    .where('i.is_bot', '=', 0)
    .where(sql<boolean>`lower(i.display_name) like ${like} escape '\\'`)
    .groupBy('i.contact_id')
    .orderBy(sql`min(case when lower(i.display_name) like ${starts} escape '\\' then 0 else 1 end)`)
    .orderBy(sql`min(i.display_name)`)
    .limit(limit)
    .execute();
  if (hits.length === 0) return [];
  const groups = await db
    .selectFrom('memberships as m')
    .innerJoin('identities as i', 'i.id', 'm.identity_id')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['i.contact_id', 'g.id', 'g.name'])
    .where('i.contact_id', 'in', hits.map((h) => h.contact_id))
    .where('m.status', '=', 'active')
    .orderBy('g.name')
    .execute();
  return hits.map((h) => ({ id: h.contact_id, displayName: h.display_name, groups: groups.filter((g) => g.contact_id === h.contact_id).map((g) => ({ id: g.id, name: g.name })) }));
}
