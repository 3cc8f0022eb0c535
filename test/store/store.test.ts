// The store on both engines: the same migrations, the same repositories, the same answers.
// Every observable result is also written to a transcript (ids replaced by labels in order of
// first appearance), and the last test checks that SQLite and PostgreSQL wrote the same one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KeyedIntent } from '../../src/core/intents.ts';
import { keywordReplyRule, welcomeRule, type Rule } from '../../src/core/rules.ts';
import { migrateOrThrow, openStore, type Db, type Store } from '../../src/store/index.ts';
import { newId } from '../../src/store/ids.ts';
import { statementsFor } from '../../src/store/statements.ts';
import * as accounts from '../../src/store/repos/accounts.ts';
import { listAudit, writeAudit } from '../../src/store/repos/audit.ts';
import { createChannelAccount, getChannelAccount, listChannelAccounts } from '../../src/store/repos/channels.ts';
import { insertEventIfNew } from '../../src/store/repos/events.ts';
import { createGroup, findGroupByInviteCode, findGroupByPlatformId, getGroup, listGroupsWithStats, updateGroup } from '../../src/store/repos/groups.ts';
import { findMessageByPlatformId, getMessage, insertMessage, isFirstDirectMessage, listContactMessages, listDirectConversations, listDirectMessages, listGroupMessages, type MessageRow } from '../../src/store/repos/messages.ts';
import * as outbox from '../../src/store/repos/outbox.ts';
import * as people from '../../src/store/repos/people.ts';
import * as rules from '../../src/store/repos/rules.ts';
import { createWebchatUser, findWebchatUserByToken, renameWebchatUser } from '../../src/store/repos/webchat.ts';
import { ENGINES, makeStore, type TestStore } from '../support/stores.ts';

const T0 = 1_700_000_000_000;
const HOUR = 3600_000;

/** Replaces UUIDs (also inside strings like `acc:msg:<uuid>`) by labels in order of first appearance. */
function normalizeIds(value: unknown): unknown {
  const labels = new Map<string, string>();
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string')
      return v.replace(uuid, (id) => {
        if (!labels.has(id)) labels.set(id, `<id${labels.size}>`);
        return labels.get(id)!;
      });
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, walk((v as Record<string, unknown>)[k])]));
    return v;
  };
  return walk(value);
}

/** node:sqlite returns rows with a null prototype; compare them as plain data. */
const plain = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** The fields every identity lookup returns (a first insert returns the whole row). */
const identityFields = (r: people.IdentityRow) => ({ id: r.id, contact_id: r.contact_id, display_name: r.display_name, is_bot: r.is_bot, platform_user_id: r.platform_user_id });

const transcripts: Record<string, { step: string; value: unknown }[]> = {};

function messageRow(f: { ws: string; account: string; group: string | null; identity: string | null; platformId: string; text: string; at: number; id?: string }): MessageRow {
  return {
    id: f.id ?? newId(),
    workspace_id: f.ws,
    channel_account_id: f.account,
    group_id: f.group,
    identity_id: f.identity,
    direction: 'in',
    platform_message_id: f.platformId,
    content_type: 'text',
    text: f.text,
    mentions: JSON.stringify([{ platformUserId: 'u-2', offset: 0, length: 2 }]),
    reply_to_id: null,
    event_id: null,
    outbox_id: null,
    created_at: f.at,
    deleted_at: null,
    direct_identity_id: null,
  };
}

function intent(key: string, text: string, priority: 'interactive' | 'bulk', account: string): KeyedIntent & { groupId: string | null } {
  return {
    idempotencyKey: key,
    ruleId: null,
    groupId: null,
    intent: { kind: 'send_message', channelAccountId: account, platformGroupId: 'pg', platformUserId: null, content: { type: 'text', text, mentions: [] }, priority },
  };
}

