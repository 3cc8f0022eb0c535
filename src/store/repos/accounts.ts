import type { Db } from '../index.ts';
import { newId } from '../ids.ts';

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function createWorkspace(db: Db, fields: { name: string; timezone: string; locale: string; now: number }) {
  const row = { id: newId(), name: fields.name, timezone: fields.timezone, locale: fields.locale, settings: '{}', created_at: fields.now };
  await db.insertInto('workspaces').values(row).execute();
  return row;
}

export const getWorkspace = (db: Db, id: string) => db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();

/** The language members are spoken to in: the workspace's, Chinese unless it chose English. */
export async function workspaceLocale(db: Db, id: string): Promise<'zh-CN' | 'en'> {
  return (await getWorkspace(db, id))?.locale === 'en' ? 'en' : 'zh-CN';
}

export async function updateWorkspace(db: Db, id: string, patch: { name?: string; timezone?: string; locale?: string }) {
  await db.updateTable('workspaces').set(patch).where('id', '=', id).execute();
}

export async function createUser(db: Db, fields: { email: string; name: string; passwordHash: string; locale: string; now: number }) {
  const row = { id: newId(), email: fields.email, name: fields.name, password_hash: fields.passwordHash, locale: fields.locale, created_at: fields.now };
  await db.insertInto('users').values(row).execute();
  return row;
}

export const findUserByEmail = (db: Db, email: string) => db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
export const getUser = (db: Db, id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export async function updateUser(db: Db, id: string, patch: { locale?: string; password_hash?: string; name?: string }) {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

export async function addWorkspaceMember(db: Db, workspaceId: string, userId: string, role: string, now: number) {
  await db.insertInto('workspace_members').values({ workspace_id: workspaceId, user_id: userId, role, created_at: now }).execute();
}

/** The workspace a user works in and their role there (one workspace per user for now). */
export const findUserWorkspace = (db: Db, userId: string) =>
  db.selectFrom('workspace_members').select(['workspace_id', 'role']).where('user_id', '=', userId).orderBy('created_at').executeTakeFirst();

export const listTeam = (db: Db, workspaceId: string) =>
  db
    .selectFrom('workspace_members as wm')
    .innerJoin('users as u', 'u.id', 'wm.user_id')
    .select(['u.id as user_id', 'u.email', 'u.name', 'wm.role', 'wm.created_at'])
    .where('wm.workspace_id', '=', workspaceId)
    .orderBy('wm.created_at')
    .execute();

export const getTeamMember = (db: Db, workspaceId: string, userId: string) =>
  db
    .selectFrom('workspace_members as wm')
    .innerJoin('users as u', 'u.id', 'wm.user_id')
    .select(['u.id as user_id', 'u.email', 'u.name', 'wm.role', 'wm.created_at'])
    .where('wm.workspace_id', '=', workspaceId)
    .where('wm.user_id', '=', userId)
    .executeTakeFirst();

export async function setRole(db: Db, workspaceId: string, userId: string, role: string) {
  await db.updateTable('workspace_members').set({ role }).where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
}

export async function createSession(db: Db, s: { id: string; userId: string; workspaceId: string; csrfToken: string; now: number; ttlMs: number }) {
  await db
    .insertInto('sessions')
    .values({ id: s.id, user_id: s.userId, workspace_id: s.workspaceId, csrf_token: s.csrfToken, created_at: s.now, expires_at: s.now + s.ttlMs, last_seen_at: s.now })
    .execute();
}

export const findSession = (db: Db, id: string, now: number) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('workspace_members as wm', (j) => j.onRef('wm.user_id', '=', 's.user_id').onRef('wm.workspace_id', '=', 's.workspace_id'))
    .select(['s.id', 's.csrf_token', 's.workspace_id', 's.expires_at', 's.last_seen_at', 'u.id as user_id', 'u.email', 'u.name', 'u.locale', 'wm.role'])
    .where('s.id', '=', id)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();

export async function extendSession(db: Db, id: string, now: number, ttlMs: number) {
  await db.updateTable('sessions').set({ last_seen_at: now, expires_at: now + ttlMs }).where('id', '=', id).execute();
}

export async function deleteSession(db: Db, id: string) {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteExpiredSessions(db: Db, now: number) {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}
