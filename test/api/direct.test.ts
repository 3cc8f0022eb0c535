// Direct messages with the assistant on the web community, private menus and invitation pools,
// through the public API and the member sockets, on the embedded store and on PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENGINES } from '../support/stores.ts';
import { ApiClient, Member, setupOwner, startTestServer, waitFor, type TestServer } from '../support/server.ts';

const bot = (m: any) => m.sender.isBot;

for (const engine of ENGINES) {
  describe(`direct messages, menus and invitation pools (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    const g: Record<'origin' | 'read1' | 'read2' | 'full', any> = {} as any;
    const members: Member[] = [];
    let alice: Member;
    const poolFull: any[] = [];

    async function group(name: string, rules = '') {
      const r = await api.post('/api/v1/groups', { name, rules });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    }
    async function member(inviteUrl: string, nickname: string) {
      const m = new Member(server.url);
      members.push(m);
      const r = await m.join(inviteUrl, nickname);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return m;
    }
    /** The outbox rows a member's message produced (written with the message, so known once it is acked). */
    const answersTo = async (clientMessageId: string, m: Member) =>
      server.rt.store.db.selectFrom('outbox').selectAll().where('idempotency_key', 'like', `%:msg:dm:${m.platformUserId}:${clientMessageId}:%`).execute();
    const acked = (m: Member, id: string) => waitFor(() => m.directFrames.find((f) => f.type === 'ack' && f.clientMessageId === id), `ack of ${id}`);

    before(async () => {
      server = await startTestServer(engine);
      api = await setupOwner(server.url);
      server.rt.bus.on('invite_pool_full', (n) => poolFull.push(n));
      g.origin = await group('新人群', '1. 友善交流\n2. 禁止广告');
      g.read1 = await group('读书会 1 群');
      g.read2 = await group('读书会 2 群');
      g.full = await group('满员群');
      // Occupancy: read1 has 2 members, read2 has 1, full has 2.
      await member(g.read1.inviteUrl, '甲');
      await member(g.read1.inviteUrl, '乙');
      await member(g.read2.inviteUrl, '丙');
      await member(g.full.inviteUrl, '丁');
      await member(g.full.inviteUrl, '戊');
      const menu = await api.post('/api/v1/rules', {
        groupId: null,
        name: '私聊菜单',
        preset: 'menu',
        trigger: { type: 'message', scope: 'direct' },
        conditions: [{ type: 'keyword', keywords: ['菜单', 'menu', '?'], mode: 'exact' }, { type: 'first_message' }],
        actions: [
          {
            type: 'menu',
            greeting: '你好 {nickname}，欢迎来到{group}！回复数字：',
            options: [
              { label: '了解群规', actions: [{ type: 'reply', template: '群规如下：\n{rules}' }] },
              { label: '领取资料包', actions: [{ type: 'reply', template: '资料包：https://example.com/pack' }] },
              { label: '进群', actions: [{ type: 'invite', groupIds: [g.read1.id, g.read2.id], cap: 3 }] },
            ],
          },
        ],
      });
      assert.equal(menu.status, 201, JSON.stringify(menu.body));
      assert.equal(menu.body.preset, 'menu');
      alice = await member(g.origin.inviteUrl, '小红');
    });
    after(async () => {
      for (const m of members) m.close();
      await server?.destroy();
    });

    test('the web community says it can send direct messages', async () => {
      const channels = await api.get('/api/v1/channel-accounts');
      assert.equal(channels.status, 200, JSON.stringify(channels.body));
      assert.equal(channels.body.items[0].capabilities.directMessage, true);
    });

    test('a member opens the assistant chat from their group: ready with the origin, the assistant and no history', async () => {
      await alice.connectDirect();
      const ready = alice.directFrames.find((f) => f.type === 'direct_ready');
      assert.deepEqual(ready.origin, { id: g.origin.id, name: '新人群', rules: '1. 友善交流\n2. 禁止广告' });
      assert.deepEqual(ready.me, { platformUserId: alice.platformUserId, nickname: '小红', isBot: false });
      assert.equal(ready.assistant.isBot, true);
      assert.deepEqual([ready.recent, ready.nextBefore], [[], null]);
    });

    test('the first message is stored, acknowledged and answered with the menu, privately', async () => {
      const id = alice.sayPrivately('你好');
      const ack = await acked(alice, id);
      const greeting = await waitFor(() => alice.directMessages().find((m) => bot(m) && m.text.includes('回复数字')), 'the menu');
      assert.equal(greeting.text, '你好 @小红，欢迎来到新人群！回复数字：\n1. 了解群规\n2. 领取资料包\n3. 进群');
      assert.equal(greeting.groupId, null);
      const mine = alice.directMessages().find((m) => m.id === ack.messageId);
      assert.equal(mine?.text, '你好', 'the member’s own message comes back on the chat');
      // Nothing of it shows in the group.
      const log = await api.get(`/api/v1/groups/${g.origin.id}/messages`);
      assert.equal(
        log.body.items.some((m: any) => m.text === '你好' || m.text.includes('回复数字')),
        false,
      );
    });

    test('a second ordinary message gets no menu; the keyword brings it back', async () => {
      const id = alice.sayPrivately('在吗');
      await acked(alice, id);
      assert.deepEqual(await answersTo(id, alice), [], 'no answer was decided');
      const again = alice.sayPrivately('菜单');
      await acked(alice, again);
      assert.equal((await answersTo(again, alice)).length, 1);
      await waitFor(() => alice.directMessages().filter((m) => bot(m) && m.text.includes('回复数字')).length === 2, 'the menu again');
    });

    test('1 answers with the origin group’s rules, ２ (full width) with the pack', async () => {
      alice.sayPrivately('1');
      await waitFor(() => alice.directMessages().find((m) => bot(m) && m.text === '群规如下：\n1. 友善交流\n2. 禁止广告'), 'the rules');
      alice.sayPrivately('２');
      await waitFor(() => alice.directMessages().find((m) => bot(m) && m.text === '资料包：https://example.com/pack'), 'the pack');
    });

    test('3 invites into the least-full group of the pool, with its link', async () => {
      alice.sayPrivately('3');
      const invite = await waitFor(() => alice.directMessages().find((m) => bot(m) && m.text.includes('/join/')), 'the invitation');
      assert.equal(invite.text, `点击链接加入「读书会 2 群」：\n${g.read2.inviteUrl}`);
    });

    test('following the link joins that group; asking again says "already in"', async () => {
      const joined = await alice.join(g.read2.inviteUrl, '小红');
      assert.equal(joined.status, 201);
      alice.sayPrivately('3');
      await waitFor(() => alice.directMessages().find((m) => bot(m) && m.text === '你已经在「读书会 2 群」里了，不用重复加入～'), 'already in');
    });

    test('the operator sees the conversation, reads it and answers by hand', async () => {
      const list = await api.get('/api/v1/direct-conversations');
      assert.equal(list.status, 200, JSON.stringify(list.body));
      assert.equal(list.body.total, 1);
      const conv = list.body.items[0];
      assert.equal(conv.displayName, '小红');
      assert.equal(conv.platformUserId, alice.platformUserId);
      assert.equal(conv.channelKind, 'webchat');
      assert.ok(conv.lastMessage.text.includes('你已经在'));
      const page = await api.get(`/api/v1/direct-conversations/${conv.identityId}/messages?limit=200`);
      assert.equal(page.status, 200);
      const texts = page.body.items.map((m: any) => m.text);
      assert.deepEqual(texts.slice(0, 2), ['你好', '你好 @小红，欢迎来到新人群！回复数字：\n1. 了解群规\n2. 领取资料包\n3. 进群']);
      assert.equal(conv.messageCount, page.body.items.length);
      const sent = await api.post(`/api/v1/direct-conversations/${conv.identityId}/messages`, { text: '有问题随时找我' });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      await waitFor(() => alice.directMessages().find((m) => bot(m) && m.text === '有问题随时找我'), 'the operator’s answer');
      // The member's own history endpoint has it all, from any group they are in.
      const mine = await fetch(`${server.url}/api/v1/webchat/direct/messages?groupId=${g.read2.id}&limit=200`, { headers: { authorization: `Bearer ${alice.token}` } });
      assert.equal(mine.status, 200);
      assert.equal(((await mine.json()) as any).items.at(-1).text, '有问题随时找我');
      const profile = await api.get(`/api/v1/contacts/${conv.contactId}`);
      assert.ok(profile.body.recentMessages.some((m: any) => m.text === '你好' && m.groupId === null));
    });

    test('a keyword in a group invites with an @mention there; every group full says so and alerts', async () => {
      const rule = await api.post('/api/v1/rules', {
        groupId: g.origin.id,
        name: '读书',
        trigger: { type: 'message', scope: 'group' },
        conditions: [{ type: 'keyword', keywords: ['读书'], mode: 'contains' }],
        actions: [{ type: 'invite', groupIds: [g.full.id, g.read1.id], cap: 2 }],
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
      const bob = await member(g.origin.inviteUrl, 'Bob');
      await bob.connect();
      const asked = bob.say('我也想读书');
      const answer = await waitFor(() => bob.messages().find((m) => bot(m) && m.text.includes('满员')), 'the full answer');
      assert.ok(answer.text.startsWith('@Bob '), answer.text);
      assert.equal(answer.mentions[0].platformUserId, bob.platformUserId);
      const question = bob.messages().find((m) => m.text === '我也想读书');
      assert.equal(answer.replyToId, question.id, 'the answer quotes the question');
      assert.ok(asked);
      await waitFor(() => poolFull.length === 1, 'the bus notice');
      assert.deepEqual(poolFull[0], { workspaceId: poolFull[0].workspaceId, ruleId: rule.body.id, groupIds: [g.full.id, g.read1.id], missingGroupIds: [], contactId: poolFull[0].contactId, memberName: 'Bob', caseId: poolFull[0].caseId });
      const alert = (await api.get('/api/v1/cases?status=open')).body.items.find((c: any) => c.id === poolFull[0].caseId);
      assert.deepEqual([alert?.kind, alert?.action, alert?.member.name, alert?.reason], ['pool_full', 'alert', 'Bob', '邀请池里的群都已满员'], 'the operators see it in the review queue, said in the workspace’s language');
      const audit = await api.get('/api/v1/audit-log');
      const row = audit.body.items.find((e: any) => e.action === 'invite.pool_full');
      assert.ok(row, 'an audit row');
      assert.equal(row.targetId, rule.body.id);
      assert.match(row.summary, /Bob/);
    });

    test('privately: a keyword in a group answers in the member’s private chat, and their group chat hears of it', async () => {
      const rule = await api.post('/api/v1/rules', {
        groupId: g.origin.id,
        name: '进群',
        trigger: { type: 'message', scope: 'group' },
        conditions: [{ type: 'keyword', keywords: ['进读书群'], mode: 'contains' }],
        actions: [{ type: 'invite', groupIds: [g.read1.id], cap: null, privately: true }],
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
      const carol = await member(g.origin.inviteUrl, 'Carol');
      await carol.connect();
      await carol.connectDirect();
      carol.say('我想进读书群');
      const invite = await waitFor(() => carol.directMessages().find((m) => bot(m) && m.text.includes(g.read1.inviteUrl)), 'the private invitation');
      assert.deepEqual(invite.mentions, [], 'no @mention in private');
      await waitFor(() => carol.frames.find((f) => f.type === 'direct_message' && f.message.id === invite.id), 'the note on the group socket');
      assert.equal(
        carol.messages().some((m) => m.id === invite.id),
        false,
        'not in the group',
      );
      const log = await api.get(`/api/v1/groups/${g.origin.id}/messages?limit=200`);
      assert.equal(
        log.body.items.some((m: any) => m.id === invite.id),
        false,
        'nor in its history',
      );
      // Another member's private chat does not get it.
      assert.equal(
        alice.directMessages().some((m) => m.id === invite.id),
        false,
      );
    });
  });
}

for (const engine of ENGINES) {
  describe(`direct messages and menus: bad input (${engine})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let origin: any;
    let pool: any;
    let menuId: string;
    const members: Member[] = [];

    const wsUrl = (token: string, groupId: string) => `${server.url.replace(/^http/, 'ws')}/api/v1/webchat/direct/ws?token=${encodeURIComponent(token)}&groupId=${groupId}`;
    /** Opens a socket and resolves with its close code. */
    const closeCode = (url: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.addEventListener('close', (e) => resolve(e.code));
      });
    const menu = (options: any[], extra: any = {}) => ({
      groupId: null,
      name: '菜单',
      preset: 'menu',
      trigger: { type: 'message', scope: 'direct' },
      conditions: [{ type: 'keyword', keywords: ['菜单'], mode: 'exact' }],
      actions: [{ type: 'menu', greeting: '回复数字：', options }],
      ...extra,
    });

    before(async () => {
      server = await startTestServer(engine);
      api = await setupOwner(server.url);
      origin = (await api.post('/api/v1/groups', { name: '新人群' })).body;
      pool = (await api.post('/api/v1/groups', { name: '将被删除的群' })).body;
      const r = await api.post('/api/v1/rules', menu([{ label: '进群', actions: [{ type: 'invite', groupIds: [pool.id] }] }]));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      menuId = r.body.id;
    });
    after(async () => {
      for (const m of members) m.close();
      await server?.destroy();
    });

    async function joined(nickname: string) {
      const m = new Member(server.url);
      members.push(m);
      assert.equal((await m.join(origin.inviteUrl, nickname)).status, 201);
      return m;
    }

    test('malformed frames get a clear error each; the chat stays open and nothing is stored for them', async () => {
      const m = await joined('坏帧');
      await m.connectDirect();
      const errors = () => m.directFrames.filter((f) => f.type === 'error');
      const sendRaw = (data: string) => m.direct?.send(data);
      sendRaw('not json');
      sendRaw(JSON.stringify({ type: 'shout', text: 'hi' }));
      sendRaw(JSON.stringify({ type: 'send', clientMessageId: 'short', text: 'hi' }));
      sendRaw(JSON.stringify({ type: 'send', clientMessageId: crypto.randomUUID(), text: '' }));
      sendRaw(JSON.stringify({ type: 'send', clientMessageId: crypto.randomUUID(), text: '   \n ' }));
      sendRaw(JSON.stringify({ type: 'send', clientMessageId: crypto.randomUUID(), text: '字'.repeat(4001) }));
      await waitFor(() => errors().length === 6, 'six errors');
      assert.deepEqual(
        errors().map((f) => f.code),
        ['invalid_json', 'invalid_frame', 'invalid_frame', 'invalid_frame', 'invalid_frame', 'invalid_frame'],
      );
      assert.match(errors()[4].message, /empty/);
      // The same chat still works, and only that message is stored.
      const id = m.sayPrivately('菜单');
      await waitFor(() => m.directFrames.find((f) => f.type === 'ack' && f.clientMessageId === id), 'the ack');
      await waitFor(() => m.directMessages().find((x) => x.sender.isBot && x.text.includes('回复数字')), 'the menu');
      const stored = await server.rt.store.db.selectFrom('messages').select('text').where('direction', '=', 'in').where('group_id', 'is', null).execute();
      assert.deepEqual(
        stored.map((r) => r.text),
        ['菜单'],
      );
    });

    test('a frame re-sent after a reconnect (same client id) is stored and answered once', async () => {
      const m = await joined('重发');
      await m.connectDirect();
      const id = m.sayPrivately('菜单');
      await waitFor(() => m.directFrames.find((f) => f.type === 'ack' && f.clientMessageId === id), 'the first ack');
      m.direct?.close();
      await m.connectDirect();
      m.sayPrivately('菜单', id);
      const acks = await waitFor(() => {
        const a = m.directFrames.filter((f) => f.type === 'ack' && f.clientMessageId === id);
        return a.length === 2 && a;
      }, 'the second ack');
      assert.equal(acks[0].messageId, acks[1].messageId, 'the same stored message');
      const page = await fetch(`${server.url}/api/v1/webchat/direct/messages?groupId=${origin.id}`, { headers: { authorization: `Bearer ${m.token}` } });
      const items = ((await page.json()) as any).items;
      assert.equal(items.filter((x: any) => x.text === '菜单').length, 1);
      await waitFor(() => m.directMessages().some((x) => x.sender.isBot), 'the answer');
      const answers = await server.rt.store.db.selectFrom('outbox').select('id').where('idempotency_key', 'like', `%:msg:dm:${m.platformUserId}:${id}:%`).execute();
      assert.equal(answers.length, 1, 'answered once');
    });

    test('a frame larger than the socket allows closes it (1009); the member can reconnect', async () => {
      const m = await joined('大帧');
      await m.connectDirect();
      const closed = new Promise<number>((resolve) => m.direct?.addEventListener('close', (e) => resolve(e.code)));
      m.direct?.send(JSON.stringify({ type: 'send', clientMessageId: crypto.randomUUID(), text: 'x'.repeat(70 * 1024) }));
      assert.equal(await closed, 1009);
      await m.connectDirect();
    });

    test('no token, an unknown token, or not a member of the group: refused', async () => {
      const outsider = new Member(server.url);
      members.push(outsider);
      const other = (await api.post('/api/v1/groups', { name: '别的群' })).body;
      assert.equal((await outsider.join(other.inviteUrl, '路人')).status, 201);
      assert.equal(await closeCode(wsUrl('', origin.id)), 4401);
      assert.equal(await closeCode(wsUrl('nonsense', origin.id)), 4401);
      assert.equal(await closeCode(wsUrl(outsider.token, origin.id)), 4403, 'a member elsewhere, not in this group');
      assert.equal(await closeCode(wsUrl(outsider.token, 'no-such-group')), 4403);
      const history = await fetch(`${server.url}/api/v1/webchat/direct/messages?groupId=${origin.id}`, { headers: { authorization: `Bearer ${outsider.token}` } });
      assert.equal(history.status, 403);
      assert.equal(((await history.json()) as any).error.code, 'not_member');
      const anonymous = await fetch(`${server.url}/api/v1/webchat/direct/messages?groupId=${origin.id}`);
      assert.equal(anonymous.status, 403);
      const noGroup = await fetch(`${server.url}/api/v1/webchat/direct/messages`, { headers: { authorization: `Bearer ${outsider.token}` } });
      assert.equal(noGroup.status, 400);
    });

    test('leaving the group closes the chat opened from it, which cannot be opened from there again', async () => {
      const m = await joined('离开');
      await m.connectDirect();
      const closed = new Promise<number>((resolve) => m.direct?.addEventListener('close', (e) => resolve(e.code)));
      const left = await fetch(`${server.url}/api/v1/webchat/groups/${origin.id}/leave`, { method: 'POST', headers: { authorization: `Bearer ${m.token}` } });
      assert.equal(left.status, 204);
      assert.equal(await closed, 4403);
      assert.equal(await closeCode(wsUrl(m.token, origin.id)), 4403);
    });

    test('rules: invalid menus and unknown pool groups are refused with a clear error, and nothing is saved', async () => {
      const before = (await api.get('/api/v1/rules')).body.items.length;
      const reply = [{ label: 'x', actions: [{ type: 'reply', template: 'x' }] }];
      const cases: [any, number, string | RegExp][] = [
        [menu(reply, { trigger: { type: 'message', scope: 'any' } }), 400, /direct messages/],
        [menu(reply, { preset: 'keyword_reply' }), 400, /menu preset/],
        [menu([]), 400, /options/],
        [menu(Array.from({ length: 10 }, () => reply[0])), 400, /options/],
        [{ ...menu(reply), conditions: [{ type: 'first_message' }], trigger: { type: 'message', scope: 'group' } }, 400, /direct/],
        [menu([{ label: 'x', actions: [{ type: 'invite', groupIds: [] }] }]), 400, /groupIds/],
        [menu([{ label: 'x', actions: [{ type: 'invite', groupIds: [pool.id, pool.id] }] }]), 400, /twice/],
        [menu([{ label: 'x', actions: [{ type: 'invite', groupIds: [pool.id], cap: 0 }] }]), 400, /cap/],
        [menu([{ label: 'x', actions: [{ type: 'invite', groupIds: ['no-such-group'] }] }]), 422, 'unknown_group'],
        [{ groupId: origin.id, name: 'w', trigger: { type: 'member_joined' }, conditions: [], actions: [{ type: 'invite', groupIds: [pool.id] }] }, 400, /join rules only reply/],
      ];
      for (const [body, status, expect] of cases) {
        const r = await api.post('/api/v1/rules', body);
        assert.equal(r.status, status, JSON.stringify(r.body));
        if (typeof expect === 'string') assert.equal(r.body.error.code, expect);
        else assert.match(r.body.error.message, expect);
      }
      const unknown = await api.post('/api/v1/rules', menu([{ label: 'x', actions: [{ type: 'invite', groupIds: ['no-such-group'] }] }]));
      assert.deepEqual(unknown.body.error.details, { groupIds: ['no-such-group'] });
      const code = origin.inviteUrl.split('/').pop();
      await server.rt.store.db.updateTable('groups').set({ invite_code: null }).where('id', '=', origin.id).execute();
      const linkless = await api.post('/api/v1/rules', menu([{ label: 'x', actions: [{ type: 'invite', groupIds: [origin.id] }] }]));
      assert.equal(linkless.status, 422);
      assert.equal(linkless.body.error.code, 'no_invite_link');
      assert.equal((await api.get('/api/v1/rules')).body.items.length, before, 'nothing saved');
      await server.rt.store.db.updateTable('groups').set({ invite_code: code }).where('id', '=', origin.id).execute();
    });

    test('an option whose groups were deleted since: the member is told, the operators alerted, nothing lost', async () => {
      const m = await joined('晚到');
      await m.connectDirect();
      await server.rt.store.db.deleteFrom('groups').where('id', '=', pool.id).execute();
      const again = await api.put(`/api/v1/rules/${menuId}`, menu([{ label: '进群', actions: [{ type: 'invite', groupIds: [pool.id] }] }]));
      assert.equal(again.status, 422, 'saving it again names the missing group');
      assert.equal(again.body.error.code, 'unknown_group');
      const id = m.sayPrivately('1');
      await waitFor(() => m.directFrames.find((f) => f.type === 'ack' && f.clientMessageId === id), 'the ack');
      await waitFor(() => m.directMessages().find((x) => x.sender.isBot && x.text.includes('满员')), 'the answer');
      const audit = (await api.get('/api/v1/audit-log')).body.items.find((e: any) => e.action === 'invite.pool_full');
      assert.ok(audit);
      assert.match(audit.summary, /no longer exist/);
    });

    test('operators: unknown conversations are 404, empty text 400, and a viewer may read but not answer', async () => {
      assert.equal((await api.get('/api/v1/direct-conversations/no-such-identity/messages')).status, 404);
      const list = await api.get('/api/v1/direct-conversations');
      const conv = list.body.items[0];
      assert.equal((await api.post(`/api/v1/direct-conversations/${conv.identityId}/messages`, { text: '  ' })).status, 400);
      assert.equal((await api.post(`/api/v1/direct-conversations/${conv.identityId}/messages`, { text: 'x'.repeat(4001) })).status, 400);
      const bot = await server.rt.store.db.selectFrom('identities').select('id').where('is_bot', '=', 1).executeTakeFirstOrThrow();
      assert.equal((await api.get(`/api/v1/direct-conversations/${bot.id}/messages`)).status, 404, 'the assistant is not a conversation');
      const added = await api.post('/api/v1/team', { email: 'viewer@example.com', name: '只读', password: 'viewer password 1', role: 'viewer' });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      const viewer = new ApiClient(server.url);
      assert.equal((await viewer.post('/api/v1/auth/login', { email: 'viewer@example.com', password: 'viewer password 1' })).status, 200);
      assert.equal((await viewer.get('/api/v1/direct-conversations')).status, 200);
      assert.equal((await viewer.post(`/api/v1/direct-conversations/${conv.identityId}/messages`, { text: 'hi' })).status, 403);
    });
  });
}
