import type { Db } from '../index.ts';
import { newId } from '../ids.ts';
import type { WarningsTable } from '../schema.ts';

export async function insertWarning(db: Db, f: Omit<WarningsTable, 'id' | 'revoked_at'>): Promise<WarningsTable> {
  const row: WarningsTable = { ...f, id: newId(), revoked_at: null };
  await db.insertInto('warnings').values(row).execute();
  return row;
}

/** A contact's warnings that have not expired by `now` (revoked ones included, for the record). */
export const listUnexpiredWarnings = (db: Db, contactId: string, now: number) =>
  db.selectFrom('warnings').selectAll().where('contact_id', '=', contactId).where('expires_at', '>', now).orderBy('id').execute();

export const listContactWarnings = (db: Db, workspaceId: string, contactId: string) =>
  db.selectFrom('warnings').selectAll().where('workspace_id', '=', workspaceId).where('contact_id', '=', contactId).orderBy('id', 'desc').limit(200).execute();

export async function revokeWarning(db: Db, id: string, now: number): Promise<boolean> {
  const r = await db.updateTable('warnings').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
