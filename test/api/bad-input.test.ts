// Bad input gets a clear error and loses nothing (DESIGN.md §5): malformed and oversized bodies,
// wrong types, unknown ids, hostile nicknames, broken WebSocket frames, duplicate deliveries,
// sign-in throttling, sessions, CSRF and roles. Every error body is `{ error: { code, message } }`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_MESSAGE_LENGTH } from '../../src/core/events.ts';
import { BODY_LIMIT } from '../../src/server/app.ts';
import { createWorkspace } from '../../src/store/repos/accounts.ts';
import { createChannelAccount } from '../../src/store/repos/channels.ts';
import { createGroup } from '../../src/store/repos/groups.ts';
import { ENGINES } from '../support/stores.ts';
import { ApiClient, Member, OWNER, setupOwner, startTestServer, waitFor, type ApiResponse, type TestServer } from '../support/server.ts';

function assertError(res: ApiResponse<any>, status: number, code: string, message?: RegExp) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  assert.ok(res.body && typeof res.body === 'object', `a JSON body: ${String(res.body)}`);
  assert.deepEqual(Object.keys(res.body), ['error'], 'only the error object');
  assert.equal(res.body.error.code, code);
  assert.equal(typeof res.body.error.message, 'string');
  assert.ok(res.body.error.message.length > 0, 'a message a person can read');
  if (message) assert.match(res.body.error.message, message);
}

/** A request with the session cookie but headers of our choosing (no automatic CSRF header). */
async function raw(api: ApiClient, method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse<any>> {
  const headers: Record<string, string> = { ...(api.cookie ? { cookie: api.cookie } : {}), ...init.headers };
  const res = await fetch(api.base + path, { method, headers, ...(init.body === undefined ? {} : { body: init.body }) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* keep the text */
  }
  return { status: res.status, body, headers: res.headers };
}

/** Opens a WebSocket and resolves with how the server closed it. */
function wsCloseOf(url: string): Promise<{ code: number; reason: string; frames: any[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: any[] = [];
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`the server did not close ${url} within 5 s`));
    }, 5000);
    ws.addEventListener('message', (e) => frames.push(JSON.parse(String(e.data))));
    ws.addEventListener('close', (e) => {
      clearTimeout(timer);
      resolve({ code: e.code, reason: e.reason, frames });
    });
  });
}

const keywordRule = (groupId: string | null, keywords: string[]) => ({
  groupId,
  name: '关键词',
  trigger: { type: 'message', scope: 'any' },
  conditions: [{ type: 'keyword', keywords, mode: 'contains' }],
  actions: [{ type: 'reply', template: '回复', mention: true, quote: false }],
});

