// The `shequn` CLI as a user runs it: a child process per command against a temporary data dir
// (and PostgreSQL for the import), checked by exit code, by what it prints, and through the API of
// a server started on the resulting store.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore, type StoreConfig } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts';
import { ApiClient, Member, startTestServer, waitFor } from '../support/server.ts';
import type { TestStore } from '../support/stores.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const OWNER = { email: 'cli-owner@example.com', name: 'CLI 群主', password: 'cli owner password' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `shequn …` in a scratch working directory with a clean environment. */
function shequn(args: string[], cwd: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, SHEQUN_PASSWORD_COST: '10' };
  for (const k of ['SHEQUN_DATABASE_URL', 'DATABASE_URL', 'SHEQUN_DATA_DIR', 'SHEQUN_CONFIG', 'SHEQUN_ADMIN_PASSWORD', 'SHEQUN_PORT', 'PORT']) delete env[k];
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [MAIN, ...args], { cwd, env, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

function assertCleanError(r: Run, pattern: RegExp) {
  assert.equal(r.code, 2, `exit code 2, got ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /^error: /m);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /^\s+at .+[:(]/m, 'no stack trace');
}

/** A TestStore over a store the CLI made (the test deletes the directories itself). */
const storeOf = (name: 'sqlite' | 'postgres', config: StoreConfig, dataDir: string): TestStore => ({ name, config, dataDir, cleanup: async () => {} });
const sqliteAt = (dir: string) => storeOf('sqlite', { kind: 'sqlite', path: join(dir, 'shequn.db') }, dir);

/** What a server on the store shows: groups with counts, and every group's messages. */
async function snapshot(store: TestStore) {
  const server = await startTestServer(store.name, { store });
  try {
    const api = new ApiClient(server.url);
    const login = await api.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
    assert.equal(login.status, 200, `the owner can sign in: ${JSON.stringify(login.body)}`);
    const groups = (await api.get('/api/v1/groups')).body.items as any[];
    const out = [];
    for (const g of groups) {
      const messages = (await api.get(`/api/v1/groups/${g.id}/messages?limit=200`)).body.items as any[];
      const members = (await api.get(`/api/v1/groups/${g.id}/members`)).body;
      const settings = (await api.get(`/api/v1/groups/${g.id}/settings`)).body;
      out.push({
        id: g.id,
        name: g.name,
        rules: g.rules,
        welcome: g.welcome,
        memberCount: g.memberCount,
        messageCount: g.messageCount,
        members: members.total,
        roles: (members.items as any[]).map((m) => [m.displayName, m.role]),
        settings: [settings.policy?.id ?? null, settings.overrides, settings.differs],
        messages: messages.map((m) => [m.id, m.direction, m.sender.name, m.text, m.replyToId]),
      });
    }
    const team = ((await api.get('/api/v1/team')).body.items as any[]).map((t) => [t.email, t.role]);
    const rules = ((await api.get('/api/v1/rules')).body.items as any[]).map((r) => [r.id, r.name, r.preset, r.conditions, r.groupId, r.policyId]);
    const wordLists = [];
    for (const l of (await api.get('/api/v1/word-lists')).body.items as any[]) {
      const words = (await api.get(`/api/v1/word-lists/${l.id}/words?limit=200`)).body.items as any[];
      wordLists.push([l.id, l.name, l.groupId, words.map((w) => [w.word, w.action]), l.policyId]);
    }
    const policies = ((await api.get('/api/v1/policies')).body.items as any[]).map((p) => [p.id, p.name, p.settings, p.groupCount, p.rules, p.welcome]);
    const admins = ((await api.get('/api/v1/admins')).body.items as any[]).map((a) => [a.id, a.groupId, a.identityId, a.name, a.addedBy, a.policyId]);
    return { groups: out, team, rules, wordLists, policies, admins };
  } finally {
    await server.close();
  }
}

async function countRows(config: StoreConfig) {
  const store = openStore(config);
  try {
    const n = async (t: 'workspaces' | 'users' | 'groups' | 'messages') => Number((await store.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { workspaces: await n('workspaces'), users: await n('users'), groups: await n('groups'), messages: await n('messages') };
  } finally {
    await store.close();
  }
}

describe('shequn CLI', () => {
  let tmp: string;
  let dataDir: string;
  let exportFile: string;
  let original: Awaited<ReturnType<typeof snapshot>>;
  const databases: TestDatabase[] = [];

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'shequn-cli-'));
    dataDir = join(tmp, 'data');
    exportFile = join(tmp, 'export.jsonl');
  });
  after(async () => {
    for (const d of databases) await d.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('migrate applies the schema once, then says it is up to date', async () => {
    const first = await shequn(['migrate', '--data-dir', dataDir], tmp);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied 0001_initial/);
    const second = await shequn(['migrate', '--data-dir', dataDir], tmp);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already up to date/);
    assert.ok(existsSync(join(dataDir, 'shequn.db')));
  });

  test('admin create: a too-short password is refused with exit code 2 and a clear message', async () => {
    const r = await shequn(['admin', 'create', '--data-dir', dataDir, '--email', OWNER.email, '--name', OWNER.name, '--password', 'short'], tmp);
    assertCleanError(r, /at least 10 characters/);
    assert.equal((await countRows({ kind: 'sqlite', path: join(dataDir, 'shequn.db') })).users, 0, 'no account was created');
  });

  test('admin create: the owner on a fresh store, then a team member', async () => {
    const owner = await shequn(['admin', 'create', '--data-dir', dataDir, '--email', OWNER.email, '--name', OWNER.name, '--password', OWNER.password, '--workspace-name', 'CLI 社群'], tmp);
    assert.equal(owner.code, 0, owner.stderr);
    assert.match(owner.stdout, /created the owner cli-owner@example\.com/);

    const member = await shequn(['admin', 'create', '--data-dir', dataDir, '--email', 'op@example.com', '--name', '运营', '--password', 'operator password', '--role', 'operator'], tmp);
    assert.equal(member.code, 0, member.stderr);
    assert.match(member.stdout, /added op@example\.com as operator/);

    const dup = await shequn(['admin', 'create', '--data-dir', dataDir, '--email', 'op@example.com', '--name', '运营', '--password', 'operator password', '--role', 'operator'], tmp);
    assertCleanError(dup, /already exists/);
    const badRole = await shequn(['admin', 'create', '--data-dir', dataDir, '--email', 'x@example.com', '--name', 'x', '--password', 'xxxxxxxxxxxx', '--role', 'owner'], tmp);
    assertCleanError(badRole, /--role/);
    const shortAgain = await shequn(['admin', 'create', '--data-dir', dataDir, '--email', 'y@example.com', '--name', 'y', '--password', 'short', '--role', 'viewer'], tmp);
    assertCleanError(shortAgain, /at least 10 characters/);
    assert.equal((await countRows({ kind: 'sqlite', path: join(dataDir, 'shequn.db') })).users, 2);
  });

  test('doctor passes on a good store, with ✓ lines', async () => {
    const r = await shequn(['doctor', '--data-dir', dataDir], tmp);
    const lines = r.stdout.trim().split('\n');
    for (const l of lines) assert.match(l, /^[✓✗•] /, `every line is a check: ${l}`);
    for (const expected of [/^✓ store reachable/, /^✓ schema up to date/, /^✓ 2 console account\(s\)/, /^✓ channel .* \(built-in web community\): ready/]) {
      assert.ok(
        lines.some((l) => expected.test(l)),
        `a line matching ${expected}:\n${r.stdout}`,
      );
    }
    const failures = lines.filter((l) => l.startsWith('✗'));
    // The only thing the store cannot vouch for is the console build (`npm test` builds it first).
    assert.deepEqual(
      failures.filter((l) => !/console is not built/.test(l)),
      [],
    );
    if (existsSync(join(ROOT, 'console', 'dist', 'index.html'))) assert.deepEqual(failures, []);
    assert.equal(r.code, failures.length === 0 ? 0 : 1, r.stderr);
  });

  test('doctor fails with exit 1 and a ✗ line when the store cannot be reached', async () => {
    const r = await shequn(['doctor', '--database-url', 'postgres://nobody@127.0.0.1:1/none'], tmp);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^✗ store not reachable/m);
  });

  test('a server on the CLI-made store: the owner signs in, a group fills with messages', async () => {
    const server = await startTestServer('sqlite', { store: sqliteAt(dataDir) });
    const member = new Member(server.url);
    try {
      const api = new ApiClient(server.url);
      assert.equal((await api.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password })).status, 200);
      const group = (await api.post('/api/v1/groups', { name: '导出测试群', rules: '群规：友善' })).body;
      await api.post('/api/v1/groups', { name: '空群' });
      const words = await api.post('/api/v1/word-lists', { name: '广告词', groupId: group.id, words: [{ word: '微信', action: 'block' }, { word: '发票', action: 'alert' }] });
      assert.equal(words.status, 201);
      const rule = await api.post('/api/v1/rules', {
        groupId: group.id,
        name: '资料',
        trigger: { type: 'message', scope: 'any' },
        conditions: [{ type: 'keyword', keywords: ['资料'], mode: 'contains' }],
        actions: [{ type: 'reply', template: '资料链接', mention: true, quote: true }],
      });
      assert.equal(rule.status, 201);
      const policy = await api.post('/api/v1/policies', { name: '严格', settings: { flood: { maxMessages: 4 } }, rules: '严格群规' });
      assert.equal(policy.status, 201);
      assert.equal((await api.put(`/api/v1/policies/${policy.body.id}/welcome`, { enabled: true, template: '模板欢迎' })).status, 200);
      assert.equal((await api.post('/api/v1/word-lists', { name: '模板词', policyId: policy.body.id, words: [{ word: '代写', action: 'warn' }] })).status, 201);
      assert.equal((await api.post(`/api/v1/policies/${policy.body.id}/apply`, { groupIds: [group.id] })).status, 200);
      assert.equal((await api.put(`/api/v1/groups/${group.id}/settings`, { overrides: { ads: { allowDomains: ['example.com'] } } })).status, 200);
      assert.equal((await member.join(group.inviteUrl, '小红')).status, 201);
      const [xiaohong] = (await api.get(`/api/v1/groups/${group.id}/members`)).body.items;
      assert.equal((await api.post('/api/v1/admins', { identityId: xiaohong.identityId, groupId: group.id })).status, 201);
      assert.equal((await api.post('/api/v1/admins', { identityId: xiaohong.identityId, policyId: policy.body.id })).status, 201);
      await member.connect();
      member.say('大家好');
      member.say('有资料吗');
      await waitFor(() => member.messages().some((m) => m.sender.isBot && m.text.includes('欢迎')), 'the welcome');
      await waitFor(() => member.messages().some((m) => m.text.includes('资料链接')), 'the keyword reply');
    } finally {
      member.close();
      await server.close();
    }
    original = await snapshot(sqliteAt(dataDir));
    const g = original.groups.find((x) => x.name === '导出测试群');
    assert.ok(g);
    assert.equal(g.memberCount, 1);
    assert.equal(g.messageCount, 4, 'welcome, two messages, one reply');
    const p = original.policies[0]!;
    assert.deepEqual(
      original.wordLists.map((l) => [l[1], l[3], l[4]]),
      [
        ['广告词', [['发票', 'alert'], ['微信', 'block']], null],
        ['模板词', [['代写', 'warn']], p[0]],
      ],
      'the word lists are part of the workspace, the template’s too',
    );
    assert.deepEqual(original.policies.map((x) => x.slice(1)), [['严格', { flood: { maxMessages: 4 } }, 1, '严格群规', { enabled: true, template: '模板欢迎' }]], 'the template is part of the workspace, with its welcome and rules text');
    assert.deepEqual(g.settings.slice(1), [{ ads: { allowDomains: ['example.com'] } }, ['ads.allowDomains']], 'so are the group’s template and overrides');
    assert.deepEqual(new Set(original.admins.map((a) => JSON.stringify([a[1], a[3], a[5]]))), new Set([JSON.stringify([g.id, '小红', null]), JSON.stringify([null, '小红', p[0]])]), 'and its admins, the template’s too');
    assert.deepEqual(g.roles, [['小红', 'admin']]);
  });

  test('export writes the workspace; import into a fresh data dir gives the same groups and messages', async () => {
    const exp = await shequn(['export', '--data-dir', dataDir, '-o', exportFile], tmp);
    assert.equal(exp.code, 0, exp.stderr);
    assert.match(exp.stdout, /exported workspace .*: \d+ rows/);
    const lines = readFileSync(exportFile, 'utf8').trim().split('\n');
    assert.equal(JSON.parse(lines[0]!).format, 'shequn-export');
    assert.ok(!lines.some((l) => l.includes('"t":"sessions"')), 'sessions are not exported');

    const fresh = join(tmp, 'imported');
    const imp = await shequn(['import', '--data-dir', fresh, '-i', exportFile], tmp);
    assert.equal(imp.code, 0, imp.stderr);
    assert.match(imp.stdout, new RegExp(`imported workspace .*: ${lines.length - 1} rows`));
    assert.deepEqual(await snapshot(sqliteAt(fresh)), original);

    const twice = await shequn(['import', '--data-dir', fresh, '-i', exportFile], tmp);
    assertCleanError(twice, /already exists/);
    assert.deepEqual(await countRows({ kind: 'sqlite', path: join(fresh, 'shequn.db') }), await countRows({ kind: 'sqlite', path: join(dataDir, 'shequn.db') }), 'nothing was added');
  });

  test('import into PostgreSQL (after migrate) gives the same groups and messages; twice → exit 2', async () => {
    const base = process.env.SHEQUN_TEST_PG_URL;
    assert.ok(base, 'SHEQUN_TEST_PG_URL is set by `npm test`');
    const db = await createTestDatabase(base);
    databases.push(db);
    const pgDir = join(tmp, 'pg-data');

    const notMigrated = await shequn(['import', '--database-url', db.url, '-i', exportFile], tmp);
    assertCleanError(notMigrated, /migrate/);

    const mig = await shequn(['migrate', '--database-url', db.url], tmp);
    assert.equal(mig.code, 0, mig.stderr);
    assert.match(mig.stdout, /applied 0001_initial, 0002_word_lists, 0003_cases, 0004_enforcement, 0005_outbox_by_group, 0006_direct_messages, 0007_policy_scoped_items, 0008_hot_path_indexes to PostgreSQL/);
    const imp = await shequn(['import', '--database-url', db.url, '-i', exportFile], tmp);
    assert.equal(imp.code, 0, imp.stderr);
    assert.deepEqual(await snapshot(storeOf('postgres', { kind: 'postgres', url: db.url }, pgDir)), original);

    const twice = await shequn(['import', '--database-url', db.url, '-i', exportFile], tmp);
    assertCleanError(twice, /already exists/);
    const doctor = await shequn(['doctor', '--database-url', db.url], tmp);
    assert.match(doctor.stdout, /^✓ schema up to date/m);
    assert.match(doctor.stdout, /^✓ 2 console account\(s\)/m);
  });

  test('a garbage import file → exit 2 with a clear message, nothing imported', async () => {
    const cases: [string, string, RegExp][] = [
      ['garbage.jsonl', 'this is not an export\n{{{\n', /not valid JSON/],
      ['other.jsonl', '{"format":"something-else","version":1}\n', /not a Shequn export/],
      ['empty.jsonl', '', /is empty/],
    ];
    // A real export with a broken line in the middle: the rows before it must not stay.
    const good = readFileSync(exportFile, 'utf8').trim().split('\n');
    const broken = [...good.slice(0, 6), '{"t":"groups","r":', ...good.slice(6)].join('\n');
    cases.push(['broken.jsonl', broken, /:7: not valid JSON/]);
    const unknownTable = [...good.slice(0, 3), '{"t":"secrets","r":{"id":"x"}}', ...good.slice(3)].join('\n');
    cases.push(['unknown-table.jsonl', unknownTable, /:4: not an export row/]);

    for (const [name, content, message] of cases) {
      const file = join(tmp, name);
      writeFileSync(file, content);
      const dir = join(tmp, `garbage-${name}`);
      const r = await shequn(['import', '--data-dir', dir, '-i', file], tmp);
      assertCleanError(r, message);
      assert.deepEqual(await countRows({ kind: 'sqlite', path: join(dir, 'shequn.db') }), { workspaces: 0, users: 0, groups: 0, messages: 0 }, `${name}: nothing imported`);
    }
    const missing = await shequn(['import', '--data-dir', join(tmp, 'garbage-missing'), '-i', join(tmp, 'no-such-file.jsonl')], tmp);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no-such-file\.jsonl/);
  });
});
