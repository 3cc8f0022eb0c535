// Sensitive-word lists through the API, on both engines: create (workspace-wide and per group),
// words with actions, normalisation-aware merging, paging, validation, roles, audit, export.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../support/stores.ts';
import { ApiClient, setupOwner, startTestServer, type TestServer } from '../support/server.ts';

for (const engine of ENGINES) {
  describe(`word lists (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let group: any;
    let list: any;

    before(async () => {
      server = await startTestServer(engine);
      api = await setupOwner(server.url);
      group = (await api.post('/api/v1/groups', { name: '词库测试群' })).body;
    });
    after(async () => server?.destroy());

    test('a workspace-wide list with words; spellings that normalise alike are merged and reported', async () => {
      const r = await api.post('/api/v1/word-lists', {
        name: '广告词',
        words: [
          { word: '微信', action: 'block' },
          { word: '加群', action: 'warn' },
          { word: '微 信', action: 'alert' },
          { word: 'ＳＰＡＭ', action: 'block' },
          { word: 'spam', action: 'warn' },
          { word: '發票', action: 'alert' },
          { word: '发票', action: 'block' },
        ],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      list = r.body.list;
      assert.equal(list.groupId, null);
      assert.equal(list.wordCount, 4);
      assert.deepEqual(r.body.merged, [
        { word: '微 信', into: '微信' },
        { word: 'spam', into: 'ＳＰＡＭ' },
        { word: '发票', into: '發票' },
      ]);
      const words = await api.get(`/api/v1/word-lists/${list.id}/words`);
      assert.equal(words.body.total, 4);
      assert.deepEqual(
        words.body.items.map((w: any) => [w.word, w.action]).sort(),
        [['ＳＰＡＭ', 'block'], ['加群', 'warn'], ['微信', 'block'], ['發票', 'alert']].sort(),
      );
    });

    test('a group’s own list; listing by group; replacing 5,000 words and paging through them', async () => {
      const r = await api.post('/api/v1/word-lists', { name: '本群词库', groupId: group.id });
      assert.equal(r.status, 201);
      const own = r.body.list;
      const many = Array.from({ length: 5000 }, (_, i) => ({ word: `词${i.toString(36)}x`, action: i % 3 === 0 ? 'alert' : 'block' }));
      const put = await api.put(`/api/v1/word-lists/${own.id}/words`, { words: many });
      assert.equal(put.status, 200, JSON.stringify(put.body).slice(0, 300));
      assert.equal(put.body.list.wordCount, 5000);
      const page = await api.get(`/api/v1/word-lists/${own.id}/words?offset=100&limit=50`);
      assert.equal(page.body.total, 5000);
      assert.equal(page.body.items.length, 50);
      const sorted = many.map((w) => w.word).sort();
      assert.deepEqual(
        page.body.items.map((w: any) => w.word),
        sorted.slice(100, 150),
        'pages follow word order',
      );
      const mine = await api.get(`/api/v1/word-lists?groupId=${group.id}`);
      assert.deepEqual(mine.body.items.map((l: any) => l.name), ['本群词库']);
      const all = await api.get('/api/v1/word-lists');
      assert.deepEqual(all.body.items.map((l: any) => [l.name, l.wordCount]), [['广告词', 4], ['本群词库', 5000]]);
      const emptied = await api.put(`/api/v1/word-lists/${own.id}/words`, { words: [] });
      assert.equal(emptied.body.list.wordCount, 0);
    });

    test('bad input is refused and changes nothing', async () => {
      const emoji = await api.put(`/api/v1/word-lists/${list.id}/words`, { words: [{ word: '👍', action: 'block' }, { word: '新词', action: 'block' }] });
      assert.equal(emoji.status, 400);
      assert.match(emoji.body.error.message, /👍/);
      const action = await api.put(`/api/v1/word-lists/${list.id}/words`, { words: [{ word: '新词', action: 'ban' }] });
      assert.equal(action.status, 400);
      assert.equal(action.body.error.code, 'invalid_request');
      const long = await api.post('/api/v1/word-lists', { name: 'x', words: [{ word: 'a'.repeat(51), action: 'block' }] });
      assert.equal(long.status, 400);
      const tooMany = await api.post('/api/v1/word-lists', { name: 'x', words: Array.from({ length: 20_001 }, (_, i) => ({ word: `w${i}`, action: 'block' })) });
      assert.ok(tooMany.status === 400 || tooMany.status === 413, `status ${tooMany.status}`);
      const noGroup = await api.post('/api/v1/word-lists', { name: 'x', groupId: 'nope' });
      assert.equal(noGroup.status, 404);
      assert.equal((await api.get('/api/v1/word-lists/nope')).status, 404);
      const still = await api.get(`/api/v1/word-lists/${list.id}`);
      assert.equal(still.body.wordCount, 4, 'nothing changed');
      const lists = await api.get('/api/v1/word-lists');
      assert.equal(lists.body.items.length, 2, 'no list was created by the refused calls');
    });

    test('a viewer reads but cannot change; changes are audited; deleting removes the words', async () => {
      await api.post('/api/v1/team', { email: 'viewer@example.com', name: '观察员', password: 'viewer-password-1', role: 'viewer' });
      const viewer = new ApiClient(server.url);
      await viewer.post('/api/v1/auth/login', { email: 'viewer@example.com', password: 'viewer-password-1' });
      assert.equal((await viewer.get(`/api/v1/word-lists/${list.id}/words`)).status, 200);
      assert.equal((await viewer.put(`/api/v1/word-lists/${list.id}/words`, { words: [] })).status, 403);
      assert.equal((await viewer.delete(`/api/v1/word-lists/${list.id}`)).status, 403);
      const renamed = await api.patch(`/api/v1/word-lists/${list.id}`, { name: '广告与引流' });
      assert.equal(renamed.body.name, '广告与引流');
      assert.equal((await api.delete(`/api/v1/word-lists/${list.id}`)).status, 204);
      assert.equal((await api.get(`/api/v1/word-lists/${list.id}`)).status, 404);
      const left = await server.rt.store.db.selectFrom('word_list_words').select('word').where('list_id', '=', list.id).execute();
      assert.equal(left.length, 0, 'the words went with the list');
      const audit = await api.get('/api/v1/audit-log');
      const actions = audit.body.items.filter((e: any) => e.targetType === 'word_list').map((e: any) => e.action);
      for (const a of ['word_list.create', 'word_list.words', 'word_list.rename', 'word_list.delete']) assert.ok(actions.includes(a), `audited: ${a}`);
    });
  });
}
