// Sensitive words in the browser: the owner creates a word list on the Moderation page (a second
// spelling of the same word is merged and said so), a member's message hits it and is deleted, and
// the review queue shows who, which word and the struck-through evidence. The server runs in-process
// on SQLite, serving the built console.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureConsoleBuilt, launchBrowser, shotIfAsked, shotsOnFailure } from '../support/browser.ts';
import { Member, OWNER, setupOwner, startTestServer, waitFor, type ApiClient, type TestServer } from '../support/server.ts';

const GROUP = '读书会 · 词库测试';
const CONSOLE = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' } as const;
/** Every wait in this file is bounded by this (Playwright's own default is 30 s). */
const WAIT_MS = 10_000;


describe('word lists and cases in the browser', { skip: process.env.SHEQUN_SKIP_BROWSER === '1' }, () => {
  let server: TestServer;
  let api: ApiClient;
  let group: { id: string; inviteUrl: string };
  let browser: Browser;
  let ctx: BrowserContext;
  let op: Page;
  let member: Member;

  before(async () => {
    ensureConsoleBuilt();
    server = await startTestServer('sqlite');
    api = await setupOwner(server.url);
    const created = await api.post('/api/v1/groups', { name: GROUP, rules: '禁止广告' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    group = created.body;
    member = new Member(server.url);
    await member.join(group.inviteUrl, '广告哥');
    await member.connect();
    browser = await launchBrowser();
    ctx = await browser.newContext(CONSOLE);
    op = await ctx.newPage();
    op.setDefaultTimeout(WAIT_MS);
  });

  afterEach(shotsOnFailure('wordlists', () => [op]));

  after(async () => {
    member?.close();
    await ctx?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.destroy();
  });

  test('the owner creates a word list with 微信 (block); a second spelling is merged', async () => {
    await op.goto(`${server.url}/moderation`);
    await op.waitForURL('**/login');
    await op.getByTestId('login-email').fill(OWNER.email);
    await op.getByTestId('login-password').fill(OWNER.password);
    await op.getByTestId('login-submit').click();
    await op.waitForURL('**/moderation');
    await op.getByTestId('nav-menu').getByText('内容安全').waitFor();
    // The review queue comes first; the word lists are the second tab.
    await op.getByTestId('tab-lists').click();

    await op.getByTestId('wordlist-add').click();
    await op.getByTestId('wordlist-name').fill('广告引流');
    await op.getByTestId('wordlist-words').fill('微信,block\n微 信');
    await op.getByText('2 个词').waitFor();
    await op.getByTestId('wordlist-save').click();

    const row = op.getByTestId('wordlist-row').filter({ hasText: '广告引流' });
    await row.waitFor();
    assert.equal(await row.getByTestId('wordlist-count').textContent(), '1');
    assert.ok(((await row.textContent()) ?? '').includes('全部群'));
    const merged = op.getByTestId('wordlist-merged');
    await merged.waitFor();
    assert.ok(((await merged.textContent()) ?? '').includes('已合并 1 个写法相同的词'));
    await shotIfAsked(op, 'wordlists-lists');

    // Reopening the words shows what the server kept, in the same format.
    await row.getByTestId('wordlist-edit-words').click();
    const words = op.getByTestId('wordlist-words');
    await words.waitFor();
    assert.equal(await words.inputValue(), '微信');
    await op.getByTestId('wordlist-cancel').click();
    await words.waitFor({ state: 'detached' });
  });

  test('a member’s message hits the list; the Cases tab shows the word and the struck evidence', async () => {
    member.say('加微 信');
    await waitFor(() => member.frames.find((f) => f.type === 'message_deleted'), 'the message is deleted', WAIT_MS);

    await op.getByTestId('tab-cases').click();
    await op.waitForURL('**/moderation?tab=cases');
    const row = op.getByTestId('case-row').first();
    await row.waitFor();
    assert.equal(await row.getByTestId('case-word').textContent(), '微信');
    assert.equal(await row.getByTestId('case-member').textContent(), '广告哥');
    assert.match((await row.getByTestId('case-member').getAttribute('href')) ?? '', /^\/contacts\//);
    assert.ok(((await row.getByTestId('case-action').textContent()) ?? '').includes('拦截'));
    const evidence = row.getByTestId('case-evidence');
    assert.equal(await evidence.getAttribute('data-deleted'), 'true');
    assert.equal(await evidence.locator('del').textContent(), '加微 信', 'the evidence is kept, struck through');
    assert.ok(((await row.textContent()) ?? '').includes(GROUP));
    await shotIfAsked(op, 'wordlists-cases');
  });
});
