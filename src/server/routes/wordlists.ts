import { z } from 'zod';
import { normalizeText } from '../../core/moderation/normalize.ts';
import { IdParams, Items, PageQuery, WordList, WordListCreate, WordListPatch, WordListQuery, WordPage, WordsPut, WordsSaved, type WordInput } from '../../shared/api.ts';
import type { Db } from '../../store/index.ts';
import { writeAudit } from '../../store/repos/audit.ts';
import { countWords, createWordList, deleteWordList, getWordList, listWordLists, listWords, renameWordList, replaceWords } from '../../store/repos/wordlists.ts';
import { auth, HttpError, notFound, type AuthContext, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import { ownScope } from '../services/groups.ts';

type Word = z.output<typeof WordPage>['items'][number];

/**
 * Checks a submitted word list: every word must keep something after moderation normalisation
 * (an emoji-only or punctuation-only "word" would never match), and words that normalise to the
 * same form are merged into the first (微信 / 微 信 / 微信 in traditional…), reported back.
 */
function prepareWords(words: readonly WordInput[]): { words: Word[]; merged: { word: string; into: string }[] } {
  const empty = words.filter((w) => normalizeText(w.word) === '').map((w) => w.word);
  if (empty.length > 0) {
    throw new HttpError(400, 'invalid_request', `these words contain nothing that can be matched (only spaces, punctuation or emoji): ${empty.slice(0, 10).join(', ')}`, { empty });
  }
  const seen = new Map<string, string>();
  const out: Word[] = [];
  const merged: { word: string; into: string }[] = [];
  for (const w of words) {
    const word = w.word.trim();
    const key = normalizeText(word);
    const first = seen.get(key);
    if (first !== undefined) {
      merged.push({ word, into: first });
      continue;
    }
    seen.set(key, word);
    out.push({ word, action: w.action ?? 'block' });
  }
  return { words: out, merged };
}

export function wordListRoutes(app: ZodApp, rt: Runtime) {
  const { store } = rt;

  async function ownList(db: Db, a: AuthContext, id: string) {
    const list = await getWordList(db, id);
    if (!list || list.workspace_id !== a.workspaceId) throw notFound('word list');
    return list;
  }

  async function view(db: Db, a: AuthContext, id: string): Promise<WordList> {
    const list = await ownList(db, a, id);
    return { id: list.id, groupId: list.group_id, policyId: list.policy_id, name: list.name, wordCount: await countWords(db, id), createdAt: list.created_at, updatedAt: list.updated_at };
  }

  const audit = (db: Db, a: AuthContext, action: string, id: string, summary: string, details?: unknown) =>
    writeAudit(db, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action, targetType: 'word_list', targetId: id, summary, details, now: rt.now() });

  app.route({
    method: 'GET',
    url: '/api/v1/word-lists',
    config: { permission: 'groups:read' },
    schema: { tags: ['moderation'], summary: 'Sensitive-word lists (all of the workspace, or with groupId or policyId that group’s or template’s own)', querystring: WordListQuery, response: { 200: Items(WordList) } },
    handler: async (req) => {
      const rows = await listWordLists(store.db, auth(req).workspaceId, req.query.groupId, req.query.policyId);
      return { items: rows.map((l) => ({ id: l.id, groupId: l.group_id, policyId: l.policy_id, name: l.name, wordCount: Number(l.word_count ?? 0), createdAt: l.created_at, updatedAt: l.updated_at })) };
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/word-lists',
    config: { permission: 'moderation:act' },
    schema: {
      tags: ['moderation'],
      summary: 'Create a word list for one group (groupId), every group following a template (policyId) or every group (neither), optionally with its words (each with block, warn or alert)',
      body: WordListCreate,
      response: { 201: WordsSaved },
    },
    handler: async (req, reply) => {
      const a = auth(req);
      const { words, merged } = prepareWords(req.body.words);
      const now = rt.now();
      const list = await store.transaction(async (trx) => {
        await ownScope(trx, a, req.body);
        const created = await createWordList(trx, { workspaceId: a.workspaceId, groupId: req.body.groupId, policyId: req.body.policyId, name: req.body.name, now });
        await replaceWords(trx, created.id, words, now);
        await audit(trx, a, 'word_list.create', created.id, `created word list ${created.name} with ${words.length} words`);
        return view(trx, a, created.id);
      });
      rt.engine.invalidate(a.workspaceId);
      return reply.status(201).send({ list, merged });
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/word-lists/:id',
    config: { permission: 'groups:read' },
    schema: { tags: ['moderation'], params: IdParams, response: { 200: WordList } },
    handler: async (req) => view(store.db, auth(req), req.params.id),
  });

  app.route({
    method: 'PATCH',
    url: '/api/v1/word-lists/:id',
    config: { permission: 'moderation:act' },
    schema: { tags: ['moderation'], summary: 'Rename a word list', params: IdParams, body: WordListPatch, response: { 200: WordList } },
    handler: async (req) => {
      const a = auth(req);
      return store.transaction(async (trx) => {
        const before = await ownList(trx, a, req.params.id);
        await renameWordList(trx, before.id, req.body.name, rt.now());
        await audit(trx, a, 'word_list.rename', before.id, `renamed word list ${before.name} → ${req.body.name}`);
        return view(trx, a, before.id);
      });
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/word-lists/:id/words',
    config: { permission: 'groups:read' },
    schema: { tags: ['moderation'], summary: 'The words of a list, a page at a time, in word order', params: IdParams, querystring: PageQuery, response: { 200: WordPage } },
    handler: async (req) => {
      const list = await ownList(store.db, auth(req), req.params.id);
      const [items, total] = await Promise.all([listWords(store.db, list.id, req.query), countWords(store.db, list.id)]);
      return { items: items.map((w) => ({ word: w.word, action: w.action as Word['action'] })), total };
    },
  });

  app.route({
    method: 'PUT',
    url: '/api/v1/word-lists/:id/words',
    config: { permission: 'moderation:act' },
    schema: { tags: ['moderation'], summary: 'Replace every word of a list', params: IdParams, body: WordsPut, response: { 200: WordsSaved } },
    handler: async (req) => {
      const a = auth(req);
      const { words, merged } = prepareWords(req.body.words);
      const list = await store.transaction(async (trx) => {
        const before = await ownList(trx, a, req.params.id);
        const had = await countWords(trx, before.id);
        await replaceWords(trx, before.id, words, rt.now());
        await audit(trx, a, 'word_list.words', before.id, `${before.name}: ${had} → ${words.length} words`);
        return view(trx, a, before.id);
      });
      rt.engine.invalidate(a.workspaceId);
      return { list, merged };
    },
  });

  app.route({
    method: 'DELETE',
    url: '/api/v1/word-lists/:id',
    config: { permission: 'moderation:act' },
    schema: { tags: ['moderation'], params: IdParams, response: { 204: z.null() } },
    handler: async (req, reply) => {
      const a = auth(req);
      await store.transaction(async (trx) => {
        const before = await ownList(trx, a, req.params.id);
        const had = await countWords(trx, before.id);
        await deleteWordList(trx, before.id);
        await audit(trx, a, 'word_list.delete', before.id, `deleted word list ${before.name} (${had} words)`);
      });
      rt.engine.invalidate(a.workspaceId);
      return reply.status(204).send(null);
    },
  });
}
