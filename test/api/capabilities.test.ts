// Settings a channel cannot carry out are refused when saved, naming the field and the
// alternative; what is not saved explicitly adapts (a block is done as a warn). The web community
// can do everything, so its capabilities are narrowed here to stand in for a channel like WeCom.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { unsupportedSettings, DEFAULT_GROUP_SETTINGS } from '../../src/shared/group-settings.ts';
import { ENGINES } from '../support/stores.ts';
import { Member, setupOwner, startTestServer, waitFor, type ApiClient, type TestServer } from '../support/server.ts';

describe('unsupported settings (pure)', () => {
  const all = { deleteMessage: true, kick: true, joinGate: true };
  test('a channel that can do everything supports every setting', () => {
    const s = structuredClone(DEFAULT_GROUP_SETTINGS);
    s.invites.onlyAdmins = true;
    s.joinGate.mode = 'question';
    assert.deepEqual(unsupportedSettings(s, all), []);
  });
  test('no delete: block actions and mutes; no kick: only-admins-invite; no gate: the join gate', () => {
    const s = structuredClone(DEFAULT_GROUP_SETTINGS);
    s.flood.action = 'block';
    s.invites.onlyAdmins = true;
    s.joinGate.mode = 'accept_rules';
    assert.deepEqual(
      unsupportedSettings(s, { deleteMessage: false, kick: false, joinGate: false }).map((u) => [u.field, u.needs, u.instead]),
      [
        ['ads.action', 'deleteMessage', 'alert'],
        ['flood.action', 'deleteMessage', 'alert'],
        ['flood.muteMinutes', 'deleteMessage', '0'],
        ['invites.onlyAdmins', 'kick', 'false'],
        ['joinGate.mode', 'joinGate', 'off'],
      ],
    );
  });
});

for (const engine of ENGINES) {
  describe(`a channel that cannot delete (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let group: any;

    before(async () => {
      server = await startTestServer(engine);
      api = await setupOwner(server.url);
      group = (await api.post('/api/v1/groups', { name: '企微客户群', rules: '' })).body;
      server.rt.account(group.channelAccountId)!.capabilities.deleteMessage = false;
    });
    after(async () => {
      const caps = server?.rt.account(group?.channelAccountId)?.capabilities;
      if (caps) caps.deleteMessage = true;
      await server?.destroy();
    });

    test('saving block for ads is refused with the field and the alternative; alert is accepted', async () => {
      const refused = await api.put(`/api/v1/groups/${group.id}/settings`, { overrides: { ads: { action: 'block' } } });
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, 'capability_missing');
      assert.match(refused.body.error.message, /cannot delete messages.*ads\.action.*alert/);
      assert.deepEqual(refused.body.error.details.problems.map((p: any) => [p.groupId, p.field]), [[group.id, 'ads.action']]);
      const unchanged = await api.get(`/api/v1/groups/${group.id}/settings`);
      assert.deepEqual(unchanged.body.overrides, {}, 'nothing was saved');
      const ok = await api.put(`/api/v1/groups/${group.id}/settings`, { overrides: { ads: { action: 'alert' } } });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    });

    test('a template with block cannot be applied to the group, nor edited to block while the group follows it', async () => {
      const strict = await api.post('/api/v1/policies', { name: '严格', settings: { flood: { action: 'block' } } });
      assert.equal((await api.post(`/api/v1/policies/${strict.body.id}/apply`, { groupIds: [group.id] })).status, 422);
      const mild = await api.post('/api/v1/policies', { name: '温和', settings: { flood: { action: 'warn', muteMinutes: 0 } } });
      assert.equal((await api.post(`/api/v1/policies/${mild.body.id}/apply`, { groupIds: [group.id] })).status, 200);
      const edit = await api.put(`/api/v1/policies/${mild.body.id}`, { name: '温和', settings: { flood: { action: 'block' } } });
      assert.equal(edit.status, 422);
      assert.equal((await api.get(`/api/v1/policies/${mild.body.id}`)).body.settings.flood.action, 'warn', 'the template is unchanged');
    });

    test('an admin’s /mute is answered with what the channel can do instead', async () => {
      const admin = new Member(server.url);
      const target = new Member(server.url);
      await admin.join(group.inviteUrl, '群管');
      await target.join(group.inviteUrl, '群友');
      await admin.connect();
      const members = (await api.get(`/api/v1/groups/${group.id}/members`)).body.items as any[];
      const made = await api.post('/api/v1/admins', { identityId: members.find((m) => m.platformUserId === admin.platformUserId).identityId, groupId: group.id });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      try {
        admin.say('/mute 10m @群友', crypto.randomUUID(), [{ platformUserId: target.platformUserId, offset: 10, length: 3 }]);
        await waitFor(() => admin.messages().find((m) => m.sender.isBot && m.text.startsWith('@群管') && m.text.includes('无法禁言')), 'the explanation');
        assert.equal((await api.get(`/api/v1/cases?groupId=${group.id}`)).body.total, 0, 'nothing was done');
      } finally {
        admin.close();
      }
    });

    test('a block word is carried out as a warn there, and the case says so', async () => {
      await api.post('/api/v1/word-lists', { name: '词库', words: [{ word: '加微信', action: 'block' }] });
      const m = new Member(server.url);
      await m.join(group.inviteUrl, '客户');
      await m.connect();
      try {
        m.say('加微信领红包');
        const c = await waitFor(async () => (await api.get(`/api/v1/cases?groupId=${group.id}`)).body.items[0], 'the case');
        assert.deepEqual([c.action, c.applied], ['block', 'warn']);
        assert.deepEqual(c.effects.map((e: any) => e.type), ['warned']);
        const log = await api.get(`/api/v1/groups/${group.id}/messages`);
        assert.equal(log.body.items.find((x: any) => x.text === '加微信领红包').deletedAt, null, 'not deleted');
      } finally {
        m.close();
      }
    });
  });
}
