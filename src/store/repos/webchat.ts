import type { Db } from '../index.ts';
import { newId } from '../ids.ts';

/** The built-in web community's own accounts: a browser holds the token, we keep its hash. */
export async function createWebchatUser(db: Db, f: { channelAccountId: string; tokenHash: string; nickname: string; now: number }) {
  const row = { id: `wc_${newId()}`, channel_account_id: f.channelAccountId, token_hash: f.tokenHash, nickname: f.nickname, created_at: f.now };
  await db.insertInto('webchat_users').values(row).execute();
  return row;
}

export const findWebchatUserByToken = (db: Db, tokenHash: string) => db.selectFrom('webchat_users').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();

export async function renameWebchatUser(db: Db, id: string, nickname: string) {
  await db.updateTable('webchat_users').set({ nickname }).where('id', '=', id).execute();
}