describe('bad input (sqlite)', () => {
  let server: TestServer;
  let api: ApiClient;
  let group: any;
  const members: Member[] = [];

  before(async () => {
    server = await startTestServer('sqlite');
    api = await setupOwner(server.url);
    const created = await api.post('/api/v1/groups', { name: '坏输入测试群', rules: '' });
    assert.equal(created.status, 201);
    group = created.body;
  });
  after(async () => {
    for (const m of members) m.close();
    await server?.destroy();
  });

  const messageTexts = async () => (await api.get(`/api/v1/groups/${group.id}/messages?limit=200`)).body.items.map((m: any) => m.text) as string[];

  test('malformed JSON → 400 invalid_json', async () => {
    assertError(await api.request('POST', '/api/v1/groups', '{"name": "半个', { 'content-type': 'application/json' }), 400, 'invalid_json');
    assertError(await api.request('PATCH', `/api/v1/groups/${group.id}`, '{name: unquoted}', { 'content-type': 'application/json' }), 400, 'invalid_json');
    assert.equal((await api.get(`/api/v1/groups/${group.id}`)).body.name, '坏输入测试群', 'nothing changed');
  });

  test('an empty JSON body and a non-JSON content type are refused clearly', async () => {
    assertError(await api.request('POST', '/api/v1/groups', '', { 'content-type': 'application/json' }), 400, 'invalid_request');
    assertError(await api.request('POST', '/api/v1/groups', '<group name="x"/>', { 'content-type': 'application/xml' }), 415, 'unsupported_media_type');
    assertError(await api.request('POST', '/api/v1/groups', 'name=x', { 'content-type': 'text/plain' }), 400, 'invalid_request');
    assert.equal((await api.get('/api/v1/groups')).body.items.length, 1, 'no group was created');
  });

  test('wrong types and missing fields → 400 invalid_request naming the field', async () => {
    assertError(await api.post('/api/v1/groups', { name: 123 }), 400, 'invalid_request', /name/);
    assertError(await api.post('/api/v1/groups', { rules: '没有名字' }), 400, 'invalid_request', /name/);
    assertError(await api.post('/api/v1/groups', { name: '   ' }), 400, 'invalid_request', /name/);
    assertError(await api.post('/api/v1/groups', { name: 'ok', rules: 42 }), 400, 'invalid_request', /rules/);
    assertError(await api.patch(`/api/v1/groups/${group.id}`, {}), 400, 'invalid_request', /nothing to change/);
    assertError(await api.put(`/api/v1/groups/${group.id}/welcome`, { enabled: 'yes', template: 'x' }), 400, 'invalid_request', /enabled/);
    assertError(await api.put(`/api/v1/groups/${group.id}/welcome`, { enabled: true }), 400, 'invalid_request', /template/);
    const noTrigger = await api.post('/api/v1/rules', { groupId: group.id, name: 'x', conditions: [], actions: [{ type: 'reply', template: 'x' }] });
    assertError(noTrigger, 400, 'invalid_request', /trigger/);
    const badScope = await api.post('/api/v1/rules', { ...keywordRule(group.id, ['x']), trigger: { type: 'message', scope: 'everywhere' } });
    assertError(badScope, 400, 'invalid_request', /scope/);
    assertError(await api.get(`/api/v1/groups/${group.id}/messages?limit=abc`), 400, 'invalid_request', /limit/);
    assertError(await api.get(`/api/v1/groups/${group.id}/members?limit=100000`), 400, 'invalid_request', /limit/);
    assertError(await api.patch('/api/v1/workspace', { timezone: 'Mars/Olympus' }), 400, 'invalid_request', /time zone/);
    const groups = (await api.get('/api/v1/groups')).body.items;
    assert.equal(groups.length, 1, 'no group was created by any of these');
  });

  test('rules: an empty keyword list, an empty keyword, and a keyword condition on a join rule → 400', async () => {
    assertError(await api.post('/api/v1/rules', keywordRule(group.id, [])), 400, 'invalid_request', /keywords/);
    assertError(await api.post('/api/v1/rules', keywordRule(group.id, [''])), 400, 'invalid_request', /keywords/);
    assertError(await api.post('/api/v1/rules', keywordRule(group.id, ['  '])), 400, 'invalid_request', /keywords/);
    assertError(await api.post('/api/v1/rules', keywordRule(group.id, ['x'.repeat(101)])), 400, 'invalid_request', /keywords/);
    assertError(await api.post('/api/v1/rules', { ...keywordRule(group.id, ['x']), actions: [] }), 400, 'invalid_request', /actions/);
    assertError(await api.post('/api/v1/rules', { ...keywordRule(group.id, ['x']), trigger: { type: 'member_joined' } }), 400, 'invalid_request', /conditions/);
    const list = await api.get(`/api/v1/rules?groupId=${group.id}`);
    assert.deepEqual(
      list.body.items.map((r: any) => r.preset),
      ['welcome'],
      'no rule was saved',
    );
  });

  test('unknown ids → 404 not_found', async () => {
    const missing = '01900000-0000-7000-8000-000000000404';
    assertError(await api.get(`/api/v1/groups/${missing}`), 404, 'not_found', /group/);
    assertError(await api.patch(`/api/v1/groups/${missing}`, { name: 'x' }), 404, 'not_found');
    assertError(await api.put(`/api/v1/groups/${missing}/welcome`, { enabled: true, template: 'x' }), 404, 'not_found');
    assertError(await api.post(`/api/v1/groups/${missing}/invite/rotate`), 404, 'not_found');
    assertError(await api.get(`/api/v1/groups/${missing}/members`), 404, 'not_found');
    assertError(await api.get(`/api/v1/groups/${missing}/messages`), 404, 'not_found');
    assertError(await api.post(`/api/v1/groups/${missing}/messages`, { text: 'hi' }), 404, 'not_found');
    assertError(await api.get(`/api/v1/contacts/${missing}`), 404, 'not_found');
    assertError(await api.put(`/api/v1/rules/${missing}`, keywordRule(null, ['x'])), 404, 'not_found');
    assertError(await api.delete(`/api/v1/rules/${missing}`), 404, 'not_found');
    assertError(await api.patch(`/api/v1/team/${missing}`, { role: 'viewer' }), 404, 'not_found');
    assertError(await api.post('/api/v1/rules', keywordRule(missing, ['x'])), 404, 'not_found', /group/);
    assertError(await api.post('/api/v1/groups', { name: 'x', channelAccountId: missing }), 404, 'not_found');
    assertError(await api.get('/api/v1/no-such-thing'), 404, 'not_found');
    assertError(await api.delete(`/api/v1/groups/${group.id}`), 404, 'not_found', /no route/);
  });

  test(`a body over ${BODY_LIMIT / 1024} KiB → 413 payload_too_large, nothing changed`, async () => {
    const big = { name: '大', rules: 'x'.repeat(BODY_LIMIT + 1024) };
    assertError(await api.post('/api/v1/groups', big), 413, 'payload_too_large');
    assertError(await api.patch(`/api/v1/groups/${group.id}`, big), 413, 'payload_too_large');
    assert.equal((await api.get(`/api/v1/groups/${group.id}`)).body.name, '坏输入测试群');
    // Group rules text has its own, smaller limit.
    assertError(await api.patch(`/api/v1/groups/${group.id}`, { rules: 'x'.repeat(4001) }), 400, 'invalid_request', /rules/);
  });

  test(`a message over ${MAX_MESSAGE_LENGTH} characters is refused by the API; exactly ${MAX_MESSAGE_LENGTH} is accepted`, async () => {
    const tooLong = '长'.repeat(MAX_MESSAGE_LENGTH + 1);
    assertError(await api.post(`/api/v1/groups/${group.id}/messages`, { text: tooLong }), 400, 'invalid_request', /text/);
    assertError(await api.post(`/api/v1/groups/${group.id}/messages`, { text: '   ' }), 400, 'invalid_request', /text/);
    const ok = await api.post(`/api/v1/groups/${group.id}/messages`, { text: '好'.repeat(MAX_MESSAGE_LENGTH) });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    await waitFor(async () => (await messageTexts()).includes('好'.repeat(MAX_MESSAGE_LENGTH)), 'the operator message to be sent');
    assert.ok(!(await messageTexts()).includes(tooLong));
  });

  test('nicknames: HTML is stored and returned literally; control characters are refused', async () => {
    const html = '<script>alert("x")</script>&amp;';
    const m = new Member(server.url);
    members.push(m);
    const joined = await m.join(group.inviteUrl, html);
    assert.equal(joined.status, 201, JSON.stringify(joined.body));
    assert.equal((joined.body as any).member.nickname, html);
    await m.connect();
    const ready = m.frames.find((f) => f.type === 'ready');
    assert.equal(ready.me.nickname, html);
    const list = await api.get(`/api/v1/groups/${group.id}/members`);
    assert.ok(
      list.body.items.some((x: any) => x.displayName === html),
      'the console sees the name as typed',
    );

    for (const bad of ['响铃\u0007', 'new\nline', 'rtl\u202eevil', 'zero\u200bwidth', '']) {
      const other = new Member(server.url);
      const r = await other.join(group.inviteUrl, bad);
      assertError(r, 400, 'invalid_request', /nickname/);
    }
    const tooLong = await new Member(server.url).join(group.inviteUrl, '名'.repeat(33));
    assertError(tooLong, 400, 'invalid_request', /nickname/);
    const after = await api.get(`/api/v1/groups/${group.id}/members`);
    assert.equal(after.body.total, list.body.total, 'no one joined with a bad nickname');
  });

  test('unknown invite code → 404 invite_invalid; a malformed one → 400', async () => {
    assertError(await api.get('/api/v1/webchat/invites/doesnotexist'), 404, 'invite_invalid');
    assertError(await new Member(server.url).join(`${server.url}/join/doesnotexist`, '访客'), 404, 'invite_invalid');
    assertError(await api.get('/api/v1/webchat/invites/ab'), 400, 'invalid_request');
    // A rotated invite stops working.
    const oldCode = group.inviteUrl.split('/').pop();
    const rotated = await api.post(`/api/v1/groups/${group.id}/invite/rotate`);
    assert.equal(rotated.status, 200);
    assertError(await api.get(`/api/v1/webchat/invites/${oldCode}`), 404, 'invite_invalid');
    group = rotated.body;
  });

  test('the member history endpoint needs a member token', async () => {
    assertError(await raw(api, 'GET', `/api/v1/webchat/groups/${group.id}/messages`), 403, 'not_member');
    assertError(await raw(api, 'GET', `/api/v1/webchat/groups/${group.id}/messages`, { headers: { authorization: 'Bearer nonsense' } }), 403, 'not_member');
  });

  test('WebSocket: a bad token is closed with 4401, a token of another group with 4403', async () => {
    const ws = (token: string, groupId: string) => `${server.url.replace(/^http/, 'ws')}/api/v1/webchat/ws?token=${encodeURIComponent(token)}&groupId=${groupId}`;
    const bad = await wsCloseOf(ws('not-a-token', group.id));
    assert.equal(bad.code, 4401);
    assert.ok(!bad.frames.some((f) => f.type === 'ready'), 'no ready frame for a stranger');
    const none = await wsCloseOf(`${server.url.replace(/^http/, 'ws')}/api/v1/webchat/ws?groupId=${group.id}`);
    assert.equal(none.code, 4401);

    const other = await api.post('/api/v1/groups', { name: '另一个群' });
    assert.equal(other.status, 201);
    const m = new Member(server.url);
    members.push(m);
    assert.equal((await m.join(group.inviteUrl, '只在一个群')).status, 201);
    const elsewhere = await wsCloseOf(ws(m.token, other.body.id));
    assert.equal(elsewhere.code, 4403);
    assert.ok(!elsewhere.frames.some((f) => f.type === 'ready'));
  });

  test('WebSocket: non-JSON, unknown-type and oversize frames get error frames; nothing is stored; the socket stays usable', async () => {
    const m = new Member(server.url);
    members.push(m);
    assert.equal((await m.join(group.inviteUrl, '发坏帧的人')).status, 201);
    await m.connect();
    const before = (await messageTexts()).length;
    const errors = () => m.frames.filter((f) => f.type === 'error');

    m.ws!.send('this is not json');
    await waitFor(() => errors().length === 1, 'error for non-JSON');
    assert.equal(errors()[0].code, 'invalid_json');

    m.ws!.send(JSON.stringify({ type: 'dance', moves: 3 }));
    await waitFor(() => errors().length === 2, 'error for unknown type');
    assert.equal(errors()[1].code, 'invalid_frame');

    const tooLong = 'x'.repeat(MAX_MESSAGE_LENGTH + 1);
    m.say(tooLong, 'client-too-long');
    await waitFor(() => errors().length === 3, 'error for oversize text');
    assert.equal(errors()[2].code, 'invalid_frame');
    assert.match(errors()[2].message, /text/);

    m.ws!.send(JSON.stringify({ type: 'send', clientMessageId: 'short', text: 'hi' }));
    await waitFor(() => errors().length === 4, 'error for a too-short clientMessageId');

    m.ws!.send(JSON.stringify({ type: 'ping' }));
    await waitFor(() => m.frames.some((f) => f.type === 'pong'), 'pong: the socket still works');
    const id = m.say('坏帧之后还能说话');
    await waitFor(() => m.frames.some((f) => f.type === 'ack' && f.clientMessageId === id), 'ack for a good frame');
    const texts = await messageTexts();
    assert.equal(texts.length, before + 1, 'only the good frame was stored');
    assert.ok(!texts.includes(tooLong));
    assert.equal(m.ws!.readyState, WebSocket.OPEN);
  });

  test('a member’s frame delivered twice (same clientMessageId) is stored once', async () => {
    const m = new Member(server.url);
    members.push(m);
    assert.equal((await m.join(group.inviteUrl, '重发的人')).status, 201);
    await m.connect();
    const id = crypto.randomUUID();
    m.say('同一条消息', id);
    m.say('同一条消息', id);
    await waitFor(() => m.frames.filter((f) => f.type === 'ack' && f.clientMessageId === id).length === 2, 'two acks');
    const acks = m.frames.filter((f) => f.type === 'ack' && f.clientMessageId === id);
    assert.equal(acks[0].messageId, acks[1].messageId, 'both acks name the same stored message');
    assert.equal((await messageTexts()).filter((t) => t === '同一条消息').length, 1);
    // Reconnect and send it a third time.
    m.close();
    const again = new Member(server.url);
    members.push(again);
    Object.assign(again, { token: m.token, groupId: m.groupId, platformUserId: m.platformUserId });
    await again.connect();
    again.say('同一条消息', id);
    await waitFor(() => again.frames.some((f) => f.type === 'ack' && f.clientMessageId === id), 'ack after reconnect');
    assert.equal((await messageTexts()).filter((t) => t === '同一条消息').length, 1);
  });

  test('audit log records configuration changes', async () => {
    const created = await api.post('/api/v1/groups', { name: '审计群' });
    const gid = created.body.id;
    await api.patch(`/api/v1/groups/${gid}`, { name: '审计群（改）' });
    await api.put(`/api/v1/groups/${gid}/welcome`, { enabled: true, template: '欢迎 {nickname}' });
    const rule = await api.post('/api/v1/rules', keywordRule(gid, ['审计']));
    assert.equal(rule.status, 201);
    assert.equal((await api.put(`/api/v1/rules/${rule.body.id}`, keywordRule(gid, ['审计', '日志']))).status, 200);
    assert.equal((await api.delete(`/api/v1/rules/${rule.body.id}`)).status, 204);
    const log = await api.get('/api/v1/audit-log?limit=200');
    assert.equal(log.status, 200);
    const entries = log.body.items as any[];
    const find = (action: string, targetId: string) => entries.find((e) => e.action === action && e.targetId === targetId);
    for (const [action, target] of [
      ['group.create', gid],
      ['group.update', gid],
      ['group.welcome', gid],
      ['rule.create', rule.body.id],
      ['rule.update', rule.body.id],
      ['rule.delete', rule.body.id],
    ] as const) {
      const e = find(action, target);
      assert.ok(e, `audit entry ${action}`);
      assert.equal(e.actor.name, OWNER.name);
      assert.ok(e.summary.length > 0);
    }
    const order = ['rule.delete', 'rule.update', 'rule.create', 'group.welcome', 'group.update', 'group.create'];
    const positions = order.map((a) => entries.findIndex((e) => e.action === a && (e.targetId === gid || e.targetId === rule.body.id)));
    assert.deepEqual(
      [...positions].sort((a, b) => a - b),
      positions,
      'newest first',
    );
    // A failed change leaves no entry.
    const count = entries.length;
    await api.patch(`/api/v1/groups/${gid}`, {});
    assert.equal((await api.get('/api/v1/audit-log?limit=200')).body.items.length, count);
  });
});

