// Moderation in the browser: an operator signed in to the console deletes a member's ad from the
// message log (the member's phone shows a placeholder, the log keeps the text marked deleted),
// removes the member from the Members tab (the phone shows the not-member page), and the member
// comes back through the invite link. A viewer sees neither action. The server runs in-process on
// SQLite, serving the built console.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ensureConsoleBuilt, launchBrowser, shotIfAsked, shotsOnFailure } from '../support/browser.ts';
import { ApiClient, immediateWelcome, Member, OWNER, setupOwner, startTestServer, type TestServer } from '../support/server.ts';

const GROUP = '读书会 · 管理测试';
// An ad the automatic checks let through (no link, number or id), for a moderator to remove by hand.
const AD = '周末特价团购 私聊我';
const SPAMMER = '广告哥';
const CONSOLE = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' } as const;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' } as const;
/** Every wait in this file is bounded by this (Playwright's own default is 30 s). */
const WAIT_MS = 10_000;


/** Signs a console page in through the login page. */
async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/groups`);
  await page.waitForURL('**/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL('**/groups');
}

async function liveFeedOpen(page: Page): Promise<void> {
  await page.locator('[data-testid="live-status"]', { hasText: '实时' }).waitFor();
}

describe('moderation in the browser: delete a message, remove a member, rejoin', { skip: process.env.SHEQUN_SKIP_BROWSER === '1' }, () => {
  let server: TestServer;
  let base: string;
  let api: ApiClient;
  let group: { id: string; inviteUrl: string };
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let op: Page;
  let phone: Page;
  /** Another member, over the API: they must stop seeing the ad too. */
  let alice: Member;
  let adId = '';

  async function newPage(options: typeof CONSOLE | typeof PHONE): Promise<Page> {
    const ctx = await browser.newContext(options);
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(WAIT_MS);
    return page;
  }

  function logItem(id: string): Locator {
    return op.locator(`[data-testid="log-message"][data-message-id="${id}"]`);
  }

  function phoneMessage(id: string): Locator {
    return phone.locator(`[data-testid="chat-message"][data-message-id="${id}"]`);
  }

  before(async () => {
    ensureConsoleBuilt();
    server = await startTestServer('sqlite');
    base = server.url;
    api = await setupOwner(base);
    const created = await api.post('/api/v1/groups', { name: GROUP, rules: '禁止广告' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    group = created.body;
    await immediateWelcome(server.rt.store.db, group.id);
    alice = new Member(base);
    await alice.join(group.inviteUrl, '小红');
    await alice.connect();
    browser = await launchBrowser();
    op = await newPage(CONSOLE);
    phone = await newPage(PHONE);
  });

  // A failed step leaves screenshots of every open page in test-results/e2e/.
  afterEach(shotsOnFailure('moderation', () => contexts.flatMap((c) => c.pages())));

  after(async () => {
    alice?.close();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.destroy();
  });

  test('the owner signs in and opens the group’s message log; a member posts an ad from a phone', async () => {
    await signIn(op, base, OWNER.email, OWNER.password);
    await op.goto(`${base}/groups/${group.id}?tab=messages`);
    await liveFeedOpen(op);

    await phone.goto(group.inviteUrl);
    await phone.getByTestId('join-nickname').fill(SPAMMER);
    await phone.getByTestId('join-submit').click();
    await phone.waitForURL('**/chat/*');
    await phone.locator('[data-testid="chat-message"][data-sender-bot="true"]', { hasText: `@${SPAMMER}` }).waitFor();
    await phone.getByTestId('chat-input').fill(AD);
    await phone.getByTestId('chat-send').click();
    const mine = phone.locator('[data-testid="chat-message"]:not([data-pending])', { hasText: '特价团购' });
    await mine.waitFor();
    adId = (await mine.getAttribute('data-message-id')) ?? '';
    assert.ok(adId, 'the stored message carries its id');

    // The operator sees it arrive live, with a delete action.
    await logItem(adId).getByText(AD).waitFor();
    assert.equal(await logItem(adId).getAttribute('data-deleted'), 'false');
  });

  test('the operator deletes the ad from the log: the phone shows a placeholder, the log keeps it marked deleted', async () => {
    const item = logItem(adId);
    await item.hover();
    await item.getByTestId('log-message-delete').click();
    const confirm = op.getByTestId('log-message-delete-confirm').filter({ visible: true });
    await op.getByText('成员将看不到它', { exact: false }).filter({ visible: true }).waitFor();
    await shotIfAsked(op, 'moderation-console-delete-confirm');
    await confirm.click();

    // The member's phone: the bubble's text is replaced by the placeholder, live.
    await phoneMessage(adId).and(phone.locator('[data-deleted="true"]')).waitFor();
    assert.equal(await phoneMessage(adId).getByTestId('chat-message-deleted').textContent(), '该消息已被删除');
    assert.equal(await phone.getByTestId('chat-log').getByText('特价团购').count(), 0, 'the ad’s text is gone from the phone');
    await shotIfAsked(phone, 'moderation-member-deleted-placeholder');

    // The log: still there as evidence, marked deleted, no second delete.
    await item.and(op.locator('[data-deleted="true"]')).waitFor();
    await item.getByTestId('log-message-deleted').waitFor();
    assert.equal(await item.getByTestId('log-message-deleted').textContent(), '已删除');
    assert.ok(((await item.textContent()) ?? '').includes(AD), 'operators keep the text');
    assert.equal(await item.getByTestId('log-message-delete').count(), 0);
    await shotIfAsked(op, 'moderation-console-log-deleted');

    // Another member was told too, and the phone's history (reloaded) still has the gap, not the text.
    assert.ok(alice.frames.some((f) => f.type === 'message_deleted' && f.messageId === adId), 'other members are told');
    await phone.reload();
    await phoneMessage(adId).getByTestId('chat-message-deleted').waitFor();
    assert.equal(await phone.getByTestId('chat-log').getByText('特价团购').count(), 0);

    // …and a reloaded log still shows the evidence, marked.
    await op.reload();
    await logItem(adId).getByTestId('log-message-deleted').waitFor();
    assert.ok(((await logItem(adId).textContent()) ?? '').includes(AD));
  });

  test('the operator removes the member from the Members tab: the phone shows the not-member page', async () => {
    await op.getByTestId('tab-members').click();
    const row = op.locator('[data-testid="member-row"]', { hasText: SPAMMER });
    await row.waitFor();
    assert.equal(await row.getByTestId('member-status').textContent(), '在群');
    await row.getByTestId('member-remove').click();
    await op.getByText('邀请链接重新加入', { exact: false }).filter({ visible: true }).waitFor();
    await shotIfAsked(op, 'moderation-console-remove-confirm');
    await op.getByTestId('member-remove-confirm').filter({ visible: true }).click();

    // The list follows: the member is shown as removed, without a remove action.
    await row.and(op.locator('[data-status="removed"]')).waitFor();
    assert.equal(await row.getByTestId('member-status').textContent(), '已移出');
    assert.equal(await row.getByTestId('member-remove').count(), 0);
    assert.equal(await op.locator('[data-testid="member-row"]', { hasText: '小红' }).getByTestId('member-status').textContent(), '在群');
    await shotIfAsked(op, 'moderation-console-members-removed');

    // The phone's socket was closed as not a member: the chat gives way to the not-member page.
    const notice = phone.getByTestId('chat-not-member');
    await notice.waitFor();
    assert.equal(await notice.getAttribute('data-reason'), 'no-longer');
    const text = (await notice.textContent()) ?? '';
    assert.ok(text.includes('你已不在这个群里'), text);
    assert.ok(text.includes('邀请链接'), text);
    await shotIfAsked(phone, 'moderation-member-removed');
  });

  test('the removed member rejoins through the invite link and is welcomed back', async () => {
    await phone.getByTestId('chat-rejoin').click();
    await phone.waitForURL('**/join/*');
    assert.equal(await phone.getByTestId('join-nickname').inputValue(), SPAMMER, 'the nickname is remembered');
    await phone.getByTestId('join-submit').click();
    await phone.waitForURL('**/chat/*');
    await phone.getByTestId('chat-group-name').filter({ hasText: GROUP }).waitFor();
    // Welcomed again: the first welcome and the new one.
    await phone.locator('[data-testid="chat-message"][data-sender-bot="true"]', { hasText: `@${SPAMMER}` }).nth(1).waitFor();
    await phone.getByTestId('chat-input').fill('我回来了，不发广告了');
    await phone.getByTestId('chat-send').click();
    await phone.locator('[data-testid="chat-message"]:not([data-pending])', { hasText: '我回来了' }).waitFor();
    // The deleted ad is still a placeholder for them.
    await phoneMessage(adId).getByTestId('chat-message-deleted').waitFor();

    // The console's list shows them back in the group, live.
    const row = op.locator('[data-testid="member-row"]', { hasText: SPAMMER });
    await row.and(op.locator('[data-status="active"]')).waitFor();
    await op.getByTestId('tab-messages').click();
    await op.getByTestId('message-log').getByText('我回来了，不发广告了').waitFor();
  });

  test('a viewer sees the log and the members, with neither delete nor remove', async () => {
    const added = await api.post('/api/v1/team', { email: 'viewer@example.com', name: '观察员', password: 'viewer-password-1', role: 'viewer' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const viewer = await newPage(CONSOLE);
    await signIn(viewer, base, 'viewer@example.com', 'viewer-password-1');
    await viewer.goto(`${base}/groups/${group.id}?tab=messages`);
    await viewer.getByTestId('message-log').getByText('我回来了，不发广告了').waitFor();
    await viewer.locator(`[data-testid="log-message"][data-message-id="${adId}"]`).getByTestId('log-message-deleted').waitFor();
    assert.equal(await viewer.getByTestId('log-message-delete').count(), 0);
    await viewer.getByTestId('tab-members').click();
    await viewer.locator('[data-testid="member-row"]', { hasText: SPAMMER }).waitFor();
    assert.equal(await viewer.getByTestId('member-remove').count(), 0);
  });
});
