// Sensitive words in the inbound pipeline, on both engines: block deletes and warns, warn warns,
// alert only opens a case; evasive spellings are caught; a blocked message gets no keyword reply.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../support/stores.ts';
import { ApiClient, Member, setupOwner, startTestServer, waitFor, type TestServer } from '../support/server.ts';

for (const engine of ENGINES) {
  describe(`automatic moderation (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let group: any;
    let alice: Member;
    let bob: Member;

    before(async () => {
      server = await startTestServer(engine);
      api = await setupOwner(server.url);
      group = (await api.post('/api/v1/groups', { name: '净化测试群', rules: '禁止广告' })).body;
      await api.post('/api/v1/word-lists', { name: '全局词库', words: [{ word: '微信', action: 'block' }, { word: '红包', action: 'alert' }] });
      await api.post('/api/v1/word-lists', { name: '本群词库', groupId: group.id, words: [{ word: '发票', action: 'warn' }] });
      await api.post('/api/v1/rules', {
        groupId: group.id,
        name: '资料',
        trigger: { type: 'message', scope: 'any' },
        conditions: [{ type: 'keyword', keywords: ['资料'], mode: 'contains' }],
        actions: [{ type: 'reply', template: '资料在群公告', mention: true, quote: true }],
      });
      alice = new Member(server.url);
      bob = new Member(server.url);
      await alice.join(group.inviteUrl, '小红');
      await bob.join(group.inviteUrl, '路人');
      await alice.connect();
      await bob.connect();
    });
    after(async () => {
      alice?.close();
      bob?.close();
      await server?.destroy();
    });

    const cases = async () => (await api.get(`/api/v1/cases?groupId=${group.id}`)).body.items as any[];

    test('block: an evasive spelling is deleted, the sender is warned with an @mention, a case holds the evidence', async () => {
      bob.say('加我 微.信 领资料');
      const msg = await waitFor(() => alice.messages().find((m) => m.text === '加我 微.信 领资料'), 'alice sees it first');
      await waitFor(() => alice.frames.find((f) => f.type === 'message_deleted' && f.messageId === msg.id), 'deleted for everyone');
      const warning = await waitFor(() => alice.messages().find((m) => m.sender.isBot && m.text.includes('已被删除')), 'the warning');
      assert.ok(warning.text.startsWith('@路人'), 'the warning mentions the sender');
      assert.equal(warning.mentions[0].platformUserId, bob.platformUserId);
      assert.ok(!alice.messages().some((m) => m.sender.isBot && m.text.includes('资料在群公告')), 'no keyword reply to a blocked message');
      const [c] = await cases();
      assert.equal(c.action, 'block');
      assert.equal(c.applied, 'block');
      assert.deepEqual(c.words.map((w: any) => w.word), ['微信']);
      assert.equal(c.member.platformUserId, bob.platformUserId);
      assert.equal(c.evidence.messageId, msg.id);
      assert.equal(c.evidence.text, '加我 微.信 领资料', 'operators keep the evidence');
      assert.ok(c.evidence.deletedAt);
      assert.equal(c.status, 'open');
    });

    test('warn (a group’s own list): past their first messages a member is warned with points, not deleted; alert: a case only', async () => {
      for (const text of ['大家好', '早上好', '今天读哪一章']) alice.say(text);
      await waitFor(() => bob.messages().find((m) => m.text === '今天读哪一章'), 'alice’s first three messages');
      alice.say('可以开發票吗');
      const warning = await waitFor(() => bob.messages().find((m) => m.sender.isBot && m.text.startsWith('@小红') && m.text.includes('警告（1/3）')), 'the warn, with the count');
      assert.ok(!warning.text.includes('已被删除'));
      bob.say('谁发的红包？');
      await waitFor(async () => (await cases()).find((c) => c.action === 'alert'), 'the alert case');
      const all = await cases();
      assert.deepEqual(all.map((c) => c.action), ['alert', 'warn', 'block'], 'newest first');
      assert.deepEqual(all[1].effects.map((e: any) => [e.type, e.points]), [['warned', 1]]);
      assert.deepEqual(all[0].effects, [], 'an alert does nothing to the member');
      const log = await api.get(`/api/v1/groups/${group.id}/messages`);
      const invoice = log.body.items.find((m: any) => m.text === '可以开發票吗');
      assert.equal(invoice.deletedAt, null, 'a warn does not delete');
      assert.ok(!bob.messages().some((m) => m.sender.isBot && m.text.includes('@路人') && m.text.includes('红包')), 'an alert says nothing in the group');
    });

    test('first messages are held to a stricter standard: a warn word blocks there', async () => {
      const carol = new Member(server.url);
      await carol.join(group.inviteUrl, '新人');
      await carol.connect();
      try {
        carol.say('能开发票吗');
        const msg = await waitFor(() => alice.messages().find((m) => m.text === '能开发票吗'), 'alice sees it');
        await waitFor(() => alice.frames.find((f) => f.type === 'message_deleted' && f.messageId === msg.id), 'deleted: a first message');
        const [c] = await cases();
        assert.deepEqual([c.action, c.member.name, c.words[0].action, c.reason], ['block', '新人', 'warn', '新成员的前几条消息从严处理']);
      } finally {
        carol.close();
      }
    });

    test('a group without lists of its own has the workspace’s words, not another group’s', async () => {
      const other = (await api.post('/api/v1/groups', { name: '另一个群', rules: '' })).body;
      const dave = new Member(server.url);
      const erin = new Member(server.url);
      await dave.join(other.inviteUrl, '老王');
      await erin.join(other.inviteUrl, '小李');
      await dave.connect();
      await erin.connect();
      try {
        const otherCases = async () => (await api.get(`/api/v1/cases?groupId=${other.id}`)).body.items as any[];
        for (const text of ['大家好', '早上好', '今天读哪一章', '可以开发票吗']) dave.say(text);
        await waitFor(() => erin.messages().find((m) => m.text === '可以开发票吗'), 'the first group’s word is not listed here');
        dave.say('加我微信');
        const msg = await waitFor(() => erin.messages().find((m) => m.text === '加我微信'), 'erin sees it');
        await waitFor(() => erin.frames.find((f) => f.type === 'message_deleted' && f.messageId === msg.id), 'the workspace word blocks here too');
        assert.deepEqual((await otherCases()).map((c) => c.words.map((w: any) => w.word)), [['微信']]);
      } finally {
        dave.close();
        erin.close();
      }
    });

    test('clean messages still get their keyword reply; word list changes apply at once', async () => {
      alice.say('求资料');
      await waitFor(() => alice.messages().find((m) => m.sender.isBot && m.text.includes('资料在群公告')), 'the keyword reply');
      const lists = (await api.get('/api/v1/word-lists')).body.items as any[];
      const global = lists.find((l) => l.name === '全局词库');
      await api.put(`/api/v1/word-lists/${global.id}/words`, { words: [{ word: '求资料', action: 'alert' }] });
      alice.say('再求资料');
      await waitFor(async () => (await cases()).find((c) => c.words.some((w: any) => w.word === '求资料')), 'the new word is live');
      bob.say('加微信');
      await waitFor(() => alice.messages().find((m) => m.text === '加微信'), 'the old word is gone');
      assert.equal((await cases()).filter((c) => c.words.some((w: any) => w.word === '微信')).length, 1, '微信 no longer blocks');
    });
  });
}
