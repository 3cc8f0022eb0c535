// The assistant in the browser: an operator builds a private menu in the console (the preview
// shows the greeting and which group "3" would invite into); a member on a phone opens the
// assistant from their group's chat, gets the menu, replies 3, receives the invitation card,
// follows it and joins the least-full group; the operator sees the conversation live and answers
// by hand, which the member finds behind the assistant's badge. In-process server on SQLite.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureConsoleBuilt, launchBrowser, shotIfAsked, shotsOnFailure } from '../support/browser.ts';
import { ApiClient, Member, OWNER, setupOwner, startTestServer, type TestServer } from '../support/server.ts';

const CONSOLE = { viewport: { width: 1360, height: 900 }, locale: 'zh-CN' } as const;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' } as const;
const WAIT_MS = 10_000;
const NICKNAME = '小林';

describe('the assistant in the browser: a private menu, an invitation, a join, a hand-written answer', { skip: process.env.SHEQUN_SKIP_BROWSER === '1' }, () => {
  let server: TestServer;
  let base: string;
  let api: ApiClient;
  const g: Record<'origin' | 'read1' | 'read2', { id: string; name: string; inviteUrl: string }> = {} as never;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const members: Member[] = [];
  let op: Page;
  let phone: Page;

  async function newPage(options: typeof CONSOLE | typeof PHONE): Promise<Page> {
    const ctx = await browser.newContext(options);
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(WAIT_MS);
    return page;
  }

  before(async () => {
    ensureConsoleBuilt();
    server = await startTestServer('sqlite');
    base = server.url;
    api = await setupOwner(base);
    for (const [key, name] of [
      ['origin', '新人群'],
      ['read1', '读书会 1 群'],
      ['read2', '读书会 2 群'],
    ] as const) {
      const r = await api.post('/api/v1/groups', { name, rules: key === 'origin' ? '1. 友善交流\n2. 禁止广告' : '' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      g[key] = r.body;
    }
    // 读书会 1 群 has two members, 读书会 2 群 one: 2 群 is the least full.
    for (const [url, nickname] of [
      [g.read1.inviteUrl, '甲'],
      [g.read1.inviteUrl, '乙'],
      [g.read2.inviteUrl, '丙'],
    ] as const) {
      const m = new Member(base);
      members.push(m);
      assert.equal((await m.join(url, nickname)).status, 201);
    }
    browser = await launchBrowser();
    op = await newPage(CONSOLE);
    phone = await newPage(PHONE);
  });

  afterEach(shotsOnFailure('assistant', () => contexts.flatMap((c) => c.pages())));

  after(async () => {
    for (const m of members) m.close();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.destroy();
  });

  test('the operator creates a private menu; the preview shows the greeting and the group “3” invites into', async () => {
    await op.goto(`${base}/groups`);
    await op.waitForURL('**/login');
    await op.getByTestId('login-email').fill(OWNER.email);
    await op.getByTestId('login-password').fill(OWNER.password);
    await op.getByTestId('login-submit').click();
    await op.waitForURL('**/groups');
    await op.getByTestId('nav-menu').getByText('助手私聊').click();
    await op.waitForURL('**/assistant');
    await op.getByTestId('tab-menus').click();
    await op.getByTestId('menu-add').click();

    const form = op.getByTestId('menu-form');
    const options = form.getByTestId('menu-option');
    assert.equal(await options.count(), 3, 'a new menu starts with three options');
    await options.nth(1).getByTestId('menu-option-reply').fill('资料包：https://example.com/pack');
    const pool = options.nth(2).getByTestId('menu-option-pool');
    await pool.click();
    for (const name of ['读书会 1 群', '读书会 2 群']) await op.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: name }).click();
    await op.keyboard.press('Escape');

    const preview = op.getByTestId('menu-preview');
    await preview.getByTestId('menu-preview-greeting').getByText('3. 进群').waitFor();
    assert.match(await preview.getByTestId('menu-preview-greeting').innerText(), /^你好 @小明，我是社群助手～回复数字即可：\n1\. 了解群规\n2\. 领取资料包\n3\. 进群$/);
    await preview.getByText('回复 3').click();
    await preview.getByTestId('menu-preview-answer').getByText(`点击链接加入「读书会 2 群」：`).waitFor();
    await preview.getByText('回复 1').click();
    await preview.getByTestId('menu-preview-answer').getByText('1. 友善交流').waitFor();
    await shotIfAsked(op, 'assistant-menu-editor');

    await form.getByTestId('menu-save').click();
    await op.getByTestId('menu-table').getByText('私聊菜单').waitFor();
    const rules = await api.get('/api/v1/rules');
    const menu = rules.body.items.find((r: any) => r.preset === 'menu');
    assert.deepEqual(menu.conditions, [{ type: 'keyword', keywords: ['菜单', 'menu', '?'], mode: 'exact' }, { type: 'first_message' }]);
    assert.deepEqual(menu.actions[0].options[2].actions, [{ type: 'invite', groupIds: [g.read1.id, g.read2.id], cap: 200, mention: false, privately: false }]);
    await op.getByTestId('tab-conversations').click();
  });

  test('a member opens the assistant from the group chat, gets the menu, replies 3 and receives an invitation card', async () => {
    await phone.goto(g.origin.inviteUrl);
    await phone.getByTestId('join-nickname').fill(NICKNAME);
    await phone.getByTestId('join-submit').click();
    await phone.waitForURL(`**/chat/${g.origin.id}`);
    await phone.getByTestId('chat-assistant').click();
    await phone.waitForURL(`**/chat/${g.origin.id}/assistant`);
    await phone.getByTestId('assistant-intro').waitFor();
    assert.equal(await phone.getByTestId('assistant-name').innerText(), '社群助手');

    await phone.getByTestId('chat-input').fill('你好');
    await phone.getByTestId('chat-send').click();
    const menu = phone.locator('[data-testid="chat-message"][data-sender-bot="true"]', { hasText: '3. 进群' });
    await menu.waitFor();
    assert.match(await menu.getByTestId('chat-message-text').innerText(), /^你好 @小林，我是社群助手～回复数字即可：/);

    await phone.getByTestId('chat-input').fill('3');
    await phone.getByTestId('chat-send').click();
    const card = phone.locator('[data-testid="chat-message"][data-sender-bot="true"]').getByTestId('invite-card');
    await card.getByTestId('invite-card-name').getByText('读书会 2 群').waitFor();
    assert.ok((await phone.locator('[data-testid="chat-message"][data-sender-bot="true"]', { hasText: '点击链接加入「读书会 2 群」' }).count()) === 1);
    await shotIfAsked(phone, 'assistant-member-chat');
  });

  test('the operator sees the conversation arrive live', async () => {
    const conversation = op.getByTestId('direct-conversation').filter({ hasText: NICKNAME });
    await conversation.waitFor();
    await conversation.click();
    await op.getByTestId('direct-log').getByText('点击链接加入「读书会 2 群」', { exact: false }).waitFor();
    assert.equal(await op.getByTestId('direct-thread-name').innerText(), NICKNAME);
  });

  test('following the card joins the least-full group as the same member', async () => {
    await phone.locator('[data-testid="chat-message"][data-sender-bot="true"]').getByTestId('invite-card').click();
    await phone.waitForURL('**/join/*');
    await phone.getByTestId('join-group-name').getByText('读书会 2 群').waitFor();
    assert.equal(await phone.getByTestId('join-nickname').inputValue(), NICKNAME, 'the nickname is remembered');
    await phone.getByTestId('join-submit').click();
    await phone.waitForURL(`**/chat/${g.read2.id}`);
    await phone.getByTestId('chat-group-name').getByText('读书会 2 群').waitFor();
    const read2 = await api.get(`/api/v1/groups/${g.read2.id}`);
    assert.equal(read2.body.memberCount, 2);
    const read1 = await api.get(`/api/v1/groups/${g.read1.id}`);
    assert.equal(read1.body.memberCount, 2, 'the fuller group got nobody');
  });

  test('the operator answers by hand; the member sees the badge on the assistant and the answer behind it', async () => {
    await op.getByTestId('direct-input').fill('欢迎加入读书会，有问题随时找我！');
    await op.getByTestId('direct-send').click();
    await op.getByTestId('direct-log').getByText('欢迎加入读书会，有问题随时找我！').waitFor();
    await shotIfAsked(op, 'assistant-conversations');
    await phone.getByTestId('chat-assistant-unread').getByText('1').waitFor();
    await shotIfAsked(phone, 'assistant-group-badge');
    await phone.getByTestId('chat-assistant').click();
    await phone.waitForURL(`**/chat/${g.read2.id}/assistant`);
    await phone.locator('[data-testid="chat-message"][data-sender-bot="true"]', { hasText: '欢迎加入读书会，有问题随时找我！' }).waitFor();
    await phone.locator('[data-testid="chat-message"]', { hasText: '点击链接加入「读书会 2 群」' }).waitFor();
  });
});
