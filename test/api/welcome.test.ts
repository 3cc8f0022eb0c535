// Batched welcomes through the engine and the outbox, on both engines, with a clock the test moves:
// joins close together share one welcome, a group gets at most one per cooldown, members who leave
// first are left out, a restart neither loses nor repeats a waiting welcome, and a claim never
// loses a member who joined while it ran.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventId, type MemberJoinedEvent } from '../../src/core/events.ts';
import { WELCOME_KIND, type WelcomeBatch } from '../../src/core/welcome.ts';
import { claimWelcome } from '../../src/server/welcome.ts';
import { claimPayload, getOutboxRow, replaceWaitingPayload } from '../../src/store/repos/outbox.ts';
import { ENGINES } from '../support/stores.ts';
import { ApiClient, Member, setGroupSettings, setupOwner, startTestServer, type TestServer } from '../support/server.ts';

const T0 = Date.UTC(2025, 0, 6, 2, 0, 0);

for (const engine of ENGINES) {
  describe(`batched welcomes (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let clock = T0;
    const now = () => clock;

    before(async () => {
      server = await startTestServer(engine, { now });
      api = await setupOwner(server.url);
    });
    after(async () => {
      await server?.destroy();
    });

    const db = () => server.rt.store.db;

    async function newGroup(name: string, welcome: { batchSeconds: number; cooldownSeconds: number }) {
      const created = await api.post('/api/v1/groups', { name, rules: '友善交流' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const set = await api.put(`/api/v1/groups/${created.body.id}/welcome`, { enabled: true, template: '欢迎 {nickname} 加入{group}！' });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      // Raid lockdowns off: these tests are about what many joins do to welcomes.
      await setGroupSettings(db(), created.body.id, { welcome, raid: { enabled: false } });
      return created.body as { id: string; inviteUrl: string; platformGroupId: string; channelAccountId: string };
    }

    async function join(group: { inviteUrl: string }, nickname: string): Promise<Member> {
      const m = new Member(server.url);
      const r = await m.join(group.inviteUrl, nickname);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return m;
    }

    /** Lets the clock reach `t` and the dispatcher send whatever is due by then. */
    async function advanceTo(t: number) {
      clock = t;
      server.rt.dispatcher.wake();
      await server.rt.dispatcher.idle();
    }

    /** The bot's messages in the group, oldest first. */
    async function welcomes(groupId: string) {
      const rows = await db().selectFrom('messages').selectAll().where('group_id', '=', groupId).where('direction', '=', 'out').orderBy('id').execute();
      return rows.map((r) => ({ text: r.text, mentions: JSON.parse(r.mentions) as { platformUserId: string; offset: number; length: number }[] }));
    }

    const welcomeRows = (groupId: string) => db().selectFrom('outbox').selectAll().where('group_id', '=', groupId).where('kind', '=', WELCOME_KIND).orderBy('id').execute();

    test('30 joins within 2 s: one welcome, 20 members mentioned and 以及另外 10 位新朋友', async () => {
      clock = T0;
      const group = await newGroup('批量欢迎群', { batchSeconds: 5, cooldownSeconds: 30 });
      const members: Member[] = [];
      // In parallel, so several joins share the engine's transactions too.
      for (let wave = 0; wave < 3; wave++) {
        members.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => join(group, `新人${wave * 10 + i}`)))));
        clock += 700;
      }
      await advanceTo(T0 + 4999);
      assert.deepEqual(await welcomes(group.id), [], 'nothing before the batch closes');
      const waiting = await welcomeRows(group.id);
      assert.equal(waiting.length, 1, 'one waiting batch');
      assert.equal(waiting[0]?.next_attempt_at, T0 + 5000, 'due batchSeconds after the first join');
      assert.equal((JSON.parse(waiting[0]!.payload) as WelcomeBatch).members.length, 30);

      await advanceTo(T0 + 5000);
      const sent = await welcomes(group.id);
      assert.equal(sent.length, 1, 'exactly one welcome');
      const w = sent[0]!;
      assert.equal(w.mentions.length, 20);
      assert.ok(w.text.startsWith('欢迎 @'), w.text);
      assert.ok(w.text.endsWith(' 以及另外 10 位新朋友 加入批量欢迎群！'), w.text);
      const ids = new Set(members.map((m) => m.platformUserId));
      for (const m of w.mentions) {
        assert.ok(ids.has(m.platformUserId), 'mentions are of the members who joined');
        assert.match(w.text.slice(m.offset, m.offset + m.length), /^@新人\d+$/);
      }
      assert.equal(new Set(w.mentions.map((m) => m.platformUserId)).size, 20, 'each once');
      assert.equal((await welcomeRows(group.id))[0]?.status, 'sent');
      // Members see it like any bot message.
      const seen = await fetch(`${server.url}/api/v1/webchat/groups/${group.id}/messages`, { headers: { authorization: `Bearer ${members[0]!.token}` } }).then((r) => r.json() as Promise<any>);
      assert.equal(seen.items.filter((m: any) => m.sender.isBot).length, 1);
    });

    test('joins across the cooldown: two welcomes, the second at the end of the cooldown', async () => {
      clock = T0 + 100_000;
      const start = clock;
      const group = await newGroup('冷却群', { batchSeconds: 5, cooldownSeconds: 30 });
      const a = await join(group, '甲');
      await advanceTo(start + 5000);
      assert.equal((await welcomes(group.id)).length, 1);

      clock = start + 6000;
      const b = await join(group, '乙');
      await advanceTo(start + 20_000);
      clock = start + 25_000;
      const c = await join(group, '丙');
      await advanceTo(start + 34_999);
      assert.equal((await welcomes(group.id)).length, 1, 'still in the cooldown');
      await advanceTo(start + 35_000);
      const sent = await welcomes(group.id);
      assert.equal(sent.length, 2);
      assert.deepEqual(sent[0]!.mentions.map((m) => m.platformUserId), [a.platformUserId]);
      assert.deepEqual(sent[1]!.mentions.map((m) => m.platformUserId), [b.platformUserId, c.platformUserId]);
      assert.equal(sent[1]!.text, '欢迎 @乙、@丙 加入冷却群！');
    });

    test('a raid of 120 joins over a minute makes a handful of welcomes that together count everyone', async () => {
      clock = T0 + 200_000;
      const start = clock;
      const group = await newGroup('突袭群', { batchSeconds: 5, cooldownSeconds: 30 });
      for (let s = 0; s < 60; s++) {
        await Promise.all([join(group, `r${s}a`), join(group, `r${s}b`)]);
        await advanceTo(start + (s + 1) * 1000);
      }
      await advanceTo(start + 120_000);
      const sent = await welcomes(group.id);
      assert.ok(sent.length <= 3, `${sent.length} welcomes`);
      let total = 0;
      for (const w of sent) {
        const others = /以及另外 (\d+) 位新朋友/.exec(w.text);
        total += w.mentions.length + (others ? Number(others[1]) : 0);
      }
      assert.equal(total, 120, 'every join is welcomed once');
      const due = (await welcomeRows(group.id)).map((r) => r.next_attempt_at);
      for (let i = 1; i < due.length; i++) assert.ok(due[i]! - due[i - 1]! >= 30_000, 'at most one per cooldown');
    });

    test('a member who leaves before the batch goes out is left out; if all leave, nothing is sent', async () => {
      clock = T0 + 400_000;
      const start = clock;
      const group = await newGroup('离开群', { batchSeconds: 5, cooldownSeconds: 0 });
      const stay = await join(group, '留下');
      const go = await join(group, '离开');
      const left = await fetch(`${server.url}/api/v1/webchat/groups/${group.id}/leave`, { method: 'POST', headers: { authorization: `Bearer ${go.token}` } });
      assert.equal(left.status, 204);
      await advanceTo(start + 5000);
      const sent = await welcomes(group.id);
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0]!.mentions.map((m) => m.platformUserId), [stay.platformUserId]);
      assert.equal(sent[0]!.text, '欢迎 @留下 加入离开群！');

      clock = start + 10_000;
      const brief = await join(group, '路过');
      await fetch(`${server.url}/api/v1/webchat/groups/${group.id}/leave`, { method: 'POST', headers: { authorization: `Bearer ${brief.token}` } });
      await advanceTo(start + 15_000);
      assert.equal((await welcomes(group.id)).length, 1, 'no welcome for nobody');
      const rows = await welcomeRows(group.id);
      assert.equal(rows.at(-1)?.status, 'cancelled');
      assert.match(rows.at(-1)?.last_error ?? '', /left/);
    });

    test('batchSeconds 0 and cooldownSeconds 0: one welcome per join, at once', async () => {
      clock = T0 + 500_000;
      const group = await newGroup('即时群', { batchSeconds: 0, cooldownSeconds: 0 });
      await join(group, '一号');
      await join(group, '二号');
      await advanceTo(clock);
      const sent = await welcomes(group.id);
      assert.deepEqual(sent.map((w) => w.text), ['欢迎 @一号 加入即时群！', '欢迎 @二号 加入即时群！']);
      assert.equal((await welcomeRows(group.id)).length, 0, 'no batch rows');
    });

    test('an English workspace lists with ", " and counts "and N others"', async () => {
      clock = T0 + 600_000;
      const start = clock;
      assert.equal((await api.patch('/api/v1/workspace', { locale: 'en' })).status, 200);
      try {
        const group = await newGroup('English group', { batchSeconds: 5, cooldownSeconds: 0 });
        await api.put(`/api/v1/groups/${group.id}/welcome`, { enabled: true, template: 'Welcome {nickname} to {group}!' });
        for (let i = 0; i < 22; i++) await join(group, `m${i}`);
        await advanceTo(start + 5000);
        const [w] = await welcomes(group.id);
        assert.ok(w?.text.startsWith('Welcome @m0, @m1, @m2'), w?.text);
        assert.ok(w?.text.endsWith('@m19 and 2 others to English group!'), w?.text);
      } finally {
        await api.patch('/api/v1/workspace', { locale: 'zh-CN' });
      }
    });

    test('a restart between the join and the send: the welcome still goes out, exactly once', async () => {
      clock = T0 + 700_000;
      const start = clock;
      const group = await newGroup('重启群', { batchSeconds: 5, cooldownSeconds: 30 });
      const m = await join(group, '重启前');
      await server.close();
      server = await startTestServer(engine, { store: server.store, now });
      api = new ApiClient(server.url);
      assert.equal((await api.post('/api/v1/auth/login', { email: 'owner@example.com', password: 'correct horse battery' })).status, 200);
      await advanceTo(start + 2000);
      const m2 = await join(group, '重启后');
      await advanceTo(start + 5000);
      const sent = await welcomes(group.id);
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0]!.mentions.map((x) => x.platformUserId), [m.platformUserId, m2.platformUserId]);

      await server.close();
      server = await startTestServer(engine, { store: server.store, now });
      api = new ApiClient(server.url);
      assert.equal((await api.post('/api/v1/auth/login', { email: 'owner@example.com', password: 'correct horse battery' })).status, 200);
      await advanceTo(start + 60_000);
      assert.equal((await welcomes(group.id)).length, 1, 'not sent again after another restart');
    });

    test('a claim and a join at the same moment: the member is in exactly one welcome', async () => {
      clock = T0 + 800_000;
      const start = clock;
      const group = await newGroup('竞争群', { batchSeconds: 1, cooldownSeconds: 0 });
      const joined: string[] = [];
      // Joins keep arriving while the clock makes batch after batch due and the dispatcher claims them.
      for (let s = 0; s < 40; s++) {
        const wave = Promise.all([join(group, `c${s}a`), join(group, `c${s}b`)]);
        clock = start + s * 500;
        server.rt.dispatcher.wake();
        for (const m of await wave) joined.push(m.platformUserId);
      }
      await advanceTo(start + 60_000);
      const mentioned = (await welcomes(group.id)).flatMap((w) => w.mentions.map((m) => m.platformUserId));
      assert.equal(mentioned.length, joined.length, 'nobody twice, nobody lost');
      assert.deepEqual(new Set(mentioned), new Set(joined));
    });

    test('compare-and-set: a join cannot add to a batch once it is claimed, and a claim sends what was added before it', async () => {
      clock = T0 + 900_000;
      const group = await newGroup('原子群', { batchSeconds: 5, cooldownSeconds: 0 });
      await join(group, '先到');
      const [row] = await welcomeRows(group.id);
      assert.ok(row);
      const ingest = (name: string) =>
        server.rt.engine.ingest({
          kind: 'member_joined',
          id: eventId(group.channelAccountId, `test-join:${name}`),
          channelAccountId: group.channelAccountId,
          platformEventId: `test-join:${name}`,
          occurredAt: clock,
          platformGroupId: group.platformGroupId,
          member: { platformUserId: `wc_${name}`, displayName: name },
        } satisfies MemberJoinedEvent);
      await ingest('后到');
      clock += 5000;
      const claimed = await claimWelcome(server.rt.store, row, '01900000-0000-7000-8000-0000000000c1', clock);
      assert.ok(claimed);
      assert.equal(JSON.parse(claimed).kind, 'send_message', 'rendered when claimed');
      assert.deepEqual(
        JSON.parse(claimed).content.mentions.map((m: { platformUserId: string }) => m.platformUserId),
        [JSON.parse(row.payload).members[0].user.platformUserId, 'wc_后到'],
        'the member added before the claim is in it',
      );
      const batch = JSON.parse(row.payload) as WelcomeBatch;
      assert.equal(await replaceWaitingPayload(db(), row.id, row.payload, JSON.stringify({ ...batch, more: 1 }), clock), false, 'a payload read before the claim no longer matches');
      // A join after the claim opens the next batch instead of changing the claimed one.
      await ingest('更晚');
      const rows = await welcomeRows(group.id);
      assert.equal(rows.length, 2);
      assert.equal(rows[0]?.payload, claimed, 'the claimed row keeps what it was claimed with');
      assert.deepEqual((JSON.parse(rows[1]!.payload) as WelcomeBatch).members.map((m) => m.user.displayName), ['更晚']);
      assert.equal(await claimPayload(db(), row.id, '01900000-0000-7000-8000-0000000000c2', clock), null, 'claimed once');
      assert.equal(await replaceWaitingPayload(db(), row.id, claimed, JSON.stringify({ ...JSON.parse(row.payload), more: 9 }), clock), false, 'a claimed row’s payload cannot be replaced');
      assert.equal((await getOutboxRow(db(), row.id))?.status, 'sending');
      await server.rt.store.db.updateTable('outbox').set({ status: 'sent' }).where('id', '=', row.id).execute();
    });

    test('PostgreSQL: a claim waiting on a join’s transaction sends the batch with that member', { skip: engine !== 'postgres' }, async () => {
      clock = T0 + 1_000_000;
      const group = await newGroup('锁群', { batchSeconds: 5, cooldownSeconds: 0 });
      const first = await join(group, '甲');
      const [row] = await welcomeRows(group.id);
      assert.ok(row);
      let claim: Promise<string | null> | null = null;
      let claimDone = false;
      // Hold a transaction that has added a member to the batch, and let the claim start meanwhile.
      await server.rt.store.transaction(async (trx) => {
        const batch = JSON.parse(row.payload) as WelcomeBatch;
        const next = { ...batch, members: [...batch.members, { user: { platformUserId: 'wc_late', displayName: '乙' } }] };
        const r = await trx.updateTable('outbox').set({ payload: JSON.stringify(next) }).where('id', '=', row.id).where('status', '=', 'pending').where('payload', '=', row.payload).executeTakeFirst();
        assert.equal(Number(r.numUpdatedRows), 1);
        claim = claimPayload(server.rt.store.db, row.id, '01900000-0000-7000-8000-0000000000d1', clock + 5000).then((p) => {
          claimDone = true;
          return p;
        });
        await new Promise((r2) => setTimeout(r2, 200));
        assert.equal(claimDone, false, 'the claim waits for the row lock');
      });
      const claimed = await claim!;
      assert.ok(claimed);
      assert.deepEqual((JSON.parse(claimed) as WelcomeBatch).members.map((m) => m.user.platformUserId), [first.platformUserId, 'wc_late'], 'the claim read the row as committed');
      await server.rt.store.db.updateTable('outbox').set({ status: 'sent' }).where('id', '=', row.id).execute();
    });
  });
}
