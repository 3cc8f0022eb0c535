// The foundation's user story in a real browser, against the real server started by its CLI:
// the owner sets up the workspace, creates a web-community group with rules, a welcome and a
// keyword reply, and shares the invite link; members join on phones, are welcomed with an
// @mention, get the keyword reply and chat with each other in real time; the operator follows
// the chat live in the console and opens a member's profile. Then the server is stopped
// (SIGTERM) and started again on the same data: everything is still there, and a message typed
// while the server was down is delivered once it is back.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { immediateWelcome } from '../support/server.ts';
import { openStore } from '../../src/store/index.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OWNER = { email: 'owner@example.com', password: 'correct horse battery', name: '林老板', workspace: '小林咖啡' };
const GROUP = '咖啡爱好者群';
const RULES = '1. 友善交流，互相尊重\n2. 禁止广告';
const WELCOME = '欢迎 {nickname} 加入「{group}」！群规：\n{rules}';
const KIT_REPLY = '资料包在这里：https://example.com/kit';
const HTML_NICKNAME = '<img src=x onerror=alert(1)>';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' } as const;

// ── helpers ─────────────────────────────────────────────────────────────────────────────────

/** Polls `check` until it returns something truthy (or stops throwing); fails after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T> | T, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

interface ServerProcess {
  child: ChildProcess;
  output: () => string;
}

/** `shequn start` as a child process, with a clean environment and a fast password hash. */
async function startShequn(port: number, dataDir: string): Promise<ServerProcess> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SHEQUN_') && k !== 'DATABASE_URL' && k !== 'PORT'));
  const child = spawn(
    process.execPath,
    ['src/cli/main.ts', 'start', '--port', String(port), '--host', '127.0.0.1', '--public-url', `http://127.0.0.1:${port}`, '--data-dir', dataDir],
    { cwd: ROOT, env: { ...env, SHEQUN_PASSWORD_COST: '10' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await eventually(() => {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${out}`);
    return out.includes('listening on');
  }, 'the server to listen', 30_000);
  return { child, output: () => out };
}

/** SIGTERM, then SIGKILL after 10 s; resolves to the exit code (null when it had to be killed). */
async function stopShequn(server: ServerProcess): Promise<number | null> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  return child.exitCode;
}

/** The built console, built now if this checkout has none yet (`npm test` builds it first). */
function ensureConsoleBuilt(): void {
  if (existsSync(join(ROOT, 'console', 'dist', 'index.html'))) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'console/vite.config.ts'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(r.status, 0, 'vite build failed');
}

/** Texts of the chat messages on a member's page. */
function chatMessages(page: Page): Locator {
  return page.getByTestId('chat-message');
}

async function botMessageContaining(page: Page, text: string): Promise<Locator> {
  const msg = page.locator('[data-testid="chat-message"][data-sender-bot="true"]', { hasText: text });
  await eventually(async () => (await msg.count()) > 0, `a bot message containing “${text}”`);
  return msg.last();
}

/** Fails the test if the page ever opens a dialog (an injected alert()). */
function forbidDialogs(page: Page, dialogs: string[]): void {
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
}

// ── the story ───────────────────────────────────────────────────────────────────────────────

describe('user story in the browser: console + web community', { skip: process.env.SHEQUN_SKIP_BROWSER === '1' }, () => {
  let port: number;
  let base: string;
  let dataDir: string;
  let server: ServerProcess | null = null;
  let browser: Browser;
  let operatorCtx: BrowserContext;
  let op: Page;
  const contexts: BrowserContext[] = [];
  const dialogs: string[] = [];
  let inviteUrl = '';
  let groupPath = '';
  let alice: Page;
  let bob: Page;

  before(async () => {
    ensureConsoleBuilt();
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    dataDir = mkdtempSync(join(tmpdir(), 'shequn-e2e-'));
    server = await startShequn(port, dataDir);
    browser = await launchBrowser();
    operatorCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    await operatorCtx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    contexts.push(operatorCtx);
    op = await operatorCtx.newPage();
    forbidDialogs(op, dialogs);
  });

  // A failed step leaves screenshots of every open page in test-results/e2e/ and the server's output.
  afterEach(async (t) => {
    if (!('passed' in t) || t.passed) return;
    const dir = join(ROOT, 'test-results', 'e2e');
    mkdirSync(dir, { recursive: true });
    const slug = t.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60);
    let n = 0;
    for (const c of contexts) for (const p of c.pages()) await p.screenshot({ path: join(dir, `${slug}-${++n}.png`) }).catch(() => {});
    if (server) console.log(`server output so far:\n${server.output()}`);
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    if (server) await stopShequn(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('first visit: the owner creates the account on /setup and lands on an empty group list', async () => {
    await op.goto(`${base}/`);
    await op.waitForURL('**/setup');
    await op.getByTestId('setup-workspace').fill(OWNER.workspace);
    await op.getByTestId('setup-name').fill(OWNER.name);
    await op.getByTestId('setup-email').fill(OWNER.email);
    await op.getByTestId('setup-password').fill('too short');
    await op.getByTestId('setup-submit').click();
    await op.getByText('密码至少 10 个字符').waitFor();
    await op.getByTestId('setup-password').fill(OWNER.password);
    await op.getByTestId('setup-submit').click();
    await op.waitForURL('**/groups');
    await op.getByTestId('groups-empty').waitFor();
    assert.equal(await op.getByTestId('workspace-name').textContent(), OWNER.workspace);
    assert.match((await op.getByTestId('groups-empty').textContent()) ?? '', /创建第一个群/);
  });

  test('the owner creates a group, writes rules and a welcome, adds the keyword reply 资料 and copies the invite link', async () => {
    await op.getByTestId('create-group').click();
    await op.getByTestId('create-group-name').fill(GROUP);
    await op.getByTestId('create-group-submit').click();
    await op.waitForURL(/\/groups\/[^/?]+/);
    groupPath = new URL(op.url()).pathname;
    // The story is about what a welcome says, so each member is welcomed at once rather than in a
    // batch (test/e2e/join-gate.test.ts has batching): written into the server's store directly.
    const store = openStore({ kind: 'sqlite', path: join(dataDir, 'shequn.db') });
    try {
      await immediateWelcome(store.db, decodeURIComponent(groupPath.split('/').pop() ?? ''));
    } finally {
      await store.close();
    }

    await op.getByTestId('tab-rules').click();
    await op.getByTestId('rules-text').fill(RULES);
    await op.getByTestId('rules-save').click();
    await op.getByText('群规已保存').waitFor();

    await op.getByTestId('welcome-template').fill(WELCOME);
    const preview = (await op.getByTestId('welcome-preview').textContent()) ?? '';
    assert.ok(preview.includes(`加入「${GROUP}」`) && preview.includes('禁止广告'), `live preview: ${preview}`);
    await op.getByTestId('welcome-save').click();
    await op.getByText('欢迎语已保存').waitFor();

    await op.getByTestId('tab-keywords').click();
    await op.getByTestId('keyword-add').click();
    await op.getByTestId('keyword-name').fill('发资料');
    await op.getByTestId('keyword-keywords').locator('input').fill('资料');
    await op.keyboard.press('Enter');
    await op.getByTestId('keyword-reply').fill(KIT_REPLY);
    await op.getByTestId('keyword-save').click();
    await op.getByTestId('keyword-table').getByText(KIT_REPLY).waitFor();

    await op.getByTestId('tab-overview').click();
    inviteUrl = await op.getByTestId('invite-link').inputValue();
    assert.match(inviteUrl, new RegExp(`^${base}/join/[\\w-]+$`));
    await op.getByTestId('invite-copy').click();
    assert.equal(await eventually(() => op.evaluate(() => navigator.clipboard.readText()), 'the clipboard'), inviteUrl);
  });

  test('a member opens the link on a phone, joins, and is welcomed with an @mention and the rules', async () => {
    const ctx = await browser.newContext(PHONE);
    contexts.push(ctx);
    alice = await ctx.newPage();
    forbidDialogs(alice, dialogs);
    await alice.goto(inviteUrl);
    assert.equal(await alice.getByTestId('join-group-name').textContent(), GROUP);
    await alice.getByTestId('join-nickname').fill('   ');
    await alice.getByTestId('join-submit').click();
    await alice.getByTestId('join-error').waitFor();
    await alice.getByTestId('join-nickname').fill('小红');
    await alice.getByTestId('join-submit').click();
    await alice.waitForURL('**/chat/*');
    assert.ok(await alice.evaluate(() => localStorage.getItem('shequn.webchat.token')), 'the member token is kept');

    const welcome = await botMessageContaining(alice, '欢迎');
    const text = (await welcome.getByTestId('chat-message-text').textContent()) ?? '';
    assert.ok(text.includes(`欢迎 @小红 加入「${GROUP}」`), text);
    assert.ok(text.includes('禁止广告'), 'the welcome carries the rules');
    const mention = welcome.getByTestId('mention');
    assert.equal(await mention.textContent(), '@小红');
    assert.equal(await mention.getAttribute('data-mention-me'), 'true');

    await alice.getByTestId('chat-rules-button').click();
    assert.ok(((await alice.getByTestId('chat-rules').textContent()) ?? '').includes('互相尊重'));
    await alice.getByText('关闭').click();
  });

  test('the member sends 资料 and gets the keyword reply', async () => {
    await alice.getByTestId('chat-input').fill('资料');
    await alice.getByTestId('chat-send').click();
    const reply = await botMessageContaining(alice, 'https://example.com/kit');
    assert.equal(await reply.getByTestId('mention').first().textContent(), '@小红');
    assert.ok(((await reply.getByTestId('chat-quote').textContent()) ?? '').includes('资料'), 'the reply quotes the question');
  });

  test('a second member joins and the two chat in real time, with an @mention; the operator follows live', async () => {
    await op.goto(`${base}${groupPath}?tab=messages`);
    await op.getByTestId('message-log').getByText(KIT_REPLY).waitFor();
    await eventually(async () => ((await op.getByTestId('live-status').textContent()) ?? '').includes('实时'), 'the live feed');

    const ctx = await browser.newContext(PHONE);
    contexts.push(ctx);
    bob = await ctx.newPage();
    forbidDialogs(bob, dialogs);
    await bob.goto(inviteUrl);
    await bob.getByTestId('join-nickname').fill(HTML_NICKNAME);
    await bob.getByTestId('join-submit').click();
    await bob.waitForURL('**/chat/*');
    await botMessageContaining(bob, HTML_NICKNAME);

    // Alice mentions Bob through the @ picker.
    const input = alice.getByTestId('chat-input');
    await input.click();
    await input.pressSequentially('@<im');
    await alice.getByTestId('mention-option').filter({ hasText: HTML_NICKNAME }).click();
    await input.pressSequentially('你好，欢迎！');
    assert.equal(await input.inputValue(), `@${HTML_NICKNAME} 你好，欢迎！`);
    await alice.getByTestId('chat-send').click();

    const atBob = bob.locator('[data-testid="chat-message"][data-sender-bot="false"]', { hasText: '你好，欢迎！' });
    await eventually(async () => (await atBob.count()) === 1, 'Bob to see Alice’s message');
    assert.equal(await atBob.getByTestId('chat-message-sender').textContent(), '小红');
    const mention = atBob.getByTestId('mention');
    assert.equal(await mention.textContent(), `@${HTML_NICKNAME}`);
    assert.equal(await mention.getAttribute('data-mention-me'), 'true', 'a mention of me is highlighted more strongly');

    await bob.getByTestId('chat-input').fill('谢谢小红！');
    await bob.getByTestId('chat-send').click();
    const fromBob = alice.locator('[data-testid="chat-message"]', { hasText: '谢谢小红！' });
    await eventually(async () => (await fromBob.count()) === 1, 'Alice to see Bob’s reply');
    assert.equal(await fromBob.getByTestId('chat-message-sender').textContent(), HTML_NICKNAME, 'the HTML nickname is shown as text');
    for (const p of [alice, bob]) assert.equal(await p.getByTestId('chat-log').locator('img').count(), 0, 'no markup from a nickname');

    // The operator saw it all arrive live, without reloading.
    const log = op.getByTestId('message-log');
    await log.getByText('你好，欢迎！').waitFor();
    await log.getByText('谢谢小红！').waitFor();
    assert.equal(await log.locator('img').count(), 0);

    // …and speaks as the bot; both members see it.
    await op.getByTestId('message-input').fill('欢迎两位！本周六下午有咖啡分享会。');
    await op.getByTestId('message-send').click();
    for (const p of [alice, bob]) await botMessageContaining(p, '本周六下午有咖啡分享会');
    assert.deepEqual(dialogs, [], 'no page opened a dialog');
  });

  test('the operator opens the member list and a member’s profile', async () => {
    await op.getByTestId('tab-members').click();
    const table = op.getByTestId('members-table');
    await table.getByText(HTML_NICKNAME).waitFor();
    await table.getByTestId('member-link').filter({ hasText: '小红' }).click();
    await op.waitForURL('**/contacts/*');
    const profile = op.getByTestId('contact-profile');
    await profile.waitFor();
    assert.equal(await op.getByTestId('contact-name').textContent(), '小红');
    await op.getByTestId('contact-memberships').getByText(GROUP).waitFor();
    await op.getByTestId('contact-messages').getByText('你好，欢迎！').waitFor();
  });

  test('after a restart the group, rules, keyword reply and history are all there; a message typed while the server was down is delivered', async () => {
    assert.ok(server);
    const stopped = server;
    // Checked at the end, so a slow shutdown does not hide whether the data survived.
    const exitCode = await stopShequn(stopped);
    server = null;

    // Alice notices and keeps typing; the message waits and goes out after the reconnect.
    await alice.getByTestId('chat-reconnecting').waitFor();
    await alice.getByTestId('chat-input').fill('服务器重启时发的消息');
    await alice.getByTestId('chat-send').click();
    await alice.locator('[data-pending="true"]', { hasText: '服务器重启时发的消息' }).waitFor();

    server = await startShequn(port, dataDir);

    await eventually(async () => (await alice.getByTestId('chat-reconnecting').count()) === 0, 'Alice to reconnect', 20_000);
    const delivered = alice.locator('[data-testid="chat-message"]:not([data-pending])', { hasText: '服务器重启时发的消息' });
    await eventually(async () => (await delivered.count()) === 1, 'the offline message to be delivered once', 20_000);
    await bob.locator('[data-testid="chat-message"]', { hasText: '服务器重启时发的消息' }).waitFor({ timeout: 20_000 });

    // The console: still signed in; group, rules, keyword reply and log survived.
    await op.goto(`${base}/groups`);
    await op.getByTestId('groups-table').getByText(GROUP).click();
    await op.waitForURL(`**${groupPath}*`);
    await op.getByTestId('tab-rules').click();
    assert.equal(await op.getByTestId('rules-text').inputValue(), RULES);
    assert.equal(await op.getByTestId('welcome-template').inputValue(), WELCOME);
    await op.getByTestId('tab-keywords').click();
    await op.getByTestId('keyword-table').getByText(KIT_REPLY).waitFor();
    await op.getByTestId('tab-messages').click();
    const log = op.getByTestId('message-log');
    for (const text of ['资料', KIT_REPLY, '你好，欢迎！', '谢谢小红！', '服务器重启时发的消息']) await log.getByText(text, { exact: false }).first().waitFor();

    // The member reloads the chat: the history is there, each message once.
    await alice.reload();
    await botMessageContaining(alice, '欢迎 @小红');
    await botMessageContaining(alice, 'https://example.com/kit');
    await alice.locator('[data-testid="chat-message"]', { hasText: '谢谢小红！' }).waitFor();
    assert.equal(await chatMessages(alice).filter({ hasText: '服务器重启时发的消息' }).count(), 1);

    assert.equal(exitCode, 0, `the server exits cleanly within 10 s of SIGTERM (it had to be killed):\n${stopped.output()}`);
  });

  test('sign-in: a wrong password is refused with a clear message, the right one opens the console', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(`${base}/groups`);
    await page.waitForURL('**/login');
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill('wrong password');
    await page.getByTestId('login-submit').click();
    assert.match((await page.getByTestId('login-error').textContent()) ?? '', /邮箱或密码错误/);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL('**/groups');
    await page.getByTestId('groups-table').getByText(GROUP).waitFor();
  });
});
