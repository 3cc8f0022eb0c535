import type { Db } from '../index.ts';
import { newId } from '../ids.ts';
import type { MutesTable } from '../schema.ts';

export async function insertMute(db: Db, f: Omit<MutesTable, 'id' | 'lifted_at'>): Promise<MutesTable> {
  const row: MutesTable = { ...f, id: newId(), lifted_at: null };
  await db.insertInto('mutes').values(row).execute();
  return row;
}

/** Mutes in force in a group at `now`: identity → until (the latest, if several). */
export async function activeMutes(db: Db, groupId: string, now: number): Promise<Map<string, number>> {
  const rows = await db.selectFrom('mutes').select(['identity_id', 'until']).where('group_id', '=', groupId).where('until', '>', now).where('lifted_at', 'is', null).execute();
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.identity_id, Math.max(out.get(r.identity_id) ?? 0, r.until));
  return out;
}

/** Lifts one mute, or (no id) every mute of the member in the group; returns how many. */
export async function liftMutes(db: Db, f: { id?: string; groupId?: string; identityId?: string; now: number }): Promise<number> {
  let q = db.updateTable('mutes').set({ lifted_at: f.now }).where('lifted_at', 'is', null).where('until', '>', f.now);
  if (f.id !== undefined) q = q.where('id', '=', f.id);
  if (f.groupId !== undefined) q = q.where('group_id', '=', f.groupId);
  if (f.identityId !== undefined) q = q.where('identity_id', '=', f.identityId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export const listContactMutes = (db: Db, contactId: string) =>
  db
    .selectFrom('mutes as m')
    .innerJoin('identities as i', 'i.id', 'm.identity_id')
    .select(['m.id', 'm.group_id', 'm.until', 'm.lifted_at'])
    .where('i.contact_id', '=', contactId)
    .orderBy('m.id', 'desc')
    .limit(100)
    .execute();
