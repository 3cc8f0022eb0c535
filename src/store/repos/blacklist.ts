import type { Db } from '../index.ts';
import { newId } from '../ids.ts';
import type { BlacklistEntriesTable } from '../schema.ts';

export async function insertBlacklistEntry(db: Db, f: Omit<BlacklistEntriesTable, 'id' | 'lifted_at' | 'lifted_by_name'>): Promise<BlacklistEntriesTable> {
  const row: BlacklistEntriesTable = { ...f, id: newId(), lifted_at: null, lifted_by_name: null };
  await db.insertInto('blacklist_entries').values(row).execute();
  return row;
}

/**
 * The entry that keeps a contact out of a group at `now`, if any: not lifted, not expired, and
 * workspace-wide or for that group. `groupId` null asks for a workspace-wide entry only.
 */
export function findActiveBan(db: Db, contactId: string, groupId: string | null, now: number) {
  return db
    .selectFrom('blacklist_entries')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('lifted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .where((eb) => (groupId === null ? eb('group_id', 'is', null) : eb.or([eb('group_id', 'is', null), eb('group_id', '=', groupId)])))
    .orderBy('id')
    .executeTakeFirst();
}

export async function liftBlacklistEntry(db: Db, id: string, byName: string, now: number): Promise<boolean> {
  const r = await db.updateTable('blacklist_entries').set({ lifted_at: now, lifted_by_name: byName }).where('id', '=', id).where('lifted_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Entries in force for a contact (any scope). */
export const listActiveBans = (db: Db, contactId: string, now: number) =>
  db
    .selectFrom('blacklist_entries')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('lifted_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute();

function entryQuery(db: Db, workspaceId: string) {
  return db
    .selectFrom('blacklist_entries as b')
    .innerJoin('contacts as c', 'c.id', 'b.contact_id')
    .leftJoin('groups as g', 'g.id', 'b.group_id')
    .leftJoin('messages as m', 'm.id', 'b.evidence_message_id')
    .selectAll('b')
    .select(['c.display_name as contact_name', 'g.name as group_name', 'm.text as evidence_text'])
    .where('b.workspace_id', '=', workspaceId);
}
export type BlacklistRow = Awaited<ReturnType<ReturnType<typeof entryQuery>['executeTakeFirstOrThrow']>>;

export const getBlacklistEntry = (db: Db, workspaceId: string, id: string) => entryQuery(db, workspaceId).where('b.id', '=', id).executeTakeFirst();

/** Newest first; `active` filters entries in force (true) or lifted/expired (false) at `now`. */
export async function listBlacklist(db: Db, workspaceId: string, opts: { active?: boolean; contactId?: string; now: number; offset: number; limit: number }) {
  const filter = <Q extends ReturnType<typeof entryQuery>>(q: Q): Q => {
    let out = q;
    if (opts.contactId !== undefined) out = out.where('b.contact_id', '=', opts.contactId) as Q;
    if (opts.active === true) out = out.where('b.lifted_at', 'is', null).where((eb) => eb.or([eb('b.expires_at', 'is', null), eb('b.expires_at', '>', opts.now)])) as Q;
    if (opts.active === false) out = out.where((eb) => eb.or([eb('b.lifted_at', 'is not', null), eb('b.expires_at', '<=', opts.now)])) as Q;
    return out;
  };
  const rows = await filter(entryQuery(db, workspaceId)).orderBy('b.id', 'desc').offset(opts.offset).limit(opts.limit).execute();
  const count = await filter(entryQuery(db, workspaceId)).clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(count.n) };
}