for (const engine of ENGINES) {
  describe(`sessions, CSRF, roles and throttling (${engine})`, () => {
    let server: TestServer;
    let owner: ApiClient;
    let viewer: ApiClient;
    let group: any;
    let rule: any;
    const VIEWER = { email: 'viewer@example.com', name: '观察员', password: 'viewer password 1', role: 'viewer' };

    before(async () => {
      server = await startTestServer(engine);
      owner = await setupOwner(server.url);
      group = (await owner.post('/api/v1/groups', { name: '权限测试群', rules: '原来的群规' })).body;
      rule = (await owner.post('/api/v1/rules', keywordRule(group.id, ['原来']))).body;
      const added = await owner.post('/api/v1/team', VIEWER);
      assert.equal(added.status, 201, JSON.stringify(added.body));
      viewer = new ApiClient(server.url);
      const login = await viewer.post('/api/v1/auth/login', { email: VIEWER.email, password: VIEWER.password });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      assert.equal(login.body.role, 'viewer');
    });
    after(async () => {
      await server?.destroy();
    });

    test('a second setup → 409, and the owner is unchanged', async () => {
      const again = await new ApiClient(server.url).post('/api/v1/setup', { ...OWNER, email: 'intruder@example.com', password: 'intruder password' });
      assertError(again, 409, 'already_set_up');
      assert.equal((await new ApiClient(server.url).get('/api/v1/setup')).body.needsOwner, false);
      const login = await new ApiClient(server.url).post('/api/v1/auth/login', { email: 'intruder@example.com', password: 'intruder password' });
      assertError(login, 401, 'invalid_credentials');
    });

    test('unauthenticated calls → 401', async () => {
      const anon = new ApiClient(server.url);
      assertError(await anon.get('/api/v1/groups'), 401, 'unauthenticated');
      assertError(await anon.get('/api/v1/auth/me'), 401, 'unauthenticated');
      assertError(await anon.post('/api/v1/groups', { name: 'x' }), 401, 'unauthenticated');
      assertError(await anon.get('/api/v1/audit-log'), 401, 'unauthenticated');
      const forged = await raw(anon, 'GET', '/api/v1/groups', { headers: { cookie: 'shequn_sid=forged-token' } });
      assertError(forged, 401, 'unauthenticated');
    });

    test('after logout the session is gone', async () => {
      const c = new ApiClient(server.url);
      assert.equal((await c.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password })).status, 200);
      const cookie = c.cookie;
      assert.equal((await c.post('/api/v1/auth/logout')).status, 204);
      assertError(await raw(c, 'GET', '/api/v1/groups', { headers: { cookie } }), 401, 'unauthenticated');
    });

    test('a change without or with a wrong x-csrf-token → 403 csrf, nothing changed', async () => {
      const body = JSON.stringify({ name: '被篡改' });
      const json = { 'content-type': 'application/json' };
      assertError(await raw(owner, 'PATCH', `/api/v1/groups/${group.id}`, { body, headers: json }), 403, 'csrf');
      assertError(await raw(owner, 'PATCH', `/api/v1/groups/${group.id}`, { body, headers: { ...json, 'x-csrf-token': 'wrong' } }), 403, 'csrf');
      assertError(await raw(owner, 'PATCH', `/api/v1/groups/${group.id}`, { body, headers: { ...json, 'x-csrf-token': viewer.csrf } }), 403, 'csrf', undefined);
      assertError(await raw(owner, 'POST', '/api/v1/groups', { body, headers: json }), 403, 'csrf');
      assertError(await raw(owner, 'DELETE', `/api/v1/rules/${rule.id}`, { headers: { 'x-csrf-token': '' } }), 403, 'csrf');
      assert.equal((await owner.get(`/api/v1/groups/${group.id}`)).body.name, '权限测试群');
      assert.equal((await owner.get('/api/v1/groups')).body.items.length, 1);
      assert.equal((await owner.get(`/api/v1/rules?groupId=${group.id}`)).body.items.length, 2);
      // Reads need no CSRF token.
      assert.equal((await raw(owner, 'GET', '/api/v1/groups')).status, 200);
    });

    test('a viewer can read but not change settings, groups, rules, team or send → 403 forbidden, nothing changed', async () => {
      assert.equal((await viewer.get('/api/v1/groups')).status, 200);
      assert.equal((await viewer.get(`/api/v1/groups/${group.id}/messages`)).status, 200);
      const before = {
        workspace: (await owner.get('/api/v1/workspace')).body,
        group: (await owner.get(`/api/v1/groups/${group.id}`)).body,
        rules: (await owner.get('/api/v1/rules')).body,
        team: (await owner.get('/api/v1/team')).body,
        messages: (await owner.get(`/api/v1/groups/${group.id}/messages`)).body,
      };
      assertError(await viewer.patch('/api/v1/workspace', { name: '观察员的工作区' }), 403, 'forbidden');
      assertError(await viewer.post('/api/v1/groups', { name: '观察员的群' }), 403, 'forbidden');
      assertError(await viewer.patch(`/api/v1/groups/${group.id}`, { name: '观察员改名', rules: '观察员的群规' }), 403, 'forbidden');
      assertError(await viewer.put(`/api/v1/groups/${group.id}/welcome`, { enabled: false, template: '不欢迎' }), 403, 'forbidden');
      assertError(await viewer.post(`/api/v1/groups/${group.id}/invite/rotate`), 403, 'forbidden');
      assertError(await viewer.post('/api/v1/rules', keywordRule(group.id, ['观察'])), 403, 'forbidden');
      assertError(await viewer.put(`/api/v1/rules/${rule.id}`, keywordRule(group.id, ['改了'])), 403, 'forbidden');
      assertError(await viewer.delete(`/api/v1/rules/${rule.id}`), 403, 'forbidden');
      assertError(await viewer.post(`/api/v1/groups/${group.id}/messages`, { text: '观察员发言' }), 403, 'forbidden');
      assertError(await viewer.post('/api/v1/team', { email: 'x@example.com', name: 'x', password: 'xxxxxxxxxxxx', role: 'admin' }), 403, 'forbidden');
      const me = (await viewer.get('/api/v1/auth/me')).body.user.id;
      assertError(await viewer.patch(`/api/v1/team/${me}`, { role: 'admin' }), 403, 'forbidden');
      assertError(await viewer.get('/api/v1/audit-log'), 403, 'forbidden');

      const afterAll = {
        workspace: (await owner.get('/api/v1/workspace')).body,
        group: (await owner.get(`/api/v1/groups/${group.id}`)).body,
        rules: (await owner.get('/api/v1/rules')).body,
        team: (await owner.get('/api/v1/team')).body,
        messages: (await owner.get(`/api/v1/groups/${group.id}/messages`)).body,
      };
      assert.deepEqual(afterAll, before, 'nothing changed');
      assert.equal((await viewer.get('/api/v1/auth/me')).body.role, 'viewer', 'still a viewer');
      // A viewer may change their own preferences.
      assert.equal((await viewer.patch('/api/v1/auth/me', { locale: 'en' })).status, 200);
    });

    test('a group of another workspace is invisible: 404 for reads, changes and rules', async () => {
      const db = server.rt.store.db;
      const now = Date.now();
      const ws = await createWorkspace(db, { name: '别人的工作区', timezone: 'Asia/Shanghai', locale: 'zh-CN', now });
      const acc = await createChannelAccount(db, { workspaceId: ws.id, kind: 'webchat', name: 'other', config: {}, now });
      const foreign = await createGroup(db, { workspaceId: ws.id, channelAccountId: acc.id, name: '别人的群', rules: '别人的规则', inviteCode: null, now });
      assertError(await owner.get(`/api/v1/groups/${foreign.id}`), 404, 'not_found');
      assertError(await owner.patch(`/api/v1/groups/${foreign.id}`, { name: '抢来的群' }), 404, 'not_found');
      assertError(await owner.put(`/api/v1/groups/${foreign.id}/welcome`, { enabled: true, template: 'x' }), 404, 'not_found');
      assertError(await owner.get(`/api/v1/groups/${foreign.id}/messages`), 404, 'not_found');
      assertError(await owner.post(`/api/v1/groups/${foreign.id}/messages`, { text: 'hi' }), 404, 'not_found');
      assertError(await owner.post('/api/v1/rules', keywordRule(foreign.id, ['x'])), 404, 'not_found');
      assertError(await owner.put(`/api/v1/rules/${rule.id}`, keywordRule(foreign.id, ['x'])), 404, 'not_found');
      assertError(await owner.post('/api/v1/groups', { name: '用别人的渠道', channelAccountId: acc.id }), 404, 'not_found');
      const stillThere = await db.selectFrom('groups').selectAll().where('id', '=', foreign.id).executeTakeFirst();
      assert.equal(stillThere?.name, '别人的群');
      const theirRules = await db.selectFrom('rules').select('id').where('group_id', '=', foreign.id).execute();
      assert.equal(theirRules.length, 0);
      assert.ok(!(await owner.get('/api/v1/groups')).body.items.some((g: any) => g.id === foreign.id));
    });

    test('wrong password ×5 → 429 too_many_attempts with retry-after; the right password is refused while locked', async () => {
      const LOCKED = { email: 'locked@example.com', name: '被锁的人', password: 'locked password 1', role: 'operator' };
      assert.equal((await owner.post('/api/v1/team', LOCKED)).status, 201);
      const c = new ApiClient(server.url);
      for (let i = 0; i < 5; i++) {
        assertError(await c.post('/api/v1/auth/login', { email: LOCKED.email, password: `wrong password ${i}` }), 401, 'invalid_credentials');
      }
      const locked = await c.post('/api/v1/auth/login', { email: LOCKED.email, password: 'wrong again' });
      assertError(locked, 429, 'too_many_attempts');
      const retryAfter = Number(locked.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 15 * 60, `retry-after in seconds: ${locked.headers.get('retry-after')}`);
      const right = await c.post('/api/v1/auth/login', { email: LOCKED.email, password: LOCKED.password });
      assertError(right, 429, 'too_many_attempts');
      assert.equal(c.cookie, '', 'no session was opened');
      // The email is matched case-insensitively, so the lock cannot be side-stepped with capitals.
      assertError(await c.post('/api/v1/auth/login', { email: 'LOCKED@example.com', password: LOCKED.password }), 429, 'too_many_attempts');
      // Other accounts are not locked.
      assert.equal((await new ApiClient(server.url).post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password })).status, 200);
    });

    test('unknown emails are refused like wrong passwords', async () => {
      assertError(await new ApiClient(server.url).post('/api/v1/auth/login', { email: 'nobody@example.com', password: 'whatever 123' }), 401, 'invalid_credentials');
      assertError(await new ApiClient(server.url).post('/api/v1/auth/login', { email: 'not an email', password: 'x' }), 400, 'invalid_request', /email/);
    });
  });
}
