// The inbound pipeline and the outbox under failure, on both engines: duplicate deliveries change
// nothing, a crash mid-send is resent only where a resend cannot duplicate, and the dispatcher
// retries, waits, gives up and records every attempt as ADR 0005 says.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Capabilities } from '../../src/core/capabilities.ts';
import { eventId, type MessageEvent, type PlatformUser } from '../../src/core/events.ts';
import type { Intent } from '../../src/core/intents.ts';
import { ConnectorError, type Connector, type ExecuteContext, type ExecuteResult } from '../../src/connectors/kit.ts';
import { joinEvent, messageEvent } from '../../src/connectors/webchat/normalize.ts';
import { WebchatConnector } from '../../src/connectors/webchat/connector.ts';
import { Bus } from '../../src/server/bus.ts';
import { Dispatcher } from '../../src/server/dispatcher.ts';
import { migrateOrThrow, openStore, type Store } from '../../src/store/index.ts';
import { createWorkspace } from '../../src/store/repos/accounts.ts';
import { createChannelAccount } from '../../src/store/repos/channels.ts';
import { createGroup } from '../../src/store/repos/groups.ts';
import { claim, enqueueIntents, getOutboxRow, listDeliveries } from '../../src/store/repos/outbox.ts';
import { ENGINES, makeStore, type TestStore } from '../support/stores.ts';
import { ApiClient, immediateWelcome, setupOwner, startTestServer, waitFor, type TestServer } from '../support/server.ts';

const member = { platformUserId: 'wc_test-member', nickname: '小红' };

