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

/** Cases newest first, with who and (for the evidence) the message. */
export function listCases(db: Db, workspaceId: string, opts: { groupId?: string; status?: string; offset: number; limit: number }) {
  let q = db
    .selectFrom('cases as c')
    .innerJoin('identities as i', 'i.id', 'c.identity_id')
    .leftJoin('messages as m', 'm.id', 'c.message_id')
    .selectAll('c')
    .select(['i.display_name', 'i.contact_id', 'i.platform_user_id', 'm.text as message_text', 'm.deleted_at as message_deleted_at'])
    .where('c.workspace_id', '=', workspaceId)
    .orderBy('c.id', 'desc')
    .offset(opts.offset)
    .limit(opts.limit);
  if (opts.groupId !== undefined) q = q.where('c.group_id', '=', opts.groupId);
  if (opts.status !== undefined) q = q.where('c.status', '=', opts.status);
  return q.execute();
}
