// Joins as a platform reports them (after the fact, with an inviter), on both engines: a
// blacklisted person is removed again at once and gets no welcome; a locked-down group turns joins
// away; where only admins may invite, a member's invitee is removed and the inviter told; a replayed
// join event changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MemberJoinedEvent } from '../../src/core/events.ts';
import { joinEvent } from '../../src/connectors/webchat/normalize.ts';
import { addGroupAdmin } from '../../src/store/repos/admins.ts';
import { ENGINES } from '../support/stores.ts';
import { setupOwner, startTestServer, waitFor, type ApiClient, type TestServer } from '../support/server.ts';

for (const engine of ENGINES) {
  describe(`joins reported by the platform (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let group: any;
    let workspaceId: string;

    before(async () => {
      server = await startTestServer(engine);
      api = await setupOwner(server.url);
      group = (await api.post('/api/v1/groups', { name: '入群测试群', rules: '友善' })).body;
      workspaceId = (await api.get('/api/v1/workspace')).body.id;
      await setSettings({});
    });
    after(async () => {
      await server?.destroy();
    });

    const db = () => server.rt.store.db;
    let ticket = 0;
    const join = (platformUserId: string, nickname: string, inviter?: { platformUserId: string; displayName: string }): MemberJoinedEvent => {
      const ev = joinEvent(group.channelAccountId, group.platformGroupId, { platformUserId, nickname }, `t-${++ticket}`, Date.now());
      return inviter ? { ...ev, inviter } : ev;
    };
    const status = async (platformUserId: string) =>
      waitFor(async () => {
        const row = await db()
          .selectFrom('memberships as m')
          .innerJoin('identities as i', 'i.id', 'm.identity_id')
          .select('m.status')
          .where('m.group_id', '=', group.id)
          .where('i.platform_user_id', '=', platformUserId)
          .executeTakeFirst();
        return row?.status;
      }, `${platformUserId}'s membership`);
    const botSaid = async () => (await db().selectFrom('messages').select(['text']).where('group_id', '=', group.id).where('direction', '=', 'out').orderBy('id').execute()).map((m) => m.text);
    const setSettings = async (settings: object, lockedUntil: number | null = null) => {
      // Welcomes at once (no batching), so "was this person welcomed" is answered right away.
      const all = { welcome: { batchSeconds: 0, cooldownSeconds: 0 }, ...settings };
      await db().updateTable('groups').set({ settings: JSON.stringify(all), locked_until: lockedUntil }).where('id', '=', group.id).execute();
      server.rt.engine.invalidate(workspaceId);
    };

    test('only admins may invite: a member’s invitee is removed and the inviter told; an admin’s invitee stays and is welcomed', async () => {
      await setSettings({ invites: { onlyAdmins: true } });
      await server.rt.engine.ingest(join('wc_inviter', '邀请人'));
      await server.rt.engine.ingest(join('wc_admin', '管理员'));
      const admin = await db().selectFrom('identities').select('id').where('platform_user_id', '=', 'wc_admin').executeTakeFirstOrThrow();
      await addGroupAdmin(db(), { workspaceId, groupId: group.id, identityId: admin.id, addedByName: 'test', now: Date.now() });
      server.rt.engine.invalidate(workspaceId);

      await server.rt.engine.ingest(join('wc_friend', '朋友', { platformUserId: 'wc_inviter', displayName: '邀请人' }));
      assert.equal(await waitFor(async () => (await status('wc_friend')) === 'removed' && 'removed', 'the invitee removed'), 'removed');
      await waitFor(async () => (await botSaid()).find((t) => t.startsWith('@邀请人') && t.includes('本群仅管理员可以邀请新成员，朋友 已被移出')), 'the inviter is told');
      const cases = (await api.get(`/api/v1/cases?groupId=${group.id}`)).body.items as any[];
      assert.deepEqual([cases[0].kind, cases[0].action, cases[0].member.name], ['invite_not_allowed', 'kick', '朋友']);
      assert.ok(!(await botSaid()).some((t) => t.includes('@朋友')), 'no welcome for the removed');

      await server.rt.engine.ingest(join('wc_guest', '嘉宾', { platformUserId: 'wc_admin', displayName: '管理员' }));
      assert.equal(await status('wc_guest'), 'active');
      await setSettings({});
    });

    test('a blacklisted person joining is removed again and gets no welcome; the replayed event does nothing more', async () => {
      await server.rt.engine.ingest(join('wc_banned', '黑名单'));
      const identity = await db().selectFrom('identities').select(['contact_id']).where('platform_user_id', '=', 'wc_banned').executeTakeFirstOrThrow();
      const added = await api.post('/api/v1/blacklist', { contactId: identity.contact_id, reason: '广告' });
      assert.equal(added.status, 201);
      await waitFor(async () => (await status('wc_banned')) === 'removed', 'removed when blacklisted');

      const ev = join('wc_banned', '黑名单');
      await server.rt.engine.ingest(ev);
      await waitFor(async () => (await status('wc_banned')) === 'removed', 'removed again');
      const again = await server.rt.engine.ingest(structuredClone(ev));
      assert.equal(again.duplicate, true);
      const cases = ((await api.get(`/api/v1/cases?groupId=${group.id}`)).body.items as any[]).filter((c) => c.kind === 'blacklisted_join');
      assert.equal(cases.length, 1, 'one case for one join');
      assert.deepEqual([cases[0].action, cases[0].reason, cases[0].effects[0].type], ['refuse', '广告', 'removed']);
      assert.equal((await botSaid()).filter((t) => t.includes('@黑名单') && t.includes('欢迎')).length, 1, 'welcomed on the first join only');
    });

    test('during a lockdown joins are turned away without a case each; after it they are welcome', async () => {
      const before1 = (await api.get(`/api/v1/cases?groupId=${group.id}`)).body.total;
      await setSettings({}, Date.now() + 60_000);
      await server.rt.engine.ingest(join('wc_raider', '路人甲'));
      await waitFor(async () => (await status('wc_raider')) === 'removed', 'turned away');
      assert.equal((await api.get(`/api/v1/cases?groupId=${group.id}`)).body.total, before1);
      await setSettings({}, null);
      await server.rt.engine.ingest(join('wc_raider', '路人甲'));
      assert.equal(await status('wc_raider'), 'active');
    });
  });
}