for (const engine of ENGINES) {
  describe(`inbound pipeline (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let group: any;
    let accountId: string;

    before(async () => {
      server = await startTestServer(engine);
      api = await setupOwner(server.url);
      const created = await api.post('/api/v1/groups', { name: '引擎测试群', rules: '友善交流' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      group = created.body;
      accountId = group.channelAccountId;
      await immediateWelcome(server.rt.store.db, group.id);
      const rule = await api.post('/api/v1/rules', {
        groupId: group.id,
        name: '资料',
        trigger: { type: 'message', scope: 'any' },
        conditions: [{ type: 'keyword', keywords: ['资料'], mode: 'contains' }],
        actions: [{ type: 'reply', template: '资料在这里', mention: true, quote: true }],
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
    });
    after(async () => {
      await server?.destroy();
    });

    const db = () => server.rt.store.db;
    const outboxFor = (evId: string) => db().selectFrom('outbox').selectAll().where('idempotency_key', 'like', `${evId}:%`).execute();
    /** Waits until every outbox row of these events is done (sent, failed or unknown), and returns them. */
    const settled = (...evIds: string[]) =>
      waitFor(async () => {
        const rows = (await Promise.all(evIds.map(outboxFor))).flat();
        return rows.length > 0 && rows.every((r) => r.status !== 'pending' && r.status !== 'sending') && rows;
      }, `the outbox rows of ${evIds.join(', ')} to be done`);

    test('a duplicate message event changes nothing: one message, one set of outbox rows, duplicate:true', async () => {
      const join = await server.rt.engine.ingest(joinEvent(accountId, group.platformGroupId, member, 'ticket-1', Date.now()));
      assert.equal(join.duplicate, false);
      const ev = messageEvent(accountId, group.platformGroupId, member, { clientMessageId: 'client-0001', text: '有资料吗', mentions: [] }, Date.now());
      const first = await server.rt.engine.ingest(ev);
      assert.equal(first.duplicate, false);
      assert.ok(first.messageId);
      const second = await server.rt.engine.ingest(structuredClone(ev));
      assert.equal(second.duplicate, true);
      assert.equal(second.messageId, first.messageId, 'the replay names the stored message');
      await settled(ev.id);

      const stored = await db().selectFrom('messages').selectAll().where('platform_message_id', '=', ev.platformMessageId).execute();
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.id, first.messageId);
      const rows = await outboxFor(ev.id);
      assert.equal(rows.length, 1, 'one reply intent');
      assert.equal(rows[0]?.status, 'sent');
      const replies = await db().selectFrom('messages').selectAll().where('outbox_id', '=', rows[0]!.id).execute();
      assert.equal(replies.length, 1, 'one reply sent');
      assert.equal(replies[0]?.reply_to_id, first.messageId, 'the reply quotes the question');
      // A message is its own event record (de-duplicated on its platform id), not a second row.
      const recorded = await db().selectFrom('messages').select('id').where('event_id', '=', ev.id).execute();
      assert.equal(recorded.length, 1);
      const events = await db().selectFrom('inbound_events').select('id').where('id', '=', ev.id).execute();
      assert.equal(events.length, 0);
      const members = await api.get(`/api/v1/groups/${group.id}/members`);
      const row = members.body.items.find((m: any) => m.platformUserId === member.platformUserId);
      assert.equal(row?.messageCount, 1, 'the member’s message count is not doubled');
    });

    test('a duplicate join event welcomes once', async () => {
      const newcomer = { platformUserId: 'wc_newcomer', nickname: '新人' };
      const ev = joinEvent(accountId, group.platformGroupId, newcomer, 'ticket-A', Date.now());
      assert.equal((await server.rt.engine.ingest(ev)).duplicate, false);
      assert.equal((await server.rt.engine.ingest(ev)).duplicate, true);
      await settled(ev.id);
      const rows = await outboxFor(ev.id);
      assert.equal(rows.length, 1, 'one welcome');
      const welcome = await db().selectFrom('messages').selectAll().where('outbox_id', '=', rows[0]!.id).execute();
      assert.equal(welcome.length, 1);
      assert.match(welcome[0]!.text, /@新人/);
    });

    test('the same platform message under a new event id is not stored, answered or counted twice', async () => {
      // Some platforms re-deliver a message with a new delivery id; the message id is what is stable.
      const base = messageEvent(accountId, group.platformGroupId, member, { clientMessageId: 'client-0002', text: '资料资料', mentions: [] }, Date.now());
      const redelivered: MessageEvent = { ...base, id: eventId(accountId, 'redelivery-2'), platformEventId: 'redelivery-2' };
      const before = (await api.get(`/api/v1/groups/${group.id}/members`)).body.items.find((m: any) => m.platformUserId === member.platformUserId).messageCount;
      const first = await server.rt.engine.ingest(base);
      const second = await server.rt.engine.ingest(redelivered);
      await settled(base.id, redelivered.id);
      const stored = await db().selectFrom('messages').select('id').where('platform_message_id', '=', base.platformMessageId).execute();
      assert.deepEqual(
        stored.map((r) => r.id),
        [first.messageId],
      );
      const replies = [...(await outboxFor(base.id)), ...(await outboxFor(redelivered.id))];
      assert.equal(replies.length, 1, 'answered once');
      const after = (await api.get(`/api/v1/groups/${group.id}/members`)).body.items.find((m: any) => m.platformUserId === member.platformUserId).messageCount;
      assert.equal(after, before + 1, 'counted once');
      assert.equal(second.messageId, first.messageId, 'the second delivery names the message that is stored');
    });

    test('a member who changes name is stored under each new name, also when the changes share a commit', async () => {
      const who = { platformUserId: 'wc_renamer', nickname: '阿明' };
      const say = (nickname: string, n: string) => server.rt.engine.ingest(messageEvent(accountId, group.platformGroupId, { ...who, nickname }, { clientMessageId: `rename-${n}`, text: '你好', mentions: [] }, Date.now()));
      const stored = async () => (await db().selectFrom('identities').select('display_name').where('platform_user_id', '=', who.platformUserId).executeTakeFirstOrThrow()).display_name;
      await say('阿明', '1');
      await say('阿明', '2');
      assert.equal(await stored(), '阿明');
      await say('阿明🌙', '3');
      assert.equal(await stored(), '阿明🌙');
      await say('阿明', '4');
      assert.equal(await stored(), '阿明', 'and back');
      // Queued behind a running commit, these two share the next one: the last name wins, also
      // when it is the name the member had before.
      const busy = server.rt.engine.ingest(messageEvent(accountId, group.platformGroupId, member, { clientMessageId: 'rename-busy', text: '在吗', mentions: [] }, Date.now()));
      await Promise.all([busy, say('明', '5'), say('阿明', '6')]);
      assert.equal(await stored(), '阿明');
      await say('明明', '7');
      assert.equal(await stored(), '明明');
      const names = await db()
        .selectFrom('messages as m')
        .innerJoin('identities as i', 'i.id', 'm.identity_id')
        .select('m.platform_message_id')
        .where('i.platform_user_id', '=', who.platformUserId)
        .execute();
      assert.equal(names.length, 7, 'every message under the one identity');
    });

    test('a newcomer whose first commit failed is created again by the retry, not remembered from the failed one', async () => {
      const newcomer = { platformUserId: 'wc_unlucky', nickname: '新朋友' };
      const say = (n: string) => messageEvent(accountId, group.platformGroupId, newcomer, { clientMessageId: `unlucky-${n}`, text: '大家好', mentions: [] }, Date.now());
      // The first ingest takes the engine; the next two share a commit that fails on the bad event and is retried one by one.
      const busy = server.rt.engine.ingest(messageEvent(accountId, group.platformGroupId, member, { clientMessageId: 'client-busy', text: '在吗', mentions: [] }, Date.now()));
      const first = server.rt.engine.ingest(say('1'));
      const bad = server.rt.engine.ingest(messageEvent('no-such-account', group.platformGroupId, newcomer, { clientMessageId: 'unlucky-x', text: 'x', mentions: [] }, Date.now()));
      await busy;
      assert.equal((await first).duplicate, false);
      await assert.rejects(bad, /unknown channel account/);
      assert.equal((await server.rt.engine.ingest(say('2'))).duplicate, false);
      const rows = await db()
        .selectFrom('messages as m')
        .leftJoin('identities as i', 'i.id', 'm.identity_id')
        .select(['m.platform_message_id', 'i.display_name'])
        .where('m.platform_message_id', 'like', `${newcomer.platformUserId}:%`)
        .orderBy('m.platform_message_id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.platform_message_id, r.display_name]),
        [
          [`${newcomer.platformUserId}:unlucky-1`, '新朋友'],
          [`${newcomer.platformUserId}:unlucky-2`, '新朋友'],
        ],
        'both messages belong to an identity that exists',
      );
      const members = await api.get(`/api/v1/groups/${group.id}/members`);
      assert.equal(members.body.items.find((m: any) => m.platformUserId === newcomer.platformUserId)?.messageCount, 2);
    });

    test('a message for an unknown group stores nothing and asks for nothing', async () => {
      const ev = messageEvent(accountId, 'no-such-group', member, { clientMessageId: 'client-0003', text: '资料', mentions: [] }, Date.now());
      const r = await server.rt.engine.ingest(ev);
      assert.equal(r.duplicate, false);
      assert.equal(r.messageId, undefined);
      const stored = await db().selectFrom('messages').select('id').where('platform_message_id', '=', ev.platformMessageId).execute();
      assert.equal(stored.length, 0);
      assert.equal((await outboxFor(ev.id)).length, 0);
    });

    test('an event of an unknown channel account is refused', async () => {
      const ev = messageEvent('no-such-account', group.platformGroupId, member, { clientMessageId: 'client-0004', text: 'x', mentions: [] }, Date.now());
      await assert.rejects(server.rt.engine.ingest(ev), /unknown channel account/);
    });

    test('crash mid-send on the web community: the row left in "sending" is resent exactly once after a restart', async () => {
      // Stop sending, so the reply stays in the outbox; then claim it as a dispatcher would just before dying.
      await server.rt.dispatcher.stop();
      const ev = messageEvent(accountId, group.platformGroupId, member, { clientMessageId: 'client-crash', text: '求资料', mentions: [] }, Date.now());
      const asked = await server.rt.engine.ingest(ev);
      const [row] = await outboxFor(ev.id);
      assert.ok(row, 'the reply is in the outbox');
      assert.equal(row.status, 'pending');
      const messageId = '01900000-0000-7000-8000-00000000c4a5';
      assert.equal(await claim(server.rt.store.db, row.id, messageId, Date.now()), true);
      assert.equal((await getOutboxRow(db(), row.id))?.status, 'sending');

      await server.close();
      server = await startTestServer(engine, { store: server.store });
      await waitFor(async () => (await getOutboxRow(db(), row.id))?.status === 'sent', 'the interrupted reply to be resent');

      const sent = await db().selectFrom('messages').selectAll().where('outbox_id', '=', row.id).execute();
      assert.equal(sent.length, 1, 'exactly one message for the outbox row');
      assert.equal(sent[0]?.id, messageId, 'under the message id fixed when it was first claimed');
      assert.equal(sent[0]?.reply_to_id, asked.messageId);
      const after = await getOutboxRow(db(), row.id);
      assert.equal(after?.attempts, 2, 'the interrupted attempt and the resend');
      const deliveries = await listDeliveries(db(), row.id);
      assert.deepEqual(
        deliveries.map((d) => [d.attempt, d.status]),
        [[2, 'sent']],
      );
      // The restarted server still answers, once.
      const again = messageEvent(accountId, group.platformGroupId, member, { clientMessageId: 'client-after', text: '资料', mentions: [] }, Date.now());
      await server.rt.engine.ingest(again);
      const rows = await settled(again.id);
      assert.deepEqual(
        rows.map((r) => r.status),
        ['sent'],
      );
    });
  });
}

// ── the Dispatcher on its own, with a scripted connector ──────────────────────────────────────

const BOT: PlatformUser = { platformUserId: 'fake-bot', displayName: 'Fake bot', isBot: true };
const CAPS: Capabilities = {
  readGroupMessages: true,
  joinLeaveEvents: true,
  sendToGroup: true,
  mention: true,
  kick: true,
  deleteMessage: true,
  joinGate: false,
  trackedInviteLinks: false,
  directMessage: false,
  idempotentSend: false,
};

type Step = ExecuteResult | Error;

/** A connector whose sends follow a script; every call is recorded. */
class ScriptedConnector implements Connector {
  readonly kind = 'telegram' as const;
  readonly channelAccountId: string;
  readonly bot = BOT;
  readonly capabilities: Capabilities;
  readonly calls: { intent: Intent; ctx: ExecuteContext }[] = [];
  readonly script: Step[];
  constructor(channelAccountId: string, opts: { idempotentSend: boolean; script?: Step[] }) {
    this.channelAccountId = channelAccountId;
    this.capabilities = { ...CAPS, idempotentSend: opts.idempotentSend };
    this.script = opts.script ?? [];
  }
  async capabilitiesIn() {
    return this.capabilities;
  }
  async start() {}
  async stop() {}
  async execute(intent: Intent, ctx: ExecuteContext): Promise<ExecuteResult> {
    this.calls.push({ intent, ctx });
    const step = this.script.shift() ?? { platformMessageId: `tg-${this.calls.length}` };
    if (step instanceof Error) throw step;
    return step;
  }
}

for (const engine of ENGINES) {
  describe(`dispatcher (${engine})`, () => {
    let ts: TestStore;
    let store: Store;
    let ws: { id: string };
    let account: { id: string };
    let group: { id: string; platform_group_id: string };
    let clock = 1_700_000_000_000;
    const now = () => clock;
    const bus = new Bus();
    let dispatcher: Dispatcher | null = null;
    let keySeq = 0;

    before(async () => {
      ts = await makeStore(engine);
      store = openStore(ts.config);
      await migrateOrThrow(store);
      ws = await createWorkspace(store.db, { name: 'w', timezone: 'Asia/Shanghai', locale: 'zh-CN', now: clock });
      account = await createChannelAccount(store.db, { workspaceId: ws.id, kind: 'telegram', name: 'tg', config: {}, now: clock });
      group = await createGroup(store.db, { workspaceId: ws.id, channelAccountId: account.id, platformGroupId: '-100123', name: 'TG 群', rules: '', inviteCode: null, now: clock });
    });
    afterEach(async () => {
      await dispatcher?.stop();
      dispatcher = null;
      // Each test starts with no due work: rows a test left waiting (rate-limited, backing off) must
      // not be picked up by the next test's dispatcher.
      await store.db.updateTable('outbox').set({ status: 'failed', last_error: 'left over by an earlier test' }).where('status', 'in', ['pending', 'sending']).execute();
    });
    after(async () => {
      await store?.close();
      await ts?.cleanup();
    });

    async function enqueue(text: string) {
      const key = `test-${engine}-${++keySeq}`;
      const [row] = await enqueueIntents(
        store.db,
        ws.id,
        [
          {
            idempotencyKey: key,
            ruleId: null,
            groupId: group.id,
            intent: { kind: 'send_message', channelAccountId: account.id, platformGroupId: group.platform_group_id, platformUserId: null, content: { type: 'text', text, mentions: [] }, priority: 'interactive' },
          },
        ],
        clock,
      );
      assert.ok(row);
      return row;
    }

    function start(connector: ScriptedConnector | null, opts: { maxAttempts?: number; backoffMs?: number } = {}) {
      dispatcher = new Dispatcher({
        store,
        bus,
        now,
        connector: (id) => (id === account.id && connector ? connector : undefined),
        account: (id) => (id === account.id ? { workspaceId: ws.id, kind: 'telegram', capabilities: new WebchatConnector('test', 'bot').capabilities } : undefined),
        ...opts,
      });
      return dispatcher;
    }

    const deliveries = (id: string) => listDeliveries(store.db, id);
    const untilDeliveries = (id: string, n: number) => waitFor(async () => (await deliveries(id)).length >= n && deliveries(id), `${n} deliveries`);

    test('a successful send is recorded: sent, one delivery, the bot’s message stored under the fixed id', async () => {
      const row = await enqueue('你好');
      const connector = new ScriptedConnector(account.id, { idempotentSend: false, script: [{ platformMessageId: 'tg-777' }] });
      const seen: unknown[] = [];
      const onMessage = (n: unknown) => seen.push(n);
      bus.on('message', onMessage);
      try {
        await start(connector).start();
        await untilDeliveries(row.id, 1);
        await waitFor(() => seen.length > 0, 'the bus notice');
      } finally {
        bus.off('message', onMessage);
      }
      const out = await getOutboxRow(store.db, row.id);
      assert.deepEqual([out?.status, out?.attempts], ['sent', 1]);
      assert.equal(connector.calls.length, 1);
      assert.equal(connector.calls[0]?.ctx.idempotencyKey, row.idempotency_key);
      assert.equal(connector.calls[0]?.ctx.messageId, out?.message_id);
      const msgs = await store.db.selectFrom('messages').selectAll().where('outbox_id', '=', row.id).execute();
      assert.deepEqual(
        msgs.map((m) => [m.id, m.platform_message_id, m.direction, m.text, m.group_id]),
        [[out?.message_id, 'tg-777', 'out', '你好', group.id]],
      );
      assert.equal(seen.length, 1, 'the bus hears about it once');
      assert.deepEqual(
        (await deliveries(row.id)).map((d) => [d.attempt, d.status, d.platform_message_id]),
        [[1, 'sent', 'tg-777']],
      );
    });

    test('transient errors retry with exponential back-off, then fail after maxAttempts; each attempt is a delivery', async () => {
      const row = await enqueue('重试');
      const transient = () => new ConnectorError('transient', 'gateway timeout');
      const connector = new ScriptedConnector(account.id, { idempotentSend: false, script: [transient(), transient(), transient(), { platformMessageId: 'never' }] });
      clock += 1000;
      await start(connector, { maxAttempts: 3, backoffMs: 100 }).start();

      await untilDeliveries(row.id, 1);
      let out = await getOutboxRow(store.db, row.id);
      assert.deepEqual([out?.status, out?.attempts, out?.next_attempt_at, out?.last_error], ['pending', 1, clock + 100, 'gateway timeout']);

      // Not yet due: nothing happens.
      clock += 99;
      dispatcher!.wake();
      await dispatcher!.idle();
      assert.equal(connector.calls.length, 1, 'no attempt before the back-off is over');

      clock += 1;
      dispatcher!.wake();
      await untilDeliveries(row.id, 2);
      out = await getOutboxRow(store.db, row.id);
      assert.deepEqual([out?.status, out?.attempts, out?.next_attempt_at], ['pending', 2, clock + 200], 'the back-off doubles');

      clock += 200;
      dispatcher!.wake();
      await untilDeliveries(row.id, 3);
      await dispatcher!.idle();
      out = await getOutboxRow(store.db, row.id);
      assert.equal(out?.status, 'failed');
      assert.equal(out?.attempts, 3);
      assert.match(out?.last_error ?? '', /gave up after 3 attempts: gateway timeout/);
      assert.deepEqual(
        (await deliveries(row.id)).map((d) => [d.attempt, d.status]),
        [
          [1, 'retry'],
          [2, 'retry'],
          [3, 'failed'],
        ],
      );
      assert.equal(connector.calls.length, 3, 'no fourth attempt');
      assert.equal(new Set(connector.calls.map((c) => c.ctx.messageId)).size, 1, 'every attempt uses the same message id');
      const msgs = await store.db.selectFrom('messages').select('id').where('outbox_id', '=', row.id).execute();
      assert.equal(msgs.length, 0, 'nothing stored as sent');
    });

    test('rate_limited honours retryAfterMs (next_attempt_at), then sends', async () => {
      const row = await enqueue('慢点');
      const connector = new ScriptedConnector(account.id, { idempotentSend: false, script: [new ConnectorError('rate_limited', 'Too Many Requests: retry after 7', 7000)] });
      clock += 1000;
      await start(connector, { backoffMs: 100 }).start();
      await untilDeliveries(row.id, 1);
      const waiting = await getOutboxRow(store.db, row.id);
      assert.deepEqual([waiting?.status, waiting?.next_attempt_at], ['pending', clock + 7000]);

      clock += 6999;
      dispatcher!.wake();
      await dispatcher!.idle();
      assert.equal(connector.calls.length, 1, 'waits the full retry_after');

      clock += 1;
      dispatcher!.wake();
      await untilDeliveries(row.id, 2);
      await dispatcher!.idle();
      assert.equal((await getOutboxRow(store.db, row.id))?.status, 'sent');
      assert.deepEqual(
        (await deliveries(row.id)).map((d) => [d.attempt, d.status, d.error]),
        [
          [1, 'retry', 'Too Many Requests: retry after 7'],
          [2, 'sent', null],
        ],
      );
    });

    test('a permanent error fails at once, with one delivery', async () => {
      for (const code of ['permanent', 'forbidden'] as const) {
        const row = await enqueue(`永久失败 ${code}`);
        const connector = new ScriptedConnector(account.id, { idempotentSend: false, script: [new ConnectorError(code, 'bot was kicked')] });
        await start(connector, { maxAttempts: 5, backoffMs: 1 }).start();
        await untilDeliveries(row.id, 1);
        await dispatcher!.idle();
        const out = await getOutboxRow(store.db, row.id);
        assert.deepEqual([out?.status, out?.attempts, out?.last_error], ['failed', 1, `${code}: bot was kicked`]);
        assert.equal(connector.calls.length, 1);
        assert.deepEqual(
          (await deliveries(row.id)).map((d) => [d.attempt, d.status]),
          [[1, 'failed']],
        );
        await dispatcher!.stop();
      }
    });

    test('an unexpected error on a non-idempotent channel becomes "unknown" and is not resent', async () => {
      const row = await enqueue('不确定');
      const connector = new ScriptedConnector(account.id, { idempotentSend: false, script: [new Error('socket hang up')] });
      await start(connector, { backoffMs: 1 }).start();
      await untilDeliveries(row.id, 1);
      clock += 60_000;
      dispatcher!.wake();
      await dispatcher!.idle();
      const out = await getOutboxRow(store.db, row.id);
      assert.deepEqual([out?.status, out?.last_error], ['unknown', 'socket hang up']);
      assert.equal(connector.calls.length, 1);
    });

    test('crashed mid-send on a non-idempotent channel: "unknown" at start, never resent', async () => {
      const row = await enqueue('崩溃前发出');
      assert.equal(await claim(store.db, row.id, '01900000-0000-7000-8000-0000000000aa', clock), true);
      const connector = new ScriptedConnector(account.id, { idempotentSend: false });
      await start(connector).start();
      clock += 60_000;
      dispatcher!.wake();
      await dispatcher!.idle();
      const out = await getOutboxRow(store.db, row.id);
      assert.equal(out?.status, 'unknown');
      assert.match(out?.last_error ?? '', /restart/);
      assert.equal(connector.calls.length, 0, 'not sent again');
      const msgs = await store.db.selectFrom('messages').select('id').where('outbox_id', '=', row.id).execute();
      assert.equal(msgs.length, 0);
    });

    test('crashed mid-send on an idempotent channel: resent once, under the same message id', async () => {
      const row = await enqueue('崩溃后重发');
      const fixed = '01900000-0000-7000-8000-0000000000bb';
      assert.equal(await claim(store.db, row.id, fixed, clock), true);
      const connector = new ScriptedConnector(account.id, { idempotentSend: true });
      await start(connector).start();
      await untilDeliveries(row.id, 1);
      await dispatcher!.idle();
      assert.equal(connector.calls.length, 1);
      assert.equal(connector.calls[0]?.ctx.messageId, fixed);
      assert.equal(connector.calls[0]?.ctx.idempotencyKey, row.idempotency_key);
      const out = await getOutboxRow(store.db, row.id);
      assert.deepEqual([out?.status, out?.attempts], ['sent', 2]);
      const msgs = await store.db.selectFrom('messages').select('id').where('outbox_id', '=', row.id).execute();
      assert.deepEqual(
        msgs.map((m) => m.id),
        [fixed],
      );
    });

    test('without a connected channel the send is retried, then failed', async () => {
      const row = await enqueue('无连接');
      await start(null, { maxAttempts: 1, backoffMs: 1 }).start();
      await untilDeliveries(row.id, 1);
      await dispatcher!.idle();
      const out = await getOutboxRow(store.db, row.id);
      assert.equal(out?.status, 'failed');
      assert.match(out?.last_error ?? '', /not connected/);
    });
  });
}
