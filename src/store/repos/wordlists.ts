import type { ExpressionBuilder } from 'kysely';
import type { Database, Db } from '../index.ts';
import { newId } from '../ids.ts';
import { checkScope } from './rules.ts';

/** A list belongs to one group, to one template's groups, or (both null) to the whole workspace. */
export async function createWordList(db: Db, f: { workspaceId: string; groupId: string | null; policyId: string | null; name: string; now: number }) {
  checkScope(f);
  const row = { id: newId(), workspace_id: f.workspaceId, group_id: f.groupId, policy_id: f.policyId, name: f.name, created_at: f.now, updated_at: f.now };
  await db.insertInto('word_lists').values(row).execute();
  return row;
}

export const getWordList = (db: Db, id: string) => db.selectFrom('word_lists').selectAll().where('id', '=', id).executeTakeFirst();

/** Lists with their word counts; with a group or a template, its own lists only. */
export function listWordLists(db: Db, workspaceId: string, groupId?: string, policyId?: string) {
  let q = db
    .selectFrom('word_lists as l')
    .selectAll('l')
    .select((eb) => eb.selectFrom('word_list_words as w').select((e) => e.fn.countAll<number>().as('n')).whereRef('w.list_id', '=', 'l.id').as('word_count'))
    .where('l.workspace_id', '=', workspaceId)
    .orderBy('l.created_at')
    .orderBy('l.id');
  if (groupId !== undefined) q = q.where('l.group_id', '=', groupId);
  if (policyId !== undefined) q = q.where('l.policy_id', '=', policyId);
  return q.execute();
}

export async function renameWordList(db: Db, id: string, name: string, now: number) {
  await db.updateTable('word_lists').set({ name, updated_at: now }).where('id', '=', id).execute();
}

export async function deleteWordList(db: Db, id: string) {
  await db.deleteFrom('word_lists').where('id', '=', id).execute();
}

const INSERT_CHUNK = 500;

/** Replaces every word of a list. */
export async function replaceWords(db: Db, listId: string, words: readonly { word: string; action: string }[], now: number) {
  await db.deleteFrom('word_list_words').where('list_id', '=', listId).execute();
  for (let i = 0; i < words.length; i += INSERT_CHUNK) {
    await db
      .insertInto('word_list_words')
      .values(words.slice(i, i + INSERT_CHUNK).map((w) => ({ list_id: listId, word: w.word, action: w.action })))
      .execute();
  }
  await db.updateTable('word_lists').set({ updated_at: now }).where('id', '=', listId).execute();
}

export const listWords = (db: Db, listId: string, opts: { offset: number; limit: number }) =>
  db.selectFrom('word_list_words').select(['word', 'action']).where('list_id', '=', listId).orderBy('word').offset(opts.offset).limit(opts.limit).execute();

export async function countWords(db: Db, listId: string): Promise<number> {
  const r = await db.selectFrom('word_list_words').select((eb) => eb.fn.countAll<number>().as('n')).where('list_id', '=', listId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Which lists apply in a group: its own, its template's and the workspace-wide ones (one condition for the ids and the words). */
function inForce(eb: ExpressionBuilder<Database, 'word_lists'>, groupId: string) {
  return eb.or([
    eb.and([eb('word_lists.group_id', 'is', null), eb('word_lists.policy_id', 'is', null)]),
    eb('word_lists.group_id', '=', groupId),
    eb('word_lists.policy_id', '=', eb.selectFrom('groups').select('policy_id').where('id', '=', groupId)),
  ]);
}

/** The ids of the lists that apply in a group (groups with the same set share a compiled matcher). */
export async function listEffectiveWordLists(db: Db, workspaceId: string, groupId: string): Promise<string[]> {
  const rows = await db.selectFrom('word_lists').select('id').where('workspace_id', '=', workspaceId).where((eb) => inForce(eb, groupId)).execute();
  return rows.map((r) => r.id);
}

/** Every word that applies in a group: its own lists, its template's and the workspace-wide ones. */
export const listEffectiveWords = (db: Db, workspaceId: string, groupId: string) =>
  db
    .selectFrom('word_list_words as w')
    .innerJoin('word_lists', 'word_lists.id', 'w.list_id')
    .select(['w.word', 'w.action', 'w.list_id'])
    .where('word_lists.workspace_id', '=', workspaceId)
    .where((eb) => inForce(eb, groupId))
    .execute();
