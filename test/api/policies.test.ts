// Group settings and policy templates through the API, on both engines: a group's overrides over
// its template over the defaults, strict validation naming the field, templates applied to many
// groups with what changed, which groups differ, deleting a template, the lockdown, other
// workspaces' ids, roles and audit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_GROUP_SETTINGS } from '../../src/shared/group-settings.ts';
import { createWorkspace } from '../../src/store/repos/accounts.ts';
import { createChannelAccount } from '../../src/store/repos/channels.ts';
import { createGroup } from '../../src/store/repos/groups.ts';
import { createPolicy } from '../../src/store/repos/policies.ts';
import { ENGINES } from '../support/stores.ts';
import { ApiClient, setupOwner, startTestServer, type ApiResponse, type TestServer } from '../support/server.ts';

function assertError(r: ApiResponse<any>, status: number, code: string, message?: RegExp) {
  assert.equal(r.status, status, `status ${r.status}: ${JSON.stringify(r.body)}`);
  assert.equal(r.body.error.code, code);
  if (message) assert.match(r.body.error.message, message);
}

/** A group made through the API has its own (default) welcome and nothing else of its own. */
const NOTHING_ELSE_OWN = { ownWelcome: true, ownRules: false, own: { keywordReplies: 0, wordLists: 0, admins: 0 } };

