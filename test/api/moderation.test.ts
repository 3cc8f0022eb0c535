// Moderators act from the console: delete a message, remove a member. On both engines.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../support/stores.ts';
import { ApiClient, Member, setupOwner, startTestServer, waitFor, type TestServer } from '../support/server.ts';

for (const engine of ENGINES) {
  describe(`moderation actions (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let group: any;
    let alice: Member;
    let bob: Member;

    before(async () => {
      server = await startTestServer(engine);
      api = await setupOwner(server.url);
      group = (await api.post('/api/v1/groups', { name: '管理测试群', rules: '禁止广告' })).body;
      alice = new Member(server.url);
      bob = new Member(server.url);
      await alice.join(group.inviteUrl, '小红');
      await bob.join(group.inviteUrl, '广告哥');
      await alice.connect();
      await bob.connect();
    });
    after(async () => {
      alice?.close();
      bob?.close();
      await server?.destroy();
    });

    test('the web community declares it can delete messages and remove members', async () => {
      const accounts = await api.get('/api/v1/channel-accounts');
      const caps = accounts.body.items[0].capabilities;
      assert.equal(caps.deleteMessage, true);
      assert.equal(caps.kick, true);
    });

    test('a deleted message disappears for members, stays visible to operators as evidence, and is audited', async () => {
      bob.say('周末特价团购 私聊我');
      const ad = await waitFor(() => alice.messages().find((m) => m.text.includes('特价团购')), 'alice sees the ad');
      const del = await api.post(`/api/v1/groups/${group.id}/messages/${ad.id}/delete`);
      assert.equal(del.status, 202, JSON.stringify(del.body));
      await waitFor(() => alice.frames.find((f) => f.type === 'message_deleted' && f.messageId === ad.id), 'alice is told it was deleted');
      await waitFor(() => bob.frames.find((f) => f.type === 'message_deleted' && f.messageId === ad.id), 'bob is told too');

      const memberView = await fetch(`${server.url}/api/v1/webchat/groups/${group.id}/messages`, { headers: { authorization: `Bearer ${alice.token}` } }).then((r) => r.json());
      const seen = memberView.items.find((m: any) => m.id === ad.id);
      assert.equal(seen.text, '', 'members no longer get the text');
      assert.ok(seen.deletedAt);
      const operatorView = await api.get(`/api/v1/groups/${group.id}/messages`);
      const evidence = operatorView.body.items.find((m: any) => m.id === ad.id);
      assert.ok(evidence.text.includes('特价团购'), 'operators keep the evidence');
      assert.ok(evidence.deletedAt);

      const again = await api.post(`/api/v1/groups/${group.id}/messages/${ad.id}/delete`);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'already_deleted');
      const audit = await api.get('/api/v1/audit-log');
      assert.ok(audit.body.items.some((e: any) => e.action === 'message.delete' && e.targetId === ad.id));
    });

    test('unknown messages and members are 404; members of another group cannot be acted on', async () => {
      assert.equal((await api.post(`/api/v1/groups/${group.id}/messages/nope/delete`)).status, 404);
      assert.equal((await api.post(`/api/v1/groups/${group.id}/members/nope/remove`)).status, 404);
      const other = (await api.post('/api/v1/groups', { name: '另一个群' })).body;
      const members = await api.get(`/api/v1/groups/${group.id}/members`);
      const someone = members.body.items[0];
      assert.equal((await api.post(`/api/v1/groups/${other.id}/members/${someone.id}/remove`)).status, 404);
    });

    test('a removed member is disconnected, cannot post, and can come back through the invite link', async () => {
      const members = await api.get(`/api/v1/groups/${group.id}/members`);
      const row = members.body.items.find((m: any) => m.platformUserId === bob.platformUserId);
      const closed = new Promise<number>((resolve) => bob.ws?.addEventListener('close', (e) => resolve(e.code)));
      const removed = await api.post(`/api/v1/groups/${group.id}/members/${row.id}/remove`);
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.deepEqual([removed.body.case.kind, removed.body.case.action, removed.body.case.actor], ['manual', 'kick', '群主']);
      assert.equal(await closed, 4403, 'bob’s socket is closed as not a member');
      await waitFor(() => alice.frames.find((f) => f.type === 'member_left' && f.platformUserId === bob.platformUserId), 'alice sees bob go');
      const after1 = await api.get(`/api/v1/groups/${group.id}/members`);
      assert.equal(after1.body.items.find((m: any) => m.id === row.id).status, 'removed');
      const twice = await api.post(`/api/v1/groups/${group.id}/members/${row.id}/remove`);
      assert.equal(twice.status, 409);
      const history = await fetch(`${server.url}/api/v1/webchat/groups/${group.id}/messages`, { headers: { authorization: `Bearer ${bob.token}` } });
      assert.equal(history.status, 403);
      const audit = await api.get('/api/v1/audit-log');
      assert.ok(audit.body.items.some((e: any) => e.action === 'member.kick' && e.targetId === row.id));

      const back = await bob.join(group.inviteUrl, '广告哥');
      assert.equal(back.status, 201);
      await bob.connect();
      await waitFor(() => alice.messages().find((m) => m.sender.isBot && m.text.includes('@广告哥') && m.text.includes('欢迎')), 'a returning member is welcomed again');
    });

    test('a viewer cannot delete or remove', async () => {
      await api.post('/api/v1/team', { email: 'viewer@example.com', name: '观察员', password: 'viewer-password-1', role: 'viewer' });
      const viewer = new ApiClient(server.url);
      await viewer.post('/api/v1/auth/login', { email: 'viewer@example.com', password: 'viewer-password-1' });
      const log = await viewer.get(`/api/v1/groups/${group.id}/messages`);
      const target = log.body.items.find((m: any) => m.deletedAt === null);
      const del = await viewer.post(`/api/v1/groups/${group.id}/messages/${target.id}/delete`);
      assert.equal(del.status, 403);
      assert.equal(del.body.error.code, 'forbidden');
      const members = await viewer.get(`/api/v1/groups/${group.id}/members`);
      const rem = await viewer.post(`/api/v1/groups/${group.id}/members/${members.body.items[0].id}/remove`);
      assert.equal(rem.status, 403);
      const still = await api.get(`/api/v1/groups/${group.id}/messages`);
      assert.equal(still.body.items.find((m: any) => m.id === target.id).deletedAt, null, 'nothing changed');
    });
  });
}
