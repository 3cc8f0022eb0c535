// Shequn's own admin lists through the API, on both engines: per group and workspace-wide, adding
// twice is idempotent, the members list shows them as admins, bad input (other workspaces' ids,
// bots, another channel) is refused and changes nothing, roles, audit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createWorkspace } from '../../src/store/repos/accounts.ts';
import { addGroupAdmin, isGroupAdmin } from '../../src/store/repos/admins.ts';
import { createChannelAccount } from '../../src/store/repos/channels.ts';
import { createGroup } from '../../src/store/repos/groups.ts';
import { upsertIdentity } from '../../src/store/repos/people.ts';
import { ENGINES } from '../support/stores.ts';
import { ApiClient, Member, setupOwner, startTestServer, type ApiResponse, type TestServer } from '../support/server.ts';

function assertError(r: ApiResponse<any>, status: number, code: string, message?: RegExp) {
  assert.equal(r.status, status, `status ${r.status}: ${JSON.stringify(r.body)}`);
  assert.equal(r.body.error.code, code);
  if (message) assert.match(r.body.error.message, message);
}

for (const engine of ENGINES) {
  describe(`admin lists (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let groupA: any;
    let groupB: any;
    let alice: Member;
    let aliceIdentity: string;
    let groupAdmin: any;
    let wideAdmin: any;

    const members = async (groupId: string) => (await api.get(`/api/v1/groups/${groupId}/members`)).body.items as any[];
    const admins = async (groupId?: string) => (await api.get(`/api/v1/admins${groupId ? `?groupId=${groupId}` : ''}`)).body.items as any[];

    before(async () => {
      server = await startTestServer(engine);
      api = await setupOwner(server.url);
      groupA = (await api.post('/api/v1/groups', { name: '甲群' })).body;
      groupB = (await api.post('/api/v1/groups', { name: '乙群' })).body;
      alice = new Member(server.url);
      assert.equal((await alice.join(groupA.inviteUrl, '爱丽丝')).status, 201);
      const [m] = await members(groupA.id);
      assert.equal(m.displayName, '爱丽丝');
      assert.equal(m.role, 'member');
      aliceIdentity = m.identityId;
    });
    after(async () => server?.destroy());

    test('no admins at first', async () => {
      assert.deepEqual(await admins(), []);
      assert.deepEqual(await admins(groupA.id), []);
    });

    test('a member becomes admin of a group (201); adding again returns the same admin (200); the members list says admin', async () => {
      const r = await api.post('/api/v1/admins', { identityId: aliceIdentity, groupId: groupA.id });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      groupAdmin = r.body;
      assert.equal(groupAdmin.groupId, groupA.id);
      assert.equal(groupAdmin.identityId, aliceIdentity);
      assert.equal(groupAdmin.name, '爱丽丝');
      assert.equal(groupAdmin.platformUserId, alice.platformUserId);
      assert.equal(groupAdmin.addedBy, '群主');
      const again = await api.post('/api/v1/admins', { identityId: aliceIdentity, groupId: groupA.id });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, groupAdmin);
      assert.deepEqual(await admins(groupA.id), [groupAdmin]);
      assert.deepEqual(await admins(groupB.id), [], 'a group’s admin is not an admin elsewhere');
      assert.equal((await members(groupA.id))[0].role, 'admin');
      assert.ok(await isGroupAdmin(server.rt.store.db, groupA.id, aliceIdentity));
      assert.ok(!(await isGroupAdmin(server.rt.store.db, groupB.id, aliceIdentity)));
      const audit = (await api.get('/api/v1/audit-log')).body.items.filter((e: any) => e.action === 'admin.add');
      assert.equal(audit.length, 1, 'the repeat changed nothing and was not audited');
      assert.match(audit[0].summary, /爱丽丝 an admin of 甲群/);
    });

    test('a workspace-wide admin is listed for every group', async () => {
      const r = await api.post('/api/v1/admins', { identityId: aliceIdentity });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      wideAdmin = r.body;
      assert.equal(wideAdmin.groupId, null);
      assert.deepEqual(await admins(groupB.id), [wideAdmin]);
      assert.deepEqual(new Set((await admins(groupA.id)).map((x) => x.id)), new Set([groupAdmin.id, wideAdmin.id]));
      assert.equal((await admins()).length, 2);
      assert.ok(await isGroupAdmin(server.rt.store.db, groupB.id, aliceIdentity));
      const bob = new Member(server.url);
      assert.equal((await bob.join(groupB.inviteUrl, '鲍勃')).status, 201);
      assert.equal((await alice.join(groupB.inviteUrl, '爱丽丝')).status, 201);
      const roles = Object.fromEntries((await members(groupB.id)).map((m) => [m.displayName, m.role]));
      assert.deepEqual(roles, { 爱丽丝: 'admin', 鲍勃: 'member' });
    });

    test('bad input is refused and adds nothing', async () => {
      const db = server.rt.store.db;
      const now = Date.now();
      const ws = await createWorkspace(db, { name: '别人的工作区', timezone: 'Asia/Shanghai', locale: 'zh-CN', now });
      const theirAccount = await createChannelAccount(db, { workspaceId: ws.id, kind: 'webchat', name: 'other', config: {}, now });
      const theirGroup = await createGroup(db, { workspaceId: ws.id, channelAccountId: theirAccount.id, name: '别人的群', rules: '', inviteCode: null, now });
      const stranger = await upsertIdentity(db, { workspaceId: ws.id, channelAccountId: theirAccount.id, platformUserId: 'stranger', displayName: '陌生人', isBot: false, now });
      const theirAdmin = await addGroupAdmin(db, { workspaceId: ws.id, groupId: null, identityId: stranger.id, addedByName: '别人', now });
      const myAccount = (await db.selectFrom('channel_accounts').select('workspace_id').where('id', '=', groupA.channelAccountId).executeTakeFirstOrThrow()).workspace_id;
      const otherChannel = await createChannelAccount(db, { workspaceId: myAccount, kind: 'webchat', name: '第二个网页社群', config: {}, now });
      const elsewhere = await upsertIdentity(db, { workspaceId: myAccount, channelAccountId: otherChannel.id, platformUserId: 'elsewhere', displayName: '别处的人', isBot: false, now });
      const bot = await upsertIdentity(db, { workspaceId: myAccount, channelAccountId: groupA.channelAccountId, platformUserId: 'the-bot', displayName: '机器人', isBot: true, now });
      const before = await admins();

      assertError(await api.post('/api/v1/admins', { identityId: 'nope', groupId: groupA.id }), 404, 'not_found', /identity/);
      assertError(await api.post('/api/v1/admins', { identityId: stranger.id }), 404, 'not_found', /identity/);
      assertError(await api.post('/api/v1/admins', { identityId: aliceIdentity, groupId: theirGroup.id }), 404, 'not_found', /group/);
      assertError(await api.post('/api/v1/admins', { identityId: aliceIdentity, groupId: 'nope' }), 404, 'not_found', /group/);
      assertError(await api.post('/api/v1/admins', { identityId: bot.id, groupId: groupA.id }), 422, 'is_bot');
      assertError(await api.post('/api/v1/admins', { identityId: elsewhere.id, groupId: groupA.id }), 422, 'wrong_channel', /甲群/);
      assertError(await api.post('/api/v1/admins', { identityId: aliceIdentity, group: groupB.id }), 400, 'invalid_request', /group/);
      assertError(await api.post('/api/v1/admins', { groupId: groupA.id }), 400, 'invalid_request', /identityId/);
      assertError(await api.get(`/api/v1/admins?groupId=${theirGroup.id}`), 404, 'not_found');
      assertError(await api.delete(`/api/v1/admins/${theirAdmin.row.id}`), 404, 'not_found');
      assertError(await api.delete('/api/v1/admins/nope'), 404, 'not_found');

      assert.deepEqual(await admins(), before);
      assert.ok(!before.some((x) => x.id === theirAdmin.row.id), 'another workspace’s admins are not listed');
      assert.ok(await isGroupAdmin(db, theirGroup.id, stranger.id), 'their admin is still there');
    });

    test('removing: the member is no longer admin there; removing again is 404', async () => {
      assert.equal((await api.delete(`/api/v1/admins/${wideAdmin.id}`)).status, 204);
      assert.deepEqual(await admins(groupB.id), []);
      assert.equal((await members(groupB.id)).find((m) => m.displayName === '爱丽丝').role, 'member');
      assert.equal((await members(groupA.id)).find((m) => m.displayName === '爱丽丝').role, 'admin', 'still the group’s own admin');
      assert.equal((await api.delete(`/api/v1/admins/${groupAdmin.id}`)).status, 204);
      assert.equal((await members(groupA.id)).find((m) => m.displayName === '爱丽丝').role, 'member');
      assertError(await api.delete(`/api/v1/admins/${groupAdmin.id}`), 404, 'not_found');
      assert.ok(!(await isGroupAdmin(server.rt.store.db, groupA.id, aliceIdentity)));
      const removed = (await api.get('/api/v1/audit-log')).body.items.filter((e: any) => e.action === 'admin.remove').map((e: any) => e.summary);
      assert.deepEqual(removed, ['爱丽丝 is no longer an admin of 甲群', '爱丽丝 is no longer an admin of every group']);
    });

    test('viewers and moderators read the lists; operators manage them', async () => {
      for (const role of ['viewer', 'moderator', 'operator'] as const) {
        assert.equal((await api.post('/api/v1/team', { email: `${role}@example.com`, name: role, password: `${role}-password-1`, role })).status, 201);
      }
      const as = async (role: string) => {
        const c = new ApiClient(server.url);
        await c.post('/api/v1/auth/login', { email: `${role}@example.com`, password: `${role}-password-1` });
        return c;
      };
      for (const role of ['viewer', 'moderator']) {
        const c = await as(role);
        assert.equal((await c.get(`/api/v1/admins?groupId=${groupA.id}`)).status, 200);
        assertError(await c.post('/api/v1/admins', { identityId: aliceIdentity, groupId: groupA.id }), 403, 'forbidden');
      }
      const op = await as('operator');
      const added = await op.post('/api/v1/admins', { identityId: aliceIdentity, groupId: groupA.id });
      assert.equal(added.status, 201);
      assert.equal(added.body.addedBy, 'operator');
      assertError(await (await as('moderator')).delete(`/api/v1/admins/${added.body.id}`), 403, 'forbidden');
      assert.equal((await op.delete(`/api/v1/admins/${added.body.id}`)).status, 204);
    });
  });
}