for (const engine of ENGINES) {
  describe(`group settings and policy templates (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let g1: any;
    let g2: any;
    let g3: any;
    let strict: any;

    before(async () => {
      server = await startTestServer(engine);
      api = await setupOwner(server.url);
      g1 = (await api.post('/api/v1/groups', { name: '一群' })).body;
      g2 = (await api.post('/api/v1/groups', { name: '二群' })).body;
      g3 = (await api.post('/api/v1/groups', { name: '三群' })).body;
    });
    after(async () => server?.destroy());

    test('a new group has the defaults, no template, nothing overridden, no lockdown', async () => {
      const r = await api.get(`/api/v1/groups/${g1.id}/settings`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { effective: DEFAULT_GROUP_SETTINGS, base: DEFAULT_GROUP_SETTINGS, overrides: {}, policy: null, differs: [], lockedUntil: null });
    });

    test('a group’s own overrides change what is in force, field by field', async () => {
      const r = await api.put(`/api/v1/groups/${g1.id}/settings`, { overrides: { flood: { maxMessages: 5 }, ads: { allowDomains: ['Example.COM', '*.shequn.dev'] }, joinGate: {} } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.effective.flood.maxMessages, 5);
      assert.equal(r.body.effective.flood.perSeconds, DEFAULT_GROUP_SETTINGS.flood.perSeconds, 'the rest of the section keeps the default');
      assert.deepEqual(r.body.effective.ads.allowDomains, ['example.com', '*.shequn.dev'], 'domains are normalised');
      assert.deepEqual(r.body.overrides, { flood: { maxMessages: 5 }, ads: { allowDomains: ['example.com', '*.shequn.dev'] } }, 'an empty section is not kept');
      assert.deepEqual(r.body.differs, ['ads.allowDomains', 'flood.maxMessages']);
      assert.deepEqual((await api.get(`/api/v1/groups/${g1.id}/settings`)).body, r.body, 'read back as saved');
      const audit = (await api.get('/api/v1/audit-log')).body.items.find((e: any) => e.action === 'group.settings');
      assert.equal(audit.targetId, g1.id);
      assert.match(audit.summary, /一群.*ads\.allowDomains, flood\.maxMessages/);
    });

    test('invalid overrides are refused with the path of the field, and change nothing', async () => {
      const before = (await api.get(`/api/v1/groups/${g1.id}/settings`)).body;
      const cases: [unknown, RegExp][] = [
        [{ overrides: { flood: { maxMesages: 3 } } }, /\/overrides\/flood.*maxMesages/],
        [{ overrides: { floods: { maxMessages: 3 } } }, /\/overrides.*floods/],
        [{ overrides: { flood: { maxMessages: '3' } } }, /\/overrides\/flood\/maxMessages/],
        [{ overrides: { flood: { maxMessages: 1 } } }, /\/overrides\/flood\/maxMessages/],
        [{ overrides: { flood: { action: 'explode' } } }, /\/overrides\/flood\/action/],
        [{ overrides: { ads: { allowDomains: ['not a domain'] } } }, /\/overrides\/ads\/allowDomains\/0 .*domain/],
        [{ overrides: { warnings: { expireDays: 2.5 } } }, /\/overrides\/warnings\/expireDays/],
        [{ overrides: {}, policyID: 'x' }, /policyID/],
        [{ policyId: null }, /\/overrides/],
      ];
      for (const [body, message] of cases) assertError(await api.put(`/api/v1/groups/${g1.id}/settings`, body), 400, 'invalid_request', message);
      assertError(await api.put(`/api/v1/groups/${g1.id}/settings`, { overrides: {}, policyId: 'no-such-policy' }), 404, 'not_found', /policy/);
      assert.deepEqual((await api.get(`/api/v1/groups/${g1.id}/settings`)).body, before);
    });

    test('a template: created with what it sets, refused when invalid or its name is taken', async () => {
      const r = await api.post('/api/v1/policies', { name: '严格模板', settings: { flood: { maxMessages: 4, perSeconds: 5 }, raid: {} } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      strict = r.body;
      assert.deepEqual(strict.settings, { flood: { maxMessages: 4, perSeconds: 5 } });
      assert.equal(strict.groupCount, 0);
      assertError(await api.post('/api/v1/policies', { name: '严格模板', settings: {} }), 409, 'name_taken');
      assertError(await api.post('/api/v1/policies', { name: '坏模板', settings: { flood: { perMinute: 3 } } }), 400, 'invalid_request', /\/settings\/flood.*perMinute/);
      assertError(await api.post('/api/v1/policies', { name: '坏模板', settings: {}, groups: [] }), 400, 'invalid_request', /groups/);
      assertError(await api.post('/api/v1/policies', { name: ' ', settings: {} }), 400, 'invalid_request', /\/name/);
      assert.deepEqual((await api.get('/api/v1/policies')).body.items.map((p: any) => p.name), ['严格模板']);
    });

    test('applying a template to two groups says what changed in each and where each still differs', async () => {
      const r = await api.post(`/api/v1/policies/${strict.id}/apply`, { groupIds: [g1.id, g2.id, g1.id] });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.items, [
        { groupId: g1.id, groupName: '一群', previousPolicy: null, changed: ['flood.perSeconds'], reset: [], differs: ['ads.allowDomains', 'flood.maxMessages'] },
        { groupId: g2.id, groupName: '二群', previousPolicy: null, changed: ['flood.maxMessages', 'flood.perSeconds'], reset: [], differs: [] },
      ]);
      const s2 = (await api.get(`/api/v1/groups/${g2.id}/settings`)).body;
      assert.deepEqual(s2.policy, { id: strict.id, name: '严格模板' });
      assert.equal(s2.effective.flood.maxMessages, 4);
      assert.equal(s2.base.flood.maxMessages, 4);
      const s1 = (await api.get(`/api/v1/groups/${g1.id}/settings`)).body;
      assert.equal(s1.effective.flood.maxMessages, 5, 'the group’s own override wins over the template');
      assert.equal(s1.base.flood.maxMessages, 4);
      assert.equal(s1.effective.flood.perSeconds, 5);

      const groups = await api.get(`/api/v1/policies/${strict.id}/groups`);
      assert.deepEqual(groups.body.items, [
        { groupId: g1.id, groupName: '一群', overrides: ['ads.allowDomains', 'flood.maxMessages'], differs: ['ads.allowDomains', 'flood.maxMessages'], ...NOTHING_ELSE_OWN },
        { groupId: g2.id, groupName: '二群', overrides: [], differs: [], ...NOTHING_ELSE_OWN },
      ]);
      assert.equal((await api.get(`/api/v1/policies/${strict.id}`)).body.groupCount, 2);
    });

    test('an override equal to the template is kept but does not differ; editing the template reaches the groups', async () => {
      await api.put(`/api/v1/groups/${g2.id}/settings`, { overrides: { flood: { perSeconds: 5 } } });
      const edited = await api.put(`/api/v1/policies/${strict.id}`, { name: '严格模板', settings: { flood: { maxMessages: 3, perSeconds: 6 } } });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.deepEqual(edited.body.settings, { flood: { maxMessages: 3, perSeconds: 6 } });
      const s2 = (await api.get(`/api/v1/groups/${g2.id}/settings`)).body;
      assert.equal(s2.effective.flood.maxMessages, 3, 'the template’s new value');
      assert.equal(s2.effective.flood.perSeconds, 5, 'the group’s override');
      assert.deepEqual(s2.differs, ['flood.perSeconds']);
      const groups = (await api.get(`/api/v1/policies/${strict.id}/groups`)).body.items;
      assert.deepEqual(groups.find((g: any) => g.groupId === g2.id), { groupId: g2.id, groupName: '二群', overrides: ['flood.perSeconds'], differs: ['flood.perSeconds'], ...NOTHING_ELSE_OWN });
      const audit = (await api.get('/api/v1/audit-log')).body.items.find((e: any) => e.action === 'policy.update');
      assert.match(audit.summary, /flood\.maxMessages, flood\.perSeconds for 2 groups/);
    });

    test('PUT without policyId keeps the template; resetting a field makes the group follow the template again', async () => {
      const r = await api.put(`/api/v1/groups/${g2.id}/settings`, { overrides: {} });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.policy, { id: strict.id, name: '严格模板' });
      assert.deepEqual(r.body.differs, []);
      assert.equal(r.body.effective.flood.perSeconds, 6);
    });

    test('applying with resetOverrides drops the groups’ overrides; moving from another template names it', async () => {
      const loose = (await api.post('/api/v1/policies', { name: '宽松模板', settings: { flood: { maxMessages: 20 } } })).body;
      await api.post(`/api/v1/policies/${loose.id}/apply`, { groupIds: [g3.id] });
      const r = await api.post(`/api/v1/policies/${strict.id}/apply`, { groupIds: [g1.id, g3.id], resetOverrides: true });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const [one, three] = r.body.items;
      assert.deepEqual(one.reset, ['ads.allowDomains', 'flood.maxMessages']);
      assert.deepEqual(one.changed, ['ads.allowDomains', 'flood.maxMessages'], 'it already followed the template: only the dropped overrides change');
      assert.deepEqual(one.differs, []);
      assert.deepEqual(three.previousPolicy, { id: loose.id, name: '宽松模板' });
      assert.deepEqual(three.changed, ['flood.maxMessages', 'flood.perSeconds']);
      assert.deepEqual((await api.get(`/api/v1/groups/${g1.id}/settings`)).body.overrides, {});
      assert.equal((await api.get(`/api/v1/policies/${loose.id}`)).body.groupCount, 0);
      assertError(await api.post(`/api/v1/policies/${strict.id}/apply`, { groupIds: [] }), 400, 'invalid_request', /groupIds/);
    });

    test('choosing no template (policyId null) detaches the group', async () => {
      const r = await api.put(`/api/v1/groups/${g3.id}/settings`, { overrides: { invites: { onlyAdmins: true } }, policyId: null });
      assert.equal(r.status, 200);
      assert.equal(r.body.policy, null);
      assert.deepEqual(r.body.base, DEFAULT_GROUP_SETTINGS);
      assert.deepEqual(r.body.differs, ['invites.onlyAdmins']);
      const back = await api.put(`/api/v1/groups/${g3.id}/settings`, { overrides: { invites: { onlyAdmins: true } }, policyId: strict.id });
      assert.deepEqual(back.body.policy, { id: strict.id, name: '严格模板' });
    });

    test('deleting a template detaches its groups, which keep their own overrides', async () => {
      const temp = (await api.post('/api/v1/policies', { name: '临时模板', settings: { welcome: { batchSeconds: 0 } } })).body;
      await api.post(`/api/v1/policies/${temp.id}/apply`, { groupIds: [g3.id] });
      assert.equal((await api.get(`/api/v1/groups/${g3.id}/settings`)).body.effective.welcome.batchSeconds, 0);
      assert.equal((await api.delete(`/api/v1/policies/${temp.id}`)).status, 204);
      assertError(await api.get(`/api/v1/policies/${temp.id}`), 404, 'not_found');
      const s3 = (await api.get(`/api/v1/groups/${g3.id}/settings`)).body;
      assert.equal(s3.policy, null);
      assert.deepEqual(s3.overrides, { invites: { onlyAdmins: true } });
      assert.equal(s3.effective.welcome.batchSeconds, DEFAULT_GROUP_SETTINGS.welcome.batchSeconds);
      const audit = (await api.get('/api/v1/audit-log')).body.items.find((e: any) => e.action === 'policy.delete');
      assert.match(audit.summary, /临时模板; 1 groups/);
    });

    test('a lockdown shows until it ends; unlocking ends it early, once', async () => {
      const db = server.rt.store.db;
      const until = Date.now() + 600_000;
      await db.updateTable('groups').set({ locked_until: until }).where('id', '=', g2.id).execute();
      assert.equal((await api.get(`/api/v1/groups/${g2.id}/settings`)).body.lockedUntil, until);
      const r = await api.post(`/api/v1/groups/${g2.id}/settings/unlock`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.lockedUntil, null);
      assert.equal((await db.selectFrom('groups').select('locked_until').where('id', '=', g2.id).executeTakeFirstOrThrow()).locked_until, null);
      assertError(await api.post(`/api/v1/groups/${g2.id}/settings/unlock`), 409, 'not_locked');
      await db.updateTable('groups').set({ locked_until: Date.now() - 1000 }).where('id', '=', g2.id).execute();
      assert.equal((await api.get(`/api/v1/groups/${g2.id}/settings`)).body.lockedUntil, null, 'a lockdown that has ended is not shown');
      assertError(await api.post(`/api/v1/groups/${g2.id}/settings/unlock`), 409, 'not_locked');
      assert.ok((await api.get('/api/v1/audit-log')).body.items.some((e: any) => e.action === 'group.unlock' && e.targetId === g2.id));
    });

    test('another workspace’s groups and templates are invisible: 404, and nothing changes', async () => {
      const db = server.rt.store.db;
      const now = Date.now();
      const ws = await createWorkspace(db, { name: '别人的工作区', timezone: 'Asia/Shanghai', locale: 'zh-CN', now });
      const acc = await createChannelAccount(db, { workspaceId: ws.id, kind: 'webchat', name: 'other', config: {}, now });
      const foreign = await createGroup(db, { workspaceId: ws.id, channelAccountId: acc.id, name: '别人的群', rules: '', inviteCode: null, now });
      const theirs = await createPolicy(db, { workspaceId: ws.id, name: '别人的模板', settings: '{"flood":{"maxMessages":50}}', now });
      const mine = (await api.get(`/api/v1/groups/${g1.id}/settings`)).body;

      assertError(await api.get(`/api/v1/groups/${foreign.id}/settings`), 404, 'not_found', /group/);
      assertError(await api.put(`/api/v1/groups/${foreign.id}/settings`, { overrides: {} }), 404, 'not_found', /group/);
      assertError(await api.post(`/api/v1/groups/${foreign.id}/settings/unlock`), 404, 'not_found', /group/);
      assertError(await api.put(`/api/v1/groups/${g1.id}/settings`, { overrides: {}, policyId: theirs.id }), 404, 'not_found', /policy/);
      assertError(await api.get(`/api/v1/policies/${theirs.id}`), 404, 'not_found');
      assertError(await api.put(`/api/v1/policies/${theirs.id}`, { name: '抢来的', settings: {} }), 404, 'not_found');
      assertError(await api.delete(`/api/v1/policies/${theirs.id}`), 404, 'not_found');
      assertError(await api.get(`/api/v1/policies/${theirs.id}/groups`), 404, 'not_found');
      assertError(await api.post(`/api/v1/policies/${theirs.id}/apply`, { groupIds: [g1.id] }), 404, 'not_found');
      const mixed = await api.post(`/api/v1/policies/${strict.id}/apply`, { groupIds: [g1.id, foreign.id, 'nope'], resetOverrides: true });
      assertError(mixed, 404, 'not_found', new RegExp(`${foreign.id}, nope`));
      assert.deepEqual(mixed.body.error.details.missing, [foreign.id, 'nope']);

      assert.deepEqual((await api.get(`/api/v1/groups/${g1.id}/settings`)).body, mine, 'nothing applied');
      const f = await db.selectFrom('groups').select(['policy_id', 'settings']).where('id', '=', foreign.id).executeTakeFirstOrThrow();
      assert.deepEqual({ ...f }, { policy_id: null, settings: '{}' });
      const p = await db.selectFrom('policies').select(['name', 'settings']).where('id', '=', theirs.id).executeTakeFirstOrThrow();
      assert.deepEqual({ ...p }, { name: '别人的模板', settings: '{"flood":{"maxMessages":50}}' });
      assert.ok(!(await api.get('/api/v1/policies')).body.items.some((x: any) => x.id === theirs.id));
    });

    test('a viewer reads; a moderator ends lockdowns but edits no settings or templates', async () => {
      for (const [email, role] of [['viewer@example.com', 'viewer'], ['mod@example.com', 'moderator']] as const) {
        assert.equal((await api.post('/api/v1/team', { email, name: role, password: `${role}-password-1`, role })).status, 201);
      }
      const viewer = new ApiClient(server.url);
      await viewer.post('/api/v1/auth/login', { email: 'viewer@example.com', password: 'viewer-password-1' });
      const mod = new ApiClient(server.url);
      await mod.post('/api/v1/auth/login', { email: 'mod@example.com', password: 'moderator-password-1' });
      assert.equal((await viewer.get(`/api/v1/groups/${g1.id}/settings`)).status, 200);
      assert.equal((await viewer.get('/api/v1/policies')).status, 200);
      assert.equal((await viewer.get(`/api/v1/policies/${strict.id}/groups`)).status, 200);
      for (const c of [viewer, mod]) {
        assertError(await c.put(`/api/v1/groups/${g1.id}/settings`, { overrides: {} }), 403, 'forbidden');
        assertError(await c.post('/api/v1/policies', { name: 'x', settings: {} }), 403, 'forbidden');
        assertError(await c.put(`/api/v1/policies/${strict.id}`, { name: 'x', settings: {} }), 403, 'forbidden');
        assertError(await c.post(`/api/v1/policies/${strict.id}/apply`, { groupIds: [g1.id] }), 403, 'forbidden');
        assertError(await c.delete(`/api/v1/policies/${strict.id}`), 403, 'forbidden');
      }
      await server.rt.store.db.updateTable('groups').set({ locked_until: Date.now() + 60_000 }).where('id', '=', g1.id).execute();
      assertError(await viewer.post(`/api/v1/groups/${g1.id}/settings/unlock`), 403, 'forbidden');
      assert.equal((await mod.post(`/api/v1/groups/${g1.id}/settings/unlock`)).status, 200);
    });
  });
}
