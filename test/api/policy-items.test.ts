// What a policy template carries besides settings, through the web community on both engines: a
// welcome and a rules text its groups use unless they have their own, and keyword replies, word
// lists and admins that apply in every group following it; which groups have their own; a group
// leaving the template loses what the template gave it; scopes are validated.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createWorkspace } from '../../src/store/repos/accounts.ts';
import { createPolicy } from '../../src/store/repos/policies.ts';
import { ENGINES } from '../support/stores.ts';
import { ApiClient, Member, setupOwner, startTestServer, waitFor, type TestServer } from '../support/server.ts';

for (const engine of ENGINES) {
  describe(`what a template carries (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let groupA: any;
    let groupB: any;
    let policy: any;
    let rule: any;
    let list: any;
    let admin: any;
    const people: Member[] = [];

    const member = async (group: any, name: string) => {
      const m = new Member(server.url);
      people.push(m);
      assert.equal((await m.join(group.inviteUrl, name)).status, 201);
      await m.connect();
      return m;
    };
    const botSays = (m: Member, text: string) => waitFor(() => m.messages().find((x) => x.sender.isBot && x.text.includes(text)), `the bot says ${text}`);

    before(async () => {
      server = await startTestServer(engine);
      api = await setupOwner(server.url);
      groupA = (await api.post('/api/v1/groups', { name: '甲群' })).body;
      groupB = (await api.post('/api/v1/groups', { name: '乙群' })).body;
    });
    after(async () => {
      for (const p of people) p.close();
      await server?.destroy();
    });

    test('a template gets a welcome, a rules text, a keyword reply, a word list and an admin', async () => {
      const created = await api.post('/api/v1/policies', { name: '标准群', settings: { welcome: { batchSeconds: 0, cooldownSeconds: 0 } }, rules: '模板群规：友善交流' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      policy = created.body;
      assert.deepEqual([policy.rules, policy.welcome], ['模板群规：友善交流', null]);
      const welcome = await api.put(`/api/v1/policies/${policy.id}/welcome`, { enabled: true, template: '模板欢迎 {nickname}' });
      assert.equal(welcome.status, 200, JSON.stringify(welcome.body));
      assert.deepEqual(welcome.body.welcome, { enabled: true, template: '模板欢迎 {nickname}' });

      const r = await api.post('/api/v1/rules', {
        groupId: null,
        policyId: policy.id,
        name: '价格',
        trigger: { type: 'message', scope: 'any' },
        conditions: [{ type: 'keyword', keywords: ['价格'], mode: 'contains' }],
        actions: [{ type: 'reply', template: '模板回复：价格见群公告', mention: false, quote: false }],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      rule = r.body;
      assert.deepEqual([rule.groupId, rule.policyId], [null, policy.id]);
      const l = await api.post('/api/v1/word-lists', { policyId: policy.id, name: '模板词库', words: [{ word: '代写', action: 'block' }] });
      assert.equal(l.status, 201, JSON.stringify(l.body));
      list = l.body.list;
      assert.deepEqual([list.groupId, list.policyId], [null, policy.id]);

      const boss = await member(groupA, '版主');
      assert.equal((await boss.join(groupB.inviteUrl, '版主')).status, 201);
      const identityId = (await api.get(`/api/v1/groups/${groupA.id}/members`)).body.items.find((m: any) => m.displayName === '版主').identityId;
      const a = await api.post('/api/v1/admins', { identityId, policyId: policy.id });
      assert.equal(a.status, 201, JSON.stringify(a.body));
      admin = a.body;
      assert.deepEqual([admin.groupId, admin.policyId], [null, policy.id]);

      assert.deepEqual((await api.get(`/api/v1/rules?policyId=${policy.id}`)).body.items.map((x: any) => x.name), ['welcome', '价格']);
      assert.deepEqual((await api.get(`/api/v1/word-lists?policyId=${policy.id}`)).body.items.map((x: any) => x.id), [list.id]);
      assert.deepEqual((await api.get(`/api/v1/admins?policyId=${policy.id}`)).body.items.map((x: any) => x.id), [admin.id]);
      assert.deepEqual((await api.get(`/api/v1/rules?groupId=${groupA.id}`)).body.items.map((x: any) => x.name), ['welcome'], 'a group lists only its own');
      assert.deepEqual((await api.get(`/api/v1/admins?groupId=${groupA.id}`)).body.items, [], 'not an admin before the group follows the template');
      const actions = (await api.get('/api/v1/audit-log')).body.items.map((e: any) => e.action);
      for (const x of ['policy.create', 'policy.welcome', 'rule.create', 'word_list.create', 'admin.add']) assert.ok(actions.includes(x), x);
    });

    test('scopes are checked: not both, and only the workspace’s own templates', async () => {
      const body = { name: 'x', trigger: { type: 'message', scope: 'any' }, conditions: [{ type: 'keyword', keywords: ['x'], mode: 'contains' }], actions: [{ type: 'reply', template: 'x' }] };
      const both = await api.post('/api/v1/rules', { ...body, groupId: groupA.id, policyId: policy.id });
      assert.equal(both.status, 400);
      assert.match(both.body.error.message, /policyId/);
      assert.equal((await api.post('/api/v1/word-lists', { groupId: groupA.id, policyId: policy.id, name: 'x' })).status, 400);
      assert.equal((await api.post('/api/v1/admins', { identityId: admin.identityId, groupId: groupA.id, policyId: policy.id })).status, 400);
      const db = server.rt.store.db;
      const ws = await createWorkspace(db, { name: '别人的', timezone: 'Asia/Shanghai', locale: 'zh-CN', now: Date.now() });
      const theirs = await createPolicy(db, { workspaceId: ws.id, name: '别人的模板', settings: '{}', now: Date.now() });
      for (const r of [
        await api.post('/api/v1/rules', { ...body, groupId: null, policyId: theirs.id }),
        await api.post('/api/v1/word-lists', { policyId: theirs.id, name: 'x' }),
        await api.post('/api/v1/admins', { identityId: admin.identityId, policyId: theirs.id }),
        await api.put(`/api/v1/policies/${theirs.id}/welcome`, { enabled: true, template: 'x' }),
      ]) {
        assert.equal(r.status, 404, JSON.stringify(r.body));
        assert.match(r.body.error.message, /policy/);
      }
      assert.equal((await api.get(`/api/v1/rules?policyId=${policy.id}`)).body.items.length, 2, 'nothing was added');
    });

    test('applied to two groups (own welcome reset): both answer the keyword, block the word, accept the admin’s /warn', async () => {
      const applied = await api.post(`/api/v1/policies/${policy.id}/apply`, { groupIds: [groupA.id, groupB.id], resetOverrides: true });
      assert.equal(applied.status, 200, JSON.stringify(applied.body));
      assert.deepEqual(applied.body.items.map((i: any) => i.reset), [['welcome'], ['welcome']], 'their default welcomes gave way to the template’s');
      const b = (await api.get(`/api/v1/groups/${groupB.id}`)).body;
      assert.deepEqual([b.ownWelcome, b.welcome.template, b.rules, b.policy.rules], [false, '模板欢迎 {nickname}', '', '模板群规：友善交流']);
      assert.deepEqual((await api.get(`/api/v1/admins?groupId=${groupB.id}`)).body.items.map((x: any) => x.id), [admin.id]);

      const boss = people[0]!;
      for (const group of [groupA, groupB]) {
        const m = await member(group, `成员${group.name}`);
        await botSays(m, '模板欢迎');
        m.say('请问价格多少');
        await botSays(m, '模板回复：价格见群公告');
        m.say('接代写作业');
        const sent = await waitFor(() => m.messages().find((x) => x.text === '接代写作业'), 'the word arrives');
        await waitFor(() => m.frames.find((f) => f.type === 'message_deleted' && f.messageId === sent.id), `deleted in ${group.name}`);
        m.say('随便聊聊');
        const target = await waitFor(() => m.messages().find((x) => x.text === '随便聊聊'), 'said');
        boss.close();
        boss.frames.length = 0;
        boss.groupId = group.id;
        await boss.connect();
        boss.reply(target.id, '/warn 注意言辞');
        await botSays(m, '注意言辞');
      }
    });

    test('a group’s own welcome and rules text override the template’s and show as its own; resetting brings the template’s back', async () => {
      const own = await api.put(`/api/v1/groups/${groupA.id}/welcome`, { enabled: true, template: '甲群自己的欢迎 {nickname}' });
      assert.equal(own.status, 200, JSON.stringify(own.body));
      assert.deepEqual([own.body.ownWelcome, own.body.welcome.template, own.body.policy.welcome.template], [true, '甲群自己的欢迎 {nickname}', '模板欢迎 {nickname}']);
      assert.equal((await api.patch(`/api/v1/groups/${groupA.id}`, { rules: '甲群群规' })).status, 200);
      await api.post('/api/v1/rules', {
        groupId: groupA.id,
        name: '甲群资料',
        trigger: { type: 'message', scope: 'any' },
        conditions: [{ type: 'keyword', keywords: ['资料'], mode: 'contains' }],
        actions: [{ type: 'reply', template: '资料在甲群公告' }],
      });
      const report = (await api.get(`/api/v1/policies/${policy.id}/groups`)).body.items;
      assert.deepEqual(
        report.map((g: any) => [g.groupName, g.ownWelcome, g.ownRules, g.own]).sort(),
        [
          ['乙群', false, false, { keywordReplies: 0, wordLists: 0, admins: 0 }],
          ['甲群', true, true, { keywordReplies: 1, wordLists: 0, admins: 0 }],
        ],
      );
      const newcomer = await member(groupA, '新人甲');
      await botSays(newcomer, '甲群自己的欢迎');
      assert.ok(!newcomer.messages().some((x) => x.text.includes('模板欢迎') && x.text.includes('新人甲')), 'the template’s welcome is not sent as well');
      assert.equal(newcomer.frames.find((f) => f.type === 'ready').group.rules, '甲群群规');
      const inB = await member(groupB, '新人乙');
      assert.equal(inB.frames.find((f) => f.type === 'ready').group.rules, '模板群规：友善交流', 'a group without its own rules shows the template’s');

      const reset = await api.delete(`/api/v1/groups/${groupA.id}/welcome`);
      assert.equal(reset.status, 200, JSON.stringify(reset.body));
      assert.deepEqual([reset.body.ownWelcome, reset.body.welcome.template], [false, '模板欢迎 {nickname}']);
      assert.equal((await api.delete(`/api/v1/groups/${groupA.id}/welcome`)).status, 409, 'nothing of its own left to reset');
      await botSays(await member(groupA, '新人丙'), '模板欢迎');
      assert.equal((await api.get(`/api/v1/policies/${policy.id}/groups`)).body.items.find((g: any) => g.groupId === groupA.id).ownWelcome, false);
    });

    test('applied without resetting: a default welcome nobody edited gives way to the template’s; an edited one stays', async () => {
      const fresh = (await api.post('/api/v1/groups', { name: '新建群', rules: '' })).body;
      const edited = (await api.post('/api/v1/groups', { name: '自定义群', rules: '' })).body;
      assert.equal((await api.put(`/api/v1/groups/${edited.id}/welcome`, { enabled: true, template: '自己写的欢迎 {nickname}' })).status, 200);
      const applied = await api.post(`/api/v1/policies/${policy.id}/apply`, { groupIds: [fresh.id, edited.id] });
      assert.equal(applied.status, 200, JSON.stringify(applied.body));
      assert.deepEqual(applied.body.items.map((i: any) => [i.groupName, i.reset]), [
        ['新建群', ['welcome']],
        ['自定义群', []],
      ]);
      const [f, e] = await Promise.all([api.get(`/api/v1/groups/${fresh.id}`), api.get(`/api/v1/groups/${edited.id}`)]);
      assert.deepEqual([f.body.ownWelcome, f.body.welcome.template], [false, '模板欢迎 {nickname}']);
      assert.deepEqual([e.body.ownWelcome, e.body.welcome.template], [true, '自己写的欢迎 {nickname}']);
    });

    test('a group leaving the template loses its keyword reply, word list and admin; the other keeps them', async () => {
      const left = await api.put(`/api/v1/groups/${groupB.id}/settings`, { overrides: {}, policyId: null });
      assert.equal(left.status, 200, JSON.stringify(left.body));
      assert.deepEqual((await api.get(`/api/v1/admins?groupId=${groupB.id}`)).body.items, []);
      const m = await member(groupB, '留下的人');
      const history = new Set(m.messages().map((x) => x.id));
      m.say('价格呢');
      m.say('代写吗');
      m.say('结束');
      await waitFor(() => m.messages().find((x) => x.text === '结束'), 'the last message arrives');
      const boss = people[0]!;
      boss.close();
      boss.frames.length = 0;
      boss.groupId = groupB.id;
      await boss.connect();
      const target = await waitFor(() => boss.messages().find((x) => x.text === '结束'), 'seen by the former admin');
      boss.reply(target.id, '/warn 不算数');
      const plain = await waitFor(() => m.messages().find((x) => x.text === '/warn 不算数'), 'the command is plain text now');
      assert.ok(plain);
      m.say('价格');
      await waitFor(() => m.messages().find((x) => x.text === '价格' && !x.sender.isBot), 'arrives');
      // Give the engine the time it takes to answer elsewhere, then check nothing came.
      const inA = await member(groupA, '对照');
      inA.say('价格');
      await botSays(inA, '模板回复');
      const bot = m.messages().filter((x) => x.sender.isBot && !history.has(x.id)).map((x) => x.text);
      assert.ok(!bot.some((t) => t.includes('模板回复') || t.includes('不算数')), bot.join(' | '));
      assert.equal(m.frames.filter((f) => f.type === 'message_deleted').length, 0, 'the word is no longer blocked');
    });

    test('deleting a template deletes its welcome, keyword replies, word lists and admins', async () => {
      assert.equal((await api.delete(`/api/v1/policies/${policy.id}`)).status, 204);
      assert.equal((await api.get(`/api/v1/rules?policyId=${policy.id}`)).body.items.length, 0);
      assert.equal((await api.get(`/api/v1/word-lists?policyId=${policy.id}`)).body.items.length, 0);
      assert.equal((await api.get(`/api/v1/admins`)).body.items.length, 0);
      const a = (await api.get(`/api/v1/groups/${groupA.id}`)).body;
      assert.deepEqual([a.policy, a.ownWelcome, a.welcome.enabled], [null, false, false]);
    });
  });
}