for (const engine of ENGINES) {
  describe(`store (${engine})`, () => {
    let ts: TestStore;
    let store: Store;
    const log: { step: string; value: unknown }[] = [];
    transcripts[engine] = log;
    const record = (step: string, value: unknown) => {
      log.push({ step, value: plain(value) });
      return value;
    };

    // Shared fixture, built up by the tests in order.
    let ws: { id: string };
    let account: { id: string };
    let groupA: { id: string; platform_group_id: string };
    let groupB: { id: string; platform_group_id: string };

    before(async () => {
      ts = await makeStore(engine);
      store = openStore(ts.config);
    });
    after(async () => {
      await store?.close();
      await ts?.cleanup();
    });

    test('migrations apply once; a second migrate is a no-op', async () => {
      assert.deepEqual(await store.pendingMigrations(), ['0001_initial', '0002_word_lists', '0003_cases', '0004_enforcement', '0005_outbox_by_group', '0006_direct_messages', '0007_policy_scoped_items', '0008_hot_path_indexes']);
      assert.deepEqual(record('migrate 1', await migrateOrThrow(store)), ['0001_initial', '0002_word_lists', '0003_cases', '0004_enforcement', '0005_outbox_by_group', '0006_direct_messages', '0007_policy_scoped_items', '0008_hot_path_indexes']);
      assert.deepEqual(record('migrate 2', await migrateOrThrow(store)), []);
      assert.deepEqual(await store.pendingMigrations(), []);
      // A second handle on the same store sees it migrated too.
      const again = openStore(ts.config);
      try {
        assert.deepEqual(await again.pendingMigrations(), []);
        assert.deepEqual(await migrateOrThrow(again), []);
      } finally {
        await again.close();
      }
    });

    test('workspaces, users, team and roles round-trip', async () => {
      const { db } = store;
      assert.equal(await accounts.countUsers(db), 0);
      ws = await accounts.createWorkspace(db, { name: '读书会', timezone: 'Asia/Shanghai', locale: 'zh-CN', now: T0 });
      assert.deepEqual(plain(await accounts.getWorkspace(db, ws.id)), { id: ws.id, name: '读书会', timezone: 'Asia/Shanghai', locale: 'zh-CN', settings: '{}', created_at: T0 });
      await accounts.updateWorkspace(db, ws.id, { name: 'Reading club', timezone: 'Europe/Berlin' });
      record('workspace', await accounts.getWorkspace(db, ws.id));
      assert.equal((await accounts.getWorkspace(db, ws.id))?.timezone, 'Europe/Berlin');
      assert.equal(await accounts.getWorkspace(db, 'nope'), undefined);

      const owner = await accounts.createUser(db, { email: 'owner@example.com', name: '群主', passwordHash: 'h1', locale: 'zh-CN', now: T0 });
      const viewer = await accounts.createUser(db, { email: 'v@example.com', name: 'Viewer', passwordHash: 'h2', locale: 'en', now: T0 + 1 });
      await accounts.addWorkspaceMember(db, ws.id, owner.id, 'owner', T0);
      await accounts.addWorkspaceMember(db, ws.id, viewer.id, 'viewer', T0 + 1);
      assert.equal(await accounts.countUsers(db), 2);
      assert.equal(typeof (await accounts.countUsers(db)), 'number');
      assert.deepEqual(plain(await accounts.findUserByEmail(db, 'owner@example.com')), owner);
      assert.equal(await accounts.findUserByEmail(db, 'OWNER@example.com'), undefined, 'emails are stored normalised by the API; the store matches exactly');
      await assert.rejects(accounts.createUser(db, { email: 'owner@example.com', name: 'x', passwordHash: 'h', locale: 'en', now: T0 }), 'email is unique');
      await accounts.updateUser(db, viewer.id, { locale: 'zh-CN', name: '观察员' });
      assert.deepEqual(plain(await accounts.findUserWorkspace(db, viewer.id)), { workspace_id: ws.id, role: 'viewer' });
      await accounts.setRole(db, ws.id, viewer.id, 'operator');
      assert.equal((await accounts.getTeamMember(db, ws.id, viewer.id))?.role, 'operator');
      const team = await accounts.listTeam(db, ws.id);
      assert.deepEqual(
        team.map((t) => [t.email, t.name, t.role]),
        [
          ['owner@example.com', '群主', 'owner'],
          ['v@example.com', '观察员', 'operator'],
        ],
      );
      record('team', team);
      record('user', await accounts.getUser(db, viewer.id));
    });

    test('sessions expire, extend, and are swept', async () => {
      const { db } = store;
      const [owner] = await accounts.listTeam(db, ws.id);
      assert.ok(owner);
      await accounts.createSession(db, { id: 's1', userId: owner.user_id, workspaceId: ws.id, csrfToken: 'c1', now: T0, ttlMs: HOUR });
      await accounts.createSession(db, { id: 's2', userId: owner.user_id, workspaceId: ws.id, csrfToken: 'c2', now: T0, ttlMs: 2 * HOUR });
      const found = await accounts.findSession(db, 's1', T0 + HOUR - 1);
      record('session', found);
      assert.deepEqual(found && { id: found.id, csrf: found.csrf_token, role: found.role, email: found.email, expires: found.expires_at }, {
        id: 's1',
        csrf: 'c1',
        role: 'owner',
        email: 'owner@example.com',
        expires: T0 + HOUR,
      });
      assert.equal(await accounts.findSession(db, 's1', T0 + HOUR), undefined, 'expired at expires_at');
      assert.equal(await accounts.findSession(db, 'missing', T0), undefined);
      await accounts.extendSession(db, 's1', T0 + HOUR - 1, 2 * HOUR);
      assert.equal((await accounts.findSession(db, 's1', T0 + HOUR + 10))?.last_seen_at, T0 + HOUR - 1, 'extended');
      await accounts.deleteExpiredSessions(db, T0 + 2 * HOUR);
      assert.equal(await accounts.findSession(db, 's2', T0), undefined, 's2 swept (expired at the sweep time)');
      assert.ok(await accounts.findSession(db, 's1', T0 + HOUR + 10), 's1 kept (extended past the sweep)');
      await accounts.deleteSession(db, 's1');
      assert.equal(await accounts.findSession(db, 's1', T0), undefined);
    });

    test('channel accounts and groups with stats', async () => {
      const { db } = store;
      account = await createChannelAccount(db, { workspaceId: ws.id, kind: 'webchat', name: '社群助手', config: { a: 1 }, now: T0 });
      assert.deepEqual(plain(await getChannelAccount(db, account.id)), { ...account, config: '{"a":1}' });
      assert.deepEqual(
        (await listChannelAccounts(db, ws.id)).map((a) => a.id),
        [account.id],
      );
      assert.deepEqual(await listChannelAccounts(db, 'other-ws'), []);
      groupA = await createGroup(db, { workspaceId: ws.id, channelAccountId: account.id, name: 'A 群', rules: '规则 A', inviteCode: 'code-a', now: T0 });
      groupB = await createGroup(db, { workspaceId: ws.id, channelAccountId: account.id, platformGroupId: 'pg-b', name: 'B 群', rules: '', inviteCode: null, now: T0 + 1 });
      assert.equal(groupA.platform_group_id, groupA.id, 'a web community group is its own platform id');
      assert.equal((await findGroupByInviteCode(db, 'code-a'))?.id, groupA.id);
      assert.equal(await findGroupByInviteCode(db, 'code-x'), undefined);
      assert.equal((await findGroupByPlatformId(db, account.id, 'pg-b'))?.id, groupB.id);
      await assert.rejects(
        createGroup(db, { workspaceId: ws.id, channelAccountId: account.id, platformGroupId: 'pg-b', name: 'dup', rules: '', inviteCode: null, now: T0 }),
        'platform group id is unique per account',
      );
      await updateGroup(db, groupB.id, { name: 'B 群（新）', rules: '新规则' }, T0 + 5);
      const b = await getGroup(db, groupB.id);
      assert.deepEqual([b?.name, b?.rules, b?.updated_at, b?.created_at], ['B 群（新）', '新规则', T0 + 5, T0 + 1]);
      const stats = await listGroupsWithStats(db, ws.id);
      record('groups (empty)', stats);
      assert.deepEqual(
        stats.map((g) => [g.name, g.member_count, g.message_count, g.last_message_at]),
        [
          ['B 群（新）', 0, 0, null],
          ['A 群', 0, 0, null],
        ],
        'newest first, zero counts as numbers',
      );
    });

    test('identities and contacts: created once, renamed on change', async () => {
      const { db } = store;
      const base = { workspaceId: ws.id, channelAccountId: account.id, isBot: false };
      const first = await people.upsertIdentity(db, { ...base, platformUserId: 'u-1', displayName: '小红', now: T0 });
      const again = await people.upsertIdentity(db, { ...base, platformUserId: 'u-1', displayName: '小红', now: T0 + 1 });
      assert.deepEqual(identityFields(again), identityFields(first));
      const renamed = await people.upsertIdentity(db, { ...base, platformUserId: 'u-1', displayName: '小红🌸', now: T0 + 2 });
      assert.equal(renamed.id, first.id);
      assert.equal(renamed.contact_id, first.contact_id);
      assert.equal(renamed.display_name, '小红🌸');
      assert.equal((await people.findIdentity(db, account.id, 'u-1'))?.display_name, '小红🌸', 'the rename is stored');
      const other = await people.upsertIdentity(db, { ...base, platformUserId: 'u-2', displayName: '<b>Bob</b>', now: T0 });
      assert.notEqual(other.contact_id, first.contact_id, 'a new person is a new contact');
      const botId = await people.upsertIdentity(db, { ...base, isBot: true, platformUserId: 'bot', displayName: '助手', now: T0 });
      assert.equal(botId.is_bot, 1);
      assert.equal((await people.getContact(db, first.contact_id))?.display_name, '小红');
      record('identity', await people.findIdentity(db, account.id, 'u-1'));
      record('contact identities', await people.listContactIdentities(db, first.contact_id));
      assert.equal(await people.findIdentity(db, account.id, 'u-404'), undefined);
    });

    test('memberships activate, deactivate and reactivate', async () => {
      const { db } = store;
      const u1 = (await people.findIdentity(db, account.id, 'u-1'))!;
      const u2 = (await people.findIdentity(db, account.id, 'u-2'))!;
      const f = { workspaceId: ws.id, groupId: groupA.id, inviterIdentityId: null };
      assert.deepEqual(await people.activateMembership(db, { ...f, identityId: u1.id, now: T0 }), { becameActive: true });
      assert.deepEqual(await people.activateMembership(db, { ...f, identityId: u1.id, now: T0 + 1 }), { becameActive: false });
      assert.deepEqual(await people.activateMembership(db, { ...f, identityId: u2.id, inviterIdentityId: u1.id, now: T0 + 2 }), { becameActive: true });
      assert.equal((await people.getMembership(db, groupA.id, u1.id))?.joined_at, T0, 'a repeat does not move the join time');
      assert.equal(await people.deactivateMembership(db, groupA.id, u2.id, 'left', T0 + 10), true);
      assert.equal(await people.deactivateMembership(db, groupA.id, u2.id, 'removed', T0 + 11), false, 'already gone');
      const left = await people.getMembership(db, groupA.id, u2.id);
      assert.deepEqual([left?.status, left?.left_at], ['left', T0 + 10]);
      assert.equal((await listGroupsWithStats(db, ws.id, groupA.id))[0]?.member_count, 1, 'only active members count');
      assert.equal((await people.listMembers(db, groupA.id, { offset: 0, limit: 10, activeOnly: true })).length, 1);
      assert.equal(await people.countMembers(db, groupA.id), 2, 'countMembers counts every membership');
      assert.deepEqual(await people.activateMembership(db, { ...f, identityId: u2.id, now: T0 + 20 }), { becameActive: true });
      const back = await people.getMembership(db, groupA.id, u2.id);
      assert.deepEqual([back?.status, back?.joined_at, back?.left_at, back?.inviter_identity_id], ['active', T0 + 20, null, null]);
      await people.recordGroupMessage(db, { workspaceId: ws.id, groupId: groupA.id, identityId: u1.id, now: T0 + 30 });
      await people.recordGroupMessage(db, { workspaceId: ws.id, groupId: groupA.id, identityId: u1.id, now: T0 + 31 });
      const members = await people.listMembers(db, groupA.id, { offset: 0, limit: 10 });
      record('members', members);
      assert.deepEqual(
        members.map((m) => [m.display_name, m.status, m.message_count, m.last_message_at]),
        [
          ['<b>Bob</b>', 'active', 0, null],
          ['小红🌸', 'active', 2, T0 + 31],
        ],
        'newest join first',
      );
      assert.deepEqual(
        (await people.listMembers(db, groupA.id, { offset: 1, limit: 1 })).map((m) => m.display_name),
        ['小红🌸'],
      );
      record('contact memberships', await people.listContactMemberships(db, u1.contact_id));
    });

    test('messages: insert-or-existing on a duplicate platform id', async () => {
      const { db } = store;
      const u1 = (await people.findIdentity(db, account.id, 'u-1'))!;
      const row = messageRow({ ws: ws.id, account: account.id, group: groupB.id, identity: u1.id, platformId: 'dup-1', text: '第一次', at: T0 });
      const first = await insertMessage(db, row);
      assert.equal(first.inserted, true);
      assert.deepEqual(first.row, row);
      const replay = await insertMessage(db, { ...row, id: newId(), text: '第二次', created_at: T0 + 5 });
      assert.equal(replay.inserted, false);
      assert.deepEqual(plain(replay.row), row, 'the stored row, unchanged');
      assert.equal(
        (await listGroupMessages(db, groupB.id, { limit: 50 })).rows.length,
        1,
      );
      assert.deepEqual(plain(await findMessageByPlatformId(db, account.id, 'dup-1')), row);
      const withSender = await getMessage(db, row.id);
      record('message with sender', withSender);
      assert.deepEqual(
        withSender && [withSender.sender_platform_user_id, withSender.sender_name, withSender.sender_is_bot, withSender.sender_contact_id],
        ['u-1', '小红🌸', 0, u1.contact_id],
      );
    });

    test('messages page by id cursor: oldest → newest within a page, nextBefore to the older page', async () => {
      const { db } = store;
      const u2 = (await people.findIdentity(db, account.id, 'u-2'))!;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = messageRow({ ws: ws.id, account: account.id, group: groupA.id, identity: u2.id, platformId: `p-${i}`, text: `消息 ${i}`, at: T0 + 100 + i });
        await insertMessage(db, r);
        ids.push(r.id);
      }
      // Another group's messages never appear.
      await insertMessage(db, messageRow({ ws: ws.id, account: account.id, group: groupB.id, identity: u2.id, platformId: 'b-x', text: 'other', at: T0 + 200 }));
      const text = (p: { rows: { text: string }[] }) => p.rows.map((r) => r.text);
      const p1 = await listGroupMessages(db, groupA.id, { limit: 2 });
      assert.deepEqual(text(p1), ['消息 3', '消息 4']);
      assert.equal(p1.nextBefore, ids[3]);
      const p2 = await listGroupMessages(db, groupA.id, { limit: 2, before: p1.nextBefore! });
      assert.deepEqual(text(p2), ['消息 1', '消息 2']);
      assert.equal(p2.nextBefore, ids[1]);
      const p3 = await listGroupMessages(db, groupA.id, { limit: 2, before: p2.nextBefore! });
      assert.deepEqual(text(p3), ['消息 0']);
      assert.equal(p3.nextBefore, null, 'the start of the history');
      const exact = await listGroupMessages(db, groupA.id, { limit: 5 });
      assert.equal(exact.rows.length, 5);
      assert.equal(exact.nextBefore, null, 'exactly everything: no older page');
      const all = await listGroupMessages(db, groupA.id, { limit: 50 });
      assert.deepEqual(
        all.rows.map((r) => r.id),
        ids,
      );
      assert.deepEqual(JSON.parse(all.rows[0]!.mentions), [{ platformUserId: 'u-2', offset: 0, length: 2 }]);
      record('pages', [p1, p2, p3]);
      const stats = await listGroupsWithStats(db, ws.id);
      record('groups (with messages)', stats);
      assert.deepEqual(
        stats.map((g) => [g.name, g.member_count, g.message_count, g.last_message_at]),
        [
          ['B 群（新）', 0, 2, T0 + 200],
          ['A 群', 2, 5, T0 + 104],
        ],
      );
    });

    test('direct conversations: both directions under the member, paged; first message; the list, latest first', async () => {
      const { db } = store;
      const u1 = (await people.findIdentity(db, account.id, 'u-1'))!;
      const u2 = (await people.findIdentity(db, account.id, 'u-2'))!;
      const dm = (identity: string, peer: string, n: string, at: number, direction = 'in') => ({ ...messageRow({ ws: ws.id, account: account.id, group: null, identity, platformId: `dm-${n}`, text: `私聊 ${n}`, at }), direction, direct_identity_id: peer });
      const first = dm(u1.id, u1.id, 'a1', T0 + 300);
      await insertMessage(db, first);
      assert.equal(await isFirstDirectMessage(db, u1.id, first.id), true);
      await insertMessage(db, dm(u2.id, u1.id, 'a2', T0 + 301, 'out'));
      await insertMessage(db, dm(u2.id, u2.id, 'b1', T0 + 302));
      const later = dm(u1.id, u1.id, 'a3', T0 + 303);
      await insertMessage(db, later);
      assert.equal(await isFirstDirectMessage(db, u1.id, later.id), false);
      const p1 = await listDirectMessages(db, u1.id, { limit: 2 });
      assert.deepEqual(p1.rows.map((r) => r.text), ['私聊 a2', '私聊 a3']);
      const p2 = await listDirectMessages(db, u1.id, { limit: 2, before: p1.nextBefore! });
      assert.deepEqual([p2.rows.map((r) => r.text), p2.nextBefore], [['私聊 a1'], null]);
      assert.equal((await listGroupMessages(db, groupA.id, { limit: 50 })).rows.some((r) => r.text.startsWith('私聊')), false, 'not in any group');
      const list = await listDirectConversations(db, ws.id, { offset: 0, limit: 10 });
      record('direct conversations', list);
      assert.deepEqual(
        [list.total, list.rows.map((r) => [r.identityId, r.messageCount, r.lastId])],
        [
          2,
          [
            [u1.id, 3, later.id],
            [u2.id, 1, list.rows[1]?.lastId],
          ],
        ],
      );
      assert.deepEqual((await listDirectConversations(db, ws.id, { offset: 1, limit: 10 })).rows.map((r) => r.identityId), [u2.id]);
    });

    test("a contact's latest messages: every group it spoke in and its direct chat, newest first, across identities", async () => {
      const { db } = store;
      const base = { workspaceId: ws.id, channelAccountId: account.id, isBot: false };
      const u3 = await people.upsertIdentity(db, { ...base, platformUserId: 'u-3', displayName: '小绿', now: T0 });
      const other = await createChannelAccount(db, { workspaceId: ws.id, kind: 'webchat', name: '第二个助手', config: {}, now: T0 });
      // The same person on a second channel: a second identity of the contact.
      const u3b = await people.upsertIdentity(db, { ...base, channelAccountId: other.id, platformUserId: 'u-3b', displayName: '小绿', now: T0 });
      await db.updateTable('identities').set({ contact_id: u3.contact_id }).where('id', '=', u3b.id).execute();
      const say = async (group: { id: string } | null, identity: string, n: number, direct: string | null = null) => {
        const row = { ...messageRow({ ws: ws.id, account: account.id, group: group?.id ?? null, identity, platformId: `c-${n}`, text: `第 ${n} 条`, at: T0 + 500 + n }), direct_identity_id: direct };
        await insertMessage(db, row);
        if (group) await people.recordGroupMessage(db, { workspaceId: ws.id, groupId: group.id, identityId: identity, now: T0 + 500 + n });
      };
      await say(groupA, u3.id, 1);
      await say(groupB, u3b.id, 2);
      await say(null, u3.id, 3, u3.id);
      await say(groupA, u3.id, 4);
      // Others' messages in the same places, and the assistant's answer in the direct chat, are not the contact's.
      await say(groupA, (await people.findIdentity(db, account.id, 'u-2'))!.id, 5);
      await insertMessage(db, { ...messageRow({ ws: ws.id, account: account.id, group: null, identity: (await people.findIdentity(db, account.id, 'bot'))!.id, platformId: 'c-6', text: '助手回复', at: T0 + 506 }), direction: 'out', direct_identity_id: u3.id });
      await say(groupB, u3b.id, 7);
      const texts = async (limit: number) => (await listContactMessages(db, u3.contact_id, limit)).map((m) => m.text);
      assert.deepEqual(await texts(10), ['第 7 条', '第 4 条', '第 3 条', '第 2 条', '第 1 条']);
      assert.deepEqual(await texts(2), ['第 7 条', '第 4 条']);
      const [latest] = await listContactMessages(db, u3.contact_id, 1);
      assert.deepEqual([latest?.sender_platform_user_id, latest?.sender_contact_id, latest?.group_id], ['u-3b', u3.contact_id, groupB.id]);
      assert.deepEqual(await listContactMessages(db, (await people.findIdentity(db, account.id, 'bot'))!.contact_id, 10), [], 'a contact that never spoke');
      record('contact messages', await listContactMessages(db, u3.contact_id, 10));
    });

    test('rules: JSON round-trip, replace, list, effective rules (group + workspace-wide), delete', async () => {
      const { db } = store;
      const groupRule: Rule = {
        ...keywordReplyRule({ id: newId(), groupId: groupA.id, name: '资料', keywords: ['资料', 'ＺＩＬＩＡＯ', '😀'], reply: '在这里：{nickname}\n"引号" \\ 反斜杠', priority: 3 }),
        trigger: { type: 'message', scope: 'group' },
      };
      const wide = keywordReplyRule({ id: newId(), groupId: null, name: '全局', keywords: ['价格'], reply: '私聊', enabled: false });
      const otherGroup = keywordReplyRule({ id: newId(), groupId: groupB.id, name: 'B only', keywords: ['b'], reply: 'b' });
      const welcome = welcomeRule({ id: newId(), groupId: groupA.id, template: '欢迎 {nickname}' });
      const stored = await rules.insertRule(db, ws.id, groupRule, T0);
      assert.deepEqual(stored, { ...groupRule, workspaceId: ws.id, policyId: null, createdAt: T0, updatedAt: T0 });
      assert.deepEqual(await rules.getRule(db, groupRule.id), stored, 'read back equal, JSON included');
      await rules.insertRule(db, ws.id, wide, T0 + 1);
      await rules.insertRule(db, ws.id, otherGroup, T0 + 2);
      await rules.insertRule(db, ws.id, welcome, T0 + 3);

      const names = (rs: Rule[]) => rs.map((r) => r.name);
      assert.deepEqual(names(await rules.listRules(db, ws.id)), ['资料', '全局', 'B only', 'welcome']);
      assert.deepEqual(names(await rules.listRules(db, ws.id, groupA.id)), ['资料', 'welcome']);
      assert.deepEqual(names(await rules.listEffectiveRules(db, ws.id, groupA.id)), ['资料', '全局', 'welcome']);
      assert.deepEqual(names(await rules.listEffectiveRules(db, ws.id, groupB.id)), ['全局', 'B only']);
      assert.deepEqual(names(await rules.listEffectiveRules(db, ws.id, null)), ['全局']);
      assert.deepEqual(names(await rules.listEffectiveRules(db, 'other-ws', groupA.id)), []);
      assert.equal((await rules.getRule(db, wide.id))?.enabled, false);
      assert.equal((await rules.findWelcomeRule(db, groupA.id))?.id, welcome.id);
      assert.equal(await rules.findWelcomeRule(db, groupB.id), undefined);

      const changed: Rule = { ...groupRule, name: '资料 v2', enabled: false, stopAfterMatch: false, conditions: [{ type: 'keyword', keywords: ['课件'], mode: 'exact' }] };
      await rules.replaceRule(db, changed, T0 + 10);
      const after = await rules.getRule(db, groupRule.id);
      assert.deepEqual(after, { ...changed, workspaceId: ws.id, policyId: null, createdAt: T0, updatedAt: T0 + 10 });
      record('rules', await rules.listRules(db, ws.id));
      await rules.deleteRule(db, otherGroup.id);
      assert.equal(await rules.getRule(db, otherGroup.id), undefined);
      assert.deepEqual(names(await rules.listEffectiveRules(db, ws.id, groupB.id)), ['全局']);
    });

    test('inbound events are recorded once (a replay is refused)', async () => {
      const { db } = store;
      const event = {
        kind: 'member_left' as const,
        id: `${account.id}:leave:1`,
        channelAccountId: account.id,
        platformEventId: 'leave:1',
        occurredAt: T0,
        platformGroupId: groupA.platform_group_id,
        member: { platformUserId: 'u-1', displayName: '小红' },
      };
      assert.equal(record('event 1', await insertEventIfNew(db, ws.id, event, T0)), true);
      assert.equal(record('event 2', await insertEventIfNew(db, ws.id, event, T0 + 1)), false);
      assert.equal(await insertEventIfNew(db, ws.id, { ...event, id: `${account.id}:leave:2`, platformEventId: 'leave:2' }, T0), true);
      const stored = await db.selectFrom('inbound_events').selectAll().where('id', '=', event.id).execute();
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.received_at, T0, 'the first delivery is kept');
      assert.deepEqual(JSON.parse(stored[0]!.payload), event);
    });

    test('outbox: enqueue skips duplicate keys; due order; claim is exclusive; finish writes deliveries', async () => {
      const { db } = store;
      const a = account.id;
      const first = await outbox.enqueueIntents(db, ws.id, [intent('k-1', 'bulk one', 'bulk', a), intent('k-2', 'interactive', 'interactive', a)], T0);
      assert.equal(first.length, 2);
      assert.deepEqual(await outbox.enqueueIntents(db, ws.id, [], T0), []);
      await outbox.enqueueIntents(db, ws.id, [intent('k-1', 'CHANGED', 'interactive', a), intent('k-3', 'later', 'bulk', a)], T0 + 1);
      const rows = await db.selectFrom('outbox').selectAll().orderBy('idempotency_key').execute();
      assert.deepEqual(
        rows.map((r) => [r.idempotency_key, JSON.parse(r.payload).content.text, r.status, r.attempts]),
        [
          ['k-1', 'bulk one', 'pending', 0],
          ['k-2', 'interactive', 'pending', 0],
          ['k-3', 'later', 'pending', 0],
        ],
        'the duplicate key was skipped; the first intent is kept as it was',
      );

      const due = await outbox.listDue(db, T0 + 1, 10);
      assert.deepEqual(
        due.map((r) => r.idempotency_key),
        ['k-2', 'k-1', 'k-3'],
        'interactive first, then oldest',
      );
      assert.deepEqual(
        (await outbox.listDue(db, T0, 10)).map((r) => r.idempotency_key),
        ['k-2', 'k-1'],
        'not yet due is not listed',
      );
      assert.equal(await outbox.nextDueAt(db), T0);

      const row = due[0]!;
      const mid = newId();
      assert.equal(await outbox.claim(db, row.id, mid, T0 + 2), true);
      assert.equal(await outbox.claim(db, row.id, newId(), T0 + 2), false, 'a second claim of the same row loses');
      let claimed = await outbox.getOutboxRow(db, row.id);
      assert.deepEqual([claimed?.status, claimed?.attempts, claimed?.message_id], ['sending', 1, mid]);
      assert.deepEqual(
        (await outbox.listInFlight(db)).map((r) => [r.id, r.attempts]),
        [[row.id, 1]],
      );
      assert.ok(!(await outbox.listDue(db, T0 + 10, 10)).some((r) => r.id === row.id), 'a claimed row is not due');

      await outbox.finish(db, { id: row.id, attempts: 1 }, { status: 'pending', error: 'timeout', platformMessageId: null, nextAttemptAt: T0 + 1000, startedAt: T0 + 2, now: T0 + 3 });
      claimed = await outbox.getOutboxRow(db, row.id);
      assert.deepEqual([claimed?.status, claimed?.next_attempt_at, claimed?.last_error], ['pending', T0 + 1000, 'timeout']);
      assert.equal(await outbox.claim(db, row.id, newId(), T0 + 1000), true, 'claimable again once pending');
      assert.equal((await outbox.getOutboxRow(db, row.id))?.message_id, mid, 'a retry keeps the message id fixed at the first claim');
      assert.equal((await outbox.getOutboxRow(db, row.id))?.attempts, 2);
      await outbox.finish(db, { id: row.id, attempts: 2 }, { status: 'sent', error: null, platformMessageId: 'pm-1', startedAt: T0 + 1000, now: T0 + 1001 });
      const deliveries = await outbox.listDeliveries(db, row.id);
      record('deliveries', deliveries);
      assert.deepEqual(
        deliveries.map((d) => [d.attempt, d.status, d.platform_message_id, d.error, d.started_at, d.finished_at]),
        [
          [1, 'retry', null, 'timeout', T0 + 2, T0 + 3],
          [2, 'sent', 'pm-1', null, T0 + 1000, T0 + 1001],
        ],
      );
      assert.equal((await outbox.getOutboxRow(db, row.id))?.status, 'sent');
      assert.equal(await outbox.claim(db, row.id, newId(), T0 + 2000), false, 'a sent row cannot be claimed');

      await outbox.setStatus(db, due[1]!.id, 'unknown', 'crashed', T0 + 5);
      assert.equal((await outbox.getOutboxRow(db, due[1]!.id))?.status, 'unknown');
      assert.equal(await outbox.claim(db, due[1]!.id, newId(), T0 + 6), false, 'an unknown row is never claimed');
      assert.equal(await outbox.nextDueAt(db), T0 + 1, 'only k-3 is pending');
      record('outbox', await db.selectFrom('outbox').selectAll().orderBy('idempotency_key').execute());
    });

    test('outbox: enqueue returns only the rows it wrote', async () => {
      const { db } = store;
      const returned = await outbox.enqueueIntents(db, ws.id, [intent('k-1', 'again', 'bulk', account.id), intent('k-4', 'new', 'bulk', account.id)], T0 + 7);
      for (const r of returned) assert.ok(await outbox.getOutboxRow(db, r.id), `returned row ${r.idempotency_key} exists in the outbox`);
      assert.deepEqual(
        returned.map((r) => r.idempotency_key),
        ['k-4'],
      );
    });

    test('claims race: of many concurrent claims of one row exactly one wins', async () => {
      const [row] = await outbox.enqueueIntents(store.db, ws.id, [intent('race', 'x', 'bulk', account.id)], T0);
      assert.ok(row);
      const results = await Promise.all(Array.from({ length: 8 }, () => outbox.claim(store.db, row.id, newId(), T0 + 1)));
      assert.equal(results.filter(Boolean).length, 1);
      record('race', results.filter(Boolean).length);
    });

    test('audit log and web community users', async () => {
      const { db } = store;
      for (let i = 0; i < 3; i++) {
        await writeAudit(db, { workspaceId: ws.id, userId: null, actorName: 'CLI', action: `a.${i}`, targetType: 'group', targetId: groupA.id, summary: `s${i}`, details: { i }, now: T0 + i });
      }
      const page = await listAudit(db, ws.id, 0, 2);
      assert.deepEqual(
        page.map((e) => e.action),
        ['a.2', 'a.1'],
        'newest first',
      );
      assert.deepEqual(
        (await listAudit(db, ws.id, 2, 2)).map((e) => e.action),
        ['a.0'],
      );
      assert.deepEqual(JSON.parse(page[0]!.details), { i: 2 });
      record('audit', page);

      const u = await createWebchatUser(db, { channelAccountId: account.id, tokenHash: 'th-1', nickname: '访客', now: T0 });
      assert.match(u.id, /^wc_/);
      assert.deepEqual(plain(await findWebchatUserByToken(db, 'th-1')), u);
      await renameWebchatUser(db, u.id, '新名字');
      assert.equal((await findWebchatUserByToken(db, 'th-1'))?.nickname, '新名字');
      assert.equal(await findWebchatUserByToken(db, 'th-2'), undefined);
      await assert.rejects(createWebchatUser(db, { channelAccountId: account.id, tokenHash: 'th-1', nickname: 'x', now: T0 }), 'token hashes are unique');
    });

    test('transactions roll back on error', async () => {
      await assert.rejects(
        store.transaction(async (trx) => {
          await writeAudit(trx, { workspaceId: ws.id, userId: null, actorName: 'x', action: 'rolled.back', targetType: 't', targetId: null, summary: '', now: T0 });
          throw new Error('boom');
        }),
        /boom/,
      );
      const rows = await store.db.selectFrom('audit_log').select('id').where('action', '=', 'rolled.back').execute();
      assert.equal(record('rolled back rows', rows.length), 0);
    });

    test("the inbound pipeline's statements: the same answers in a transaction (prepared, on SQLite) as outside it (Kysely)", async () => {
      const base = { workspaceId: ws.id, channelAccountId: account.id, isBot: false };
      const run = async (db: Db, tag: string) => {
        const out: unknown[] = [];
        const u1 = (await people.findIdentity(db, account.id, 'u-1'))!;
        out.push(identityFields(u1), await people.findIdentity(db, account.id, 'u-404'));
        const row = messageRow({ ws: ws.id, account: account.id, group: groupB.id, identity: u1.id, platformId: `hot-${tag}`, text: '热路径', at: T0 + 900 });
        const first = await insertMessage(db, row);
        const replay = await insertMessage(db, { ...row, id: newId(), text: 'replay' });
        const message = plain(await getMessage(db, row.id))!;
        out.push([first.inserted, replay.inserted, replay.row.id === row.id, replay.row.text], { ...message, id: '<id>', platform_message_id: '<pm>' });
        const before = (await people.getMembership(db, groupA.id, u1.id))!.message_count;
        out.push((await people.recordGroupMessage(db, { workspaceId: ws.id, groupId: groupA.id, identityId: u1.id, now: T0 + 901 })) - before);
        out.push((await people.getMembership(db, groupA.id, u1.id))!.last_message_at);
        // Someone who speaks without an active membership is counted from a membership started silently.
        const newcomer = await people.upsertIdentity(db, { ...base, platformUserId: `hot-${tag}`, displayName: '新来的', now: T0 });
        out.push(await people.recordGroupMessage(db, { workspaceId: ws.id, groupId: groupB.id, identityId: newcomer.id, now: T0 + 902 }));
        out.push((await people.getMembership(db, groupB.id, newcomer.id))?.status);
        const written = await outbox.enqueueIntents(db, ws.id, [intent(`hot-${tag}-1`, '一', 'interactive', account.id), intent(`hot-${tag}-1`, '重复', 'interactive', account.id), intent(`hot-${tag}-2`, '二', 'bulk', account.id)], T0);
        out.push(written.map((r) => [r.idempotency_key.replace(tag, '*'), r.priority, r.status, JSON.parse(r.payload).content.text]));
        out.push((await outbox.enqueueIntents(db, ws.id, [intent(`hot-${tag}-2`, '再来', 'bulk', account.id)], T0)).length);
        const stored = await db.selectFrom('outbox').select(['idempotency_key', 'payload', 'next_attempt_at']).where('idempotency_key', 'like', `hot-${tag}-%`).orderBy('idempotency_key').execute();
        out.push(stored.map((r) => [r.idempotency_key.replace(tag, '*'), JSON.parse(r.payload).content.text, r.next_attempt_at]));
        return out;
      };
      const outside = await run(store.db, 'a');
      const inside = await store.transaction(async (trx) => {
        assert.equal(statementsFor(trx) !== undefined, engine === 'sqlite', 'prepared statements in a transaction of the embedded store only');
        return run(trx, 'b');
      });
      assert.equal(statementsFor(store.db), undefined, 'outside a transaction: Kysely');
      assert.deepEqual(plain(inside), plain(outside));
      record('hot path', inside);

      // They run in the transaction: a rollback takes them back.
      const u1 = (await people.findIdentity(store.db, account.id, 'u-1'))!;
      const count = (await people.getMembership(store.db, groupA.id, u1.id))!.message_count;
      await assert.rejects(
        store.transaction(async (trx) => {
          await insertMessage(trx, messageRow({ ws: ws.id, account: account.id, group: groupA.id, identity: u1.id, platformId: 'hot-rollback', text: 'x', at: T0 }));
          await people.recordGroupMessage(trx, { workspaceId: ws.id, groupId: groupA.id, identityId: u1.id, now: T0 + 903 });
          await outbox.enqueueIntents(trx, ws.id, [intent('hot-rollback', 'x', 'bulk', account.id)], T0);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await findMessageByPlatformId(store.db, account.id, 'hot-rollback'), undefined);
      assert.equal((await people.getMembership(store.db, groupA.id, u1.id))!.message_count, count);
      assert.equal((await store.db.selectFrom('outbox').select('id').where('idempotency_key', '=', 'hot-rollback').execute()).length, 0);
    });
  });
}

describe('engines agree', () => {
  test('SQLite and PostgreSQL gave the same results for the same operations', () => {
    const sqlite = transcripts.sqlite ?? [];
    const postgres = transcripts.postgres ?? [];
    assert.ok(sqlite.length > 10, 'the SQLite transcript was recorded');
    assert.deepEqual(
      postgres.map((s) => s.step),
      sqlite.map((s) => s.step),
    );
    for (let i = 0; i < sqlite.length; i++) {
      assert.deepEqual(normalizeIds(postgres[i]?.value), normalizeIds(sqlite[i]?.value), `step "${sqlite[i]?.step}"`);
    }
  });
});
