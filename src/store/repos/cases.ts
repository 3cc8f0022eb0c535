import type { Db } from '../index.ts';
import { newId } from '../ids.ts';
import type { CasesTable } from '../schema.ts';

export async function insertCase(
  db: Db,
  f: Omit<CasesTable, 'id' | 'details' | 'effects' | 'status' | 'actor_name' | 'resolved_at' | 'resolved_by_name'> & { details: unknown; effects?: unknown[]; actor_name?: string; id?: string },
): Promise<CasesTable> {
  const row: CasesTable = {
    ...f,
    id: f.id ?? newId(),
    details: JSON.stringify(f.details),
    effects: JSON.stringify(f.effects ?? []),
    actor_name: f.actor_name ?? 'Shequn',
    status: 'open',
    resolved_at: null,
    resolved_by_name: null,
  };
  await db.insertInto('cases').values(row).execute();
  return row;
}

export async function setCaseEffects(db: Db, id: string, effects: unknown[]): Promise<void> {
  await db.updateTable('cases').set({ effects: JSON.stringify(effects) }).where('id', '=', id).execute();
}

/** Closes an open case (resolved: handled; undone: its effects reversed). False when it was not open. */
export async function closeCase(db: Db, id: string, status: 'resolved' | 'undone', byName: string, now: number): Promise<boolean> {
  const r = await db.updateTable('cases').set({ status, resolved_at: now, resolved_by_name: byName }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

function caseQuery(db: Db, workspaceId: string) {
  return db
    .selectFrom('cases as c')
    .innerJoin('identities as i', 'i.id', 'c.identity_id')
    .leftJoin('messages as m', 'm.id', 'c.message_id')
    .leftJoin('groups as g', 'g.id', 'c.group_id')
    .selectAll('c')
    .select(['i.display_name', 'i.contact_id', 'i.platform_user_id', 'g.name as group_name', 'm.text as message_text', 'm.deleted_at as message_deleted_at'])
    .where('c.workspace_id', '=', workspaceId);
}
export type CaseRow = Awaited<ReturnType<ReturnType<typeof caseQuery>['executeTakeFirstOrThrow']>>;

export const getCase = (db: Db, workspaceId: string, id: string) => caseQuery(db, workspaceId).where('c.id', '=', id).executeTakeFirst();

/** Cases newest first, with who, where and (for the evidence) the message. */
export async function listCases(db: Db, workspaceId: string, opts: { groupId?: string; status?: string; contactId?: string; kind?: string; offset: number; limit: number }) {
  let q = caseQuery(db, workspaceId);
  if (opts.groupId !== undefined) q = q.where('c.group_id', '=', opts.groupId);
  if (opts.status !== undefined) q = q.where('c.status', '=', opts.status);
  if (opts.contactId !== undefined) q = q.where('i.contact_id', '=', opts.contactId);
  if (opts.kind !== undefined) q = q.where('c.kind', '=', opts.kind);
  const rows = await q.orderBy('c.id', 'desc').offset(opts.offset).limit(opts.limit).execute();
  let count = db.selectFrom('cases as c').innerJoin('identities as i', 'i.id', 'c.identity_id').select((eb) => eb.fn.countAll<number>().as('n')).where('c.workspace_id', '=', workspaceId);
  if (opts.groupId !== undefined) count = count.where('c.group_id', '=', opts.groupId);
  if (opts.status !== undefined) count = count.where('c.status', '=', opts.status);
  if (opts.contactId !== undefined) count = count.where('i.contact_id', '=', opts.contactId);
  if (opts.kind !== undefined) count = count.where('c.kind', '=', opts.kind);
  const total = Number((await count.executeTakeFirstOrThrow()).n);
  return { rows, total };
}
