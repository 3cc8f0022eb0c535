// The foundation's user story through the public API, on the embedded store and on PostgreSQL:
// owner sets up → group with rules, welcome and a keyword reply → a member joins through the
// invite link and is welcomed with an @mention → keyword reply → history survives a restart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../support/stores.ts';
import { ApiClient, immediateWelcome, Member, setupOwner, startTestServer, waitFor, type TestServer } from '../support/server.ts';

for (const engine of ENGINES) {
  describe(`user story (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let group: any;
    const members: Member[] = [];

    before(async () => {
      server = await startTestServer(engine);
      api = await setupOwner(server.url);
    });
    after(async () => {
      for (const m of members) m.close();
      await server?.destroy();
    });

    test('the owner creates a group with rules, a welcome and a keyword reply', async () => {
      const created = await api.post('/api/v1/groups', { name: '读书会 1 群', rules: '1. 友善交流\n2. 禁止广告' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      group = created.body;
      // This story is about what a welcome says; when it goes out is test/api/welcome.test.ts's.
      await immediateWelcome(server.rt.store.db, group.id);
      assert.equal(group.channelKind, 'webchat');
      assert.match(group.inviteUrl, /\/join\/[\w-]+$/);
      assert.equal(group.welcome.enabled, true, 'a new group has the default welcome');

      const welcome = await api.put(`/api/v1/groups/${group.id}/welcome`, { enabled: true, template: '欢迎 {nickname} 加入{group}！群规：\n{rules}' });
      assert.equal(welcome.status, 200, JSON.stringify(welcome.body));

      const rule = await api.post('/api/v1/rules', {
        groupId: group.id,
        name: '资料',
        trigger: { type: 'message', scope: 'any' },
        conditions: [{ type: 'keyword', keywords: ['资料'], mode: 'contains' }],
        actions: [{ type: 'reply', template: '资料在这里：https://example.com/pack', mention: true, quote: true }],
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
      const rules = await api.get(`/api/v1/rules?groupId=${group.id}`);
      assert.deepEqual(rules.body.items.map((r: any) => r.preset).sort(), ['keyword_reply', 'welcome']);
    });

    test('a member joins through the invite link and is welcomed with an @mention and the rules', async () => {
      const info = await fetch(`${server.url}/api/v1/webchat/invites/${group.inviteUrl.split('/').pop()}`).then((r) => r.json());
      assert.equal(info.group.name, '读书会 1 群');
      const alice = new Member(server.url);
      members.push(alice);
      const joined = await alice.join(group.inviteUrl, '小红');
      assert.equal(joined.status, 201, JSON.stringify(joined.body));
      await alice.connect();
      const welcome = await waitFor(() => alice.messages().find((m) => m.sender.isBot && m.text.includes('欢迎')), 'the welcome');
      assert.match(welcome.text, /^@小红 |欢迎 @小红 /);
      assert.ok(welcome.text.includes('禁止广告'), 'the welcome shows the rules');
      const mention = welcome.mentions.find((m: any) => m.platformUserId === alice.platformUserId);
      assert.ok(mention, 'the welcome mentions the member');
      assert.equal(welcome.text.slice(mention.offset, mention.offset + mention.length), '@小红');
    });

    test('the keyword gets its reply, quoting the member; a re-sent frame is not stored twice', async () => {
      const alice = members[0]!;
      const id = alice.say('请问有资料吗？');
      const reply = await waitFor(() => alice.messages().find((m) => m.sender.isBot && m.text.includes('example.com/pack')), 'the keyword reply');
      const asked = alice.messages().find((m) => m.text === '请问有资料吗？');
      assert.ok(asked);
      assert.equal(reply.replyToId, asked.id, 'the reply quotes the question');
      assert.ok(reply.text.startsWith('@小红'), 'the reply mentions the member');

      alice.say('请问有资料吗？', id); // the same frame again, as after a reconnect
      await waitFor(() => alice.frames.filter((f) => f.type === 'ack' && f.clientMessageId === id).length === 2, 'second ack');
      const log = await api.get(`/api/v1/groups/${group.id}/messages`);
      assert.equal(log.body.items.filter((m: any) => m.text === '请问有资料吗？').length, 1);
      assert.equal(log.body.items.filter((m: any) => m.text.includes('example.com/pack')).length, 1, 'one reply only');
    });

    test('two members chat in real time with @mentions; the operator sees members and profiles', async () => {
      const alice = members[0]!;
      const bob = new Member(server.url);
      members.push(bob);
      await bob.join(group.inviteUrl, '<img src=x onerror=alert(1)>');
      await bob.connect();
      await waitFor(() => alice.frames.find((f) => f.type === 'member_joined' && f.member.platformUserId === bob.platformUserId), 'alice sees bob join');
      bob.say('@小红 你好', undefined, [{ platformUserId: alice.platformUserId, offset: 0, length: 3 }]);
      const seen = await waitFor(() => alice.messages().find((m) => m.text === '@小红 你好'), 'alice gets bob’s message');
      assert.equal(seen.sender.name, '<img src=x onerror=alert(1)>', 'names are data, stored as typed');
      assert.deepEqual(seen.mentions, [{ platformUserId: alice.platformUserId, offset: 0, length: 3 }]);

      const list = await api.get(`/api/v1/groups/${group.id}/members`);
      assert.equal(list.body.total, 2);
      const aliceRow = list.body.items.find((m: any) => m.displayName === '小红');
      const profile = await api.get(`/api/v1/contacts/${aliceRow.contactId}`);
      assert.equal(profile.status, 200);
      assert.equal(profile.body.memberships[0].groupName, '读书会 1 群');
      assert.ok(profile.body.recentMessages.some((m: any) => m.text === '请问有资料吗？'));
      const groups = await api.get('/api/v1/groups');
      assert.equal(groups.body.items[0].memberCount, 2);
    });

    test('a member leaves, cannot post any more, and comes back through the invite link with a new welcome', async () => {
      const bob = members[1]!;
      const alice = members[0]!;
      const closed = new Promise<number>((resolve) => bob.ws?.addEventListener('close', (e) => resolve(e.code)));
      const left = await fetch(`${server.url}/api/v1/webchat/groups/${group.id}/leave`, { method: 'POST', headers: { authorization: `Bearer ${bob.token}` } });
      assert.equal(left.status, 204);
      await waitFor(() => alice.frames.find((f) => f.type === 'member_left' && f.platformUserId === bob.platformUserId), 'alice sees bob leave');
      assert.equal(await closed, 4403, 'bob’s open chat is closed as not a member');
      const again0 = await fetch(`${server.url}/api/v1/webchat/groups/${group.id}/messages`, { headers: { authorization: `Bearer ${bob.token}` } });
      assert.equal(again0.status, 403, 'no more history either');
      const members1 = await api.get(`/api/v1/groups/${group.id}/members`);
      assert.equal(members1.body.items.find((m: any) => m.platformUserId === bob.platformUserId).status, 'left');
      const again = await bob.join(group.inviteUrl, 'Bob');
      assert.equal(again.status, 201);
      assert.equal(again.body.member.platformUserId, bob.platformUserId, 'the same member comes back with their token');
      await waitFor(() => alice.messages().find((m) => m.sender.isBot && m.text.includes('@Bob')), 'a new welcome for the returning member');
    });

    test('after a restart everything is still there', async () => {
      for (const m of members) m.close();
      await server.close();
      server = await startTestServer(engine, { store: server.store });
      const again = new ApiClient(server.url);
      const login = await again.post('/api/v1/auth/login', { email: 'owner@example.com', password: 'correct horse battery' });
      assert.equal(login.status, 200);
      const g = await again.get(`/api/v1/groups/${group.id}`);
      assert.equal(g.body.rules, '1. 友善交流\n2. 禁止广告');
      assert.match(g.body.welcome.template, /\{nickname\}/);
      const log = await again.get(`/api/v1/groups/${group.id}/messages`);
      assert.ok(log.body.items.some((m: any) => m.text === '@小红 你好'));
      // The keyword rule still answers after the restart.
      const alice = members[0]!;
      const back = new Member(server.url);
      Object.assign(back, { token: alice.token, groupId: alice.groupId, platformUserId: alice.platformUserId });
      members.push(back);
      await back.connect();
      back.say('资料');
      await waitFor(() => back.messages().find((m) => m.sender.isBot && m.text.includes('example.com/pack')), 'keyword reply after restart');
    });
  });
}
