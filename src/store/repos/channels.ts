import type { Db } from '../index.ts';
import { newId } from '../ids.ts';

export async function createChannelAccount(db: Db, f: { workspaceId: string; kind: string; name: string; config: unknown; now: number }) {
  const row = { id: newId(), workspace_id: f.workspaceId, kind: f.kind, name: f.name, config: JSON.stringify(f.config), status: 'active', created_at: f.now };
  await db.insertInto('channel_accounts').values(row).execute();
  return row;
}

export const listChannelAccounts = (db: Db, workspaceId?: string) => {
  let q = db.selectFrom('channel_accounts').selectAll().orderBy('created_at');
  if (workspaceId !== undefined) q = q.where('workspace_id', '=', workspaceId);
  return q.execute();
};

export const getChannelAccount = (db: Db, id: string) => db.selectFrom('channel_accounts').selectAll().where('id', '=', id).executeTakeFirst();
