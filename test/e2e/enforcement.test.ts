// Enforcement in the browser (issue 3): a member posts ad links in the web community from a phone; each is
// deleted and warned with an @mention, and the case arrives live in the console's review queue with
// a badge in the navigation; the third offence removes and blacklists them (the Blacklist page lists
// it, with the evidence); the invite link then refuses them with a clear page; a moderator undoes
// the third case from the queue (the confirmation says what is reversed and what is not) and the
// member can rejoin. Then the console's other moderation tools: warn, mute and unmute from the
// Members tab, a keyword alert popping up and handled from the queue, blacklisting from the message
// log and lifting it, the member's standing on their profile, and the alert webhook settings. The
// server runs in-process on SQLite, serving the built console.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { ensureConsoleBuilt, launchBrowser, shotIfAsked, shotsOnFailure } from '../support/browser.ts';
import { ApiClient, immediateWelcome, Member, OWNER, setupOwner, startTestServer, waitFor, type TestServer } from '../support/server.ts';

const GROUP = '读书会 · 清朗群';
const SPAMMER = '广告哥';
/** Ad links (any domain the group does not allow), each a different text so none is also a repeat. */
const ADS = ['福利 https://spam.example.com 速来', '还有名额 https://promo.example.net/join 快进', '最后一次 https://spam.example.org 有惊喜'] as const;
const CONSOLE = { viewport: { width: 1366, height: 860 }, locale: 'zh-CN' } as const;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' } as const;
/** Every wait in this file is bounded by this (Playwright's own default is 30 s). */
const WAIT_MS = 10_000;

async function signIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/moderation`);
  await page.waitForURL('**/login');
  await page.getByTestId('login-email').fill(OWNER.email);
  await page.getByTestId('login-password').fill(OWNER.password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL('**/moderation');
}

describe('enforcement in the browser: three strikes, the blacklist, undo, and the moderators’ tools', { skip: process.env.SHEQUN_SKIP_BROWSER === '1' }, () => {
  let server: TestServer;
  let base: string;
  let api: ApiClient;
  let group: { id: string; inviteUrl: string };
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let op: Page;
  let phone: Page;
  /** Another member, over the API, for the console's member actions. */
  let alice: Member;

  async function newPage(options: typeof CONSOLE | typeof PHONE): Promise<Page> {
    const ctx = await browser.newContext(options);
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(WAIT_MS);
    return page;
  }

  const caseRows = () => op.getByTestId('case-row');
  const openCases = () => op.getByTestId('nav-moderation').getAttribute('data-open-cases');
  /** The text of the success message an action showed (antd's message toast). */
  async function actionResult(text: string): Promise<void> {
    await op.getByTestId('action-result').filter({ hasText: text }).first().waitFor();
  }

  /** Opens a modal and waits for its zoom-in to end: a click on a button still scaling up can miss. */
  async function openModal(trigger: Locator): Promise<void> {
    await trigger.click();
    await op.locator('.ant-modal').waitFor();
    await op.waitForFunction(() => [...document.querySelectorAll('.ant-modal')].every((m) => m.getAnimations().every((a) => a.playState !== 'running')));
  }

  /**
   * Picks a radio option by its label's test id and waits until it is checked: a click while the
   * modal is still zooming in can miss, so it is repeated until the choice holds.
   */
  async function pick(testId: string): Promise<void> {
    const option = op.getByTestId(testId);
    const label = option.locator('xpath=ancestor::label[1]');
    for (let attempt = 0; ; attempt++) {
      await option.click();
      if (await waitFor(async () => /-checked\b/.test((await label.getAttribute('class')) ?? ''), `${testId} checked`, 1000).catch(() => false)) return;
      if (attempt === 3) throw new Error(`${testId} does not stay checked`);
    }
  }

  async function phoneSays(text: string): Promise<void> {
    await phone.getByTestId('chat-input').fill(text);
    await phone.getByTestId('chat-send').click();
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
    await op.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    phone = await newPage(PHONE);
  });

  // A failed step leaves screenshots of every open page in test-results/e2e/.
  afterEach(shotsOnFailure('enforcement', () => contexts.flatMap((c) => c.pages())));

  after(async () => {
    alice?.close();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.destroy();
  });

  test('the owner opens the empty review queue; a member joins from a phone and replies to the welcome', async () => {
    await signIn(op, base);
    await op.getByTestId('case-empty').getByText('没有待处理的记录').waitFor();
    await waitFor(async () => (await openCases()) === '0', 'the badge counts no open case', WAIT_MS);

    await phone.goto(group.inviteUrl);
    await phone.getByTestId('join-nickname').fill(SPAMMER);
    await phone.getByTestId('join-submit').click();
    await phone.waitForURL('**/chat/*');
    const welcome = phone.locator('[data-testid="chat-message"][data-sender-bot="true"]', { hasText: `@${SPAMMER}` });
    await welcome.waitFor();
    // Reply: long-press (here: the context menu) shows 回复; the composer quotes the message.
    await welcome.dispatchEvent('contextmenu');
    await welcome.getByTestId('chat-reply').click();
    await phone.getByTestId('chat-reply-bar').filter({ hasText: '欢迎' }).waitFor();
    await phone.getByTestId('chat-input').fill('收到，谢谢');
    await shotIfAsked(phone, 'enforcement-member-reply');
    await phone.getByTestId('chat-send').click();
    const reply = phone.locator('[data-testid="chat-message"]:not([data-pending])', { hasText: '收到，谢谢' });
    await reply.getByTestId('chat-quote').filter({ hasText: '欢迎' }).waitFor();
    assert.equal(await phone.getByTestId('chat-reply-bar').count(), 0, 'the quote leaves the composer once sent');
  });

  test('first offence: the ad is deleted, the bot warns with an @mention, the case arrives live in the queue', async () => {
    await phoneSays(ADS[0]);
    // The phone: the bot's warning mentions the member (highlighted as "me"), and the ad is gone.
    const warning = phone.locator('[data-testid="chat-message"][data-sender-bot="true"]', { hasText: '警告（1/3）' });
    await warning.waitFor();
    assert.equal(await warning.locator('[data-mention-me="true"]').textContent(), `@${SPAMMER}`);
    await phone.getByTestId('chat-message-deleted').first().waitFor();
    assert.equal(await phone.getByTestId('chat-log').getByText(ADS[0]).count(), 0, 'the ad’s text is gone from the phone');
    await shotIfAsked(phone, 'enforcement-member-warned');

    // The console: the case is in the queue without a reload, with the badge.
    const row = caseRows().first();
    await row.getByTestId('case-evidence').filter({ hasText: ADS[0] }).waitFor();
    assert.equal(await row.getByTestId('case-member').textContent(), SPAMMER);
    assert.equal(await row.getByTestId('case-kind').textContent(), '广告');
    assert.equal(await row.getByTestId('case-ad').textContent(), 'https://spam.example.com');
    assert.deepEqual(await row.getByTestId('case-effect').allTextContents(), ['已删除消息', '已警告（1/3）']);
    assert.equal(await row.getByTestId('case-evidence').getAttribute('data-deleted'), 'true', 'struck through: deleted');
    assert.equal(await row.getByTestId('case-actor').textContent(), '处理人：Shequn');
    await waitFor(async () => (await openCases()) === '1', 'the badge counts one open case', WAIT_MS);
    await shotIfAsked(op, 'enforcement-console-queue-first');
  });

  test('the second offence is 2/3; the third removes and blacklists, and the Blacklist page lists it with the evidence', async () => {
    await phoneSays(ADS[1]);
    await phone.locator('[data-testid="chat-message"][data-sender-bot="true"]', { hasText: '警告（2/3）' }).waitFor();
    await caseRows().first().getByTestId('case-evidence').filter({ hasText: ADS[1] }).waitFor();

    await phoneSays(ADS[2]);
    // Removed: the room closes and the phone shows it is no longer in the group.
    await phone.getByTestId('chat-not-member').waitFor();
    const third = caseRows().first();
    await third.getByTestId('case-evidence').filter({ hasText: ADS[2] }).waitFor();
    assert.deepEqual(await third.getByTestId('case-effect').allTextContents(), ['已删除消息', '已警告（3/3）', '已拉黑（永久）', '已移出']);
    await waitFor(async () => (await openCases()) === '3', 'three open cases', WAIT_MS);
    await shotIfAsked(op, 'enforcement-console-queue-third');

    await op.getByTestId('nav-menu').getByText('黑名单').click();
    await op.waitForURL('**/blacklist');
    const entry = op.getByTestId('bl-row').filter({ hasText: SPAMMER });
    await entry.waitFor();
    assert.equal(await entry.getAttribute('data-active'), 'true');
    assert.equal(await entry.getByTestId('bl-status').textContent(), '生效中');
    assert.equal(await entry.getByTestId('bl-evidence').textContent(), `证据：${ADS[2]}`);
    assert.ok(((await entry.textContent()) ?? '').includes('全部群'));
    assert.ok(((await entry.textContent()) ?? '').includes('永久'));
    await shotIfAsked(op, 'enforcement-console-blacklist');

    // The case link opens the member's profile with that case marked among their record.
    await entry.getByTestId('bl-case-link').click();
    await op.waitForURL('**/contacts/**');
    await op.getByTestId('contact-name').filter({ hasText: SPAMMER }).waitFor();
    const standing = op.getByTestId('contact-standing');
    await standing.locator('.c-row-highlight [data-testid="case-evidence"]', { hasText: ADS[2] }).waitFor();
    assert.equal(await standing.getByTestId('standing-points').locator('.ant-statistic-content-value').textContent(), '3');
  });

  test('rejoining through the invite link is refused with a clear page', async () => {
    await phone.getByTestId('chat-rejoin').click();
    await phone.waitForURL('**/join/*');
    await phone.getByTestId('join-submit').click();
    const refused = phone.getByTestId('join-refused');
    await refused.waitFor();
    assert.equal(await refused.getAttribute('data-reason'), 'blacklisted');
    assert.ok(((await refused.textContent()) ?? '').includes('你不能加入这个群'));
    assert.equal(await phone.getByTestId('join-submit').count(), 0, 'no join button to press again');
    await shotIfAsked(phone, 'enforcement-member-refused');
  });

  test('a moderator undoes the third case from the queue; the confirmation says what is reversed and what is not', async () => {
    await op.getByTestId('nav-menu').getByText('内容安全').click();
    await op.waitForURL('**/moderation');
    const third = caseRows().filter({ has: op.getByTestId('case-evidence').filter({ hasText: ADS[2] }) });
    await third.getByTestId('case-undo').click();
    const text = op.getByTestId('case-undo-text').filter({ visible: true });
    await text.waitFor();
    const said = (await text.textContent()) ?? '';
    for (const part of ['1 次警告', '黑名单', '已删除的消息不会恢复', '不会被拉回', '重新加入']) assert.ok(said.includes(part), `${part} in: ${said}`);
    await shotIfAsked(op, 'enforcement-console-undo-confirm');
    await op.getByTestId('case-undo-confirm').filter({ visible: true }).click();

    // Undone cases leave the open view; under 全部 it is there, marked, its reversed effects struck.
    await third.waitFor({ state: 'detached' });
    await waitFor(async () => (await openCases()) === '2', 'two open cases', WAIT_MS);
    await op.getByTestId('queue-show-all').click();
    const undone = caseRows().filter({ has: op.getByTestId('case-evidence').filter({ hasText: ADS[2] }) });
    await undone.and(op.locator('[data-status="undone"]')).waitFor();
    assert.equal(await undone.getByTestId('case-status').textContent(), '已撤销');
    assert.equal(await undone.locator('[data-effect="blacklisted"] del').count(), 1, 'the lifted blacklisting is struck through');
    await op.getByTestId('queue-show-open').click();

    await op.getByTestId('nav-menu').getByText('黑名单').click();
    await op.getByText('黑名单是空的').waitFor();
    await op.getByTestId('bl-show-all').click();
    const lifted = op.getByTestId('bl-row').filter({ hasText: SPAMMER });
    assert.equal(await lifted.getByTestId('bl-status').textContent(), '已解除');
  });

  test('the member can rejoin through the invite link', async () => {
    await phone.goto(group.inviteUrl);
    await phone.getByTestId('join-submit').click();
    await phone.waitForURL('**/chat/*');
    await phone.getByTestId('chat-group-name').filter({ hasText: GROUP }).waitFor();
    await phone.getByTestId('chat-input').fill('我回来了，不发广告了');
    await phone.getByTestId('chat-send').click();
    await phone.locator('[data-testid="chat-message"]:not([data-pending])', { hasText: '我回来了' }).waitFor();
  });

  test('from the Members tab: warn (with its count), mute for 10 minutes (what they say is deleted), unmute', async () => {
    await op.goto(`${base}/groups/${group.id}?tab=members`);
    const row = op.locator('[data-testid="member-row"]', { hasText: '小红' });
    await row.getByTestId('member-actions').click();
    await openModal(op.getByTestId('member-action-warn').filter({ visible: true }));
    await op.getByTestId('action-reason').fill('请勿闲聊');
    await shotIfAsked(op, 'enforcement-console-warn');
    await op.getByTestId('action-submit').click();
    await actionResult('小红：已警告（1/3）');
    await waitFor(() => alice.messages().find((m) => m.sender.isBot && m.text.includes('请勿闲聊')), 'the warning in the group', WAIT_MS);

    await row.getByTestId('member-actions').click();
    await openModal(op.getByTestId('member-action-mute').filter({ visible: true }));
    await pick('action-mute-60');
    await pick('action-mute-10');
    await shotIfAsked(op, 'enforcement-console-mute');
    await op.getByTestId('action-submit').click();
    await actionResult('小红：已禁言 10 分钟');
    alice.say('我被禁言了吗');
    const muted = await waitFor(() => alice.messages().find((m) => m.text === '我被禁言了吗'), 'the message arrives', WAIT_MS);
    await waitFor(() => alice.frames.find((f) => f.type === 'message_deleted' && f.messageId === muted.id), 'and is deleted at once', WAIT_MS);

    await row.getByTestId('member-actions').click();
    await op.getByTestId('member-action-unmute').filter({ visible: true }).click();
    await op.getByText('已解除 小红 的禁言').waitFor();
  });

  test('a keyword alert pops up; the moderator warns from the queue and the alert is handled', async () => {
    const list = await api.post('/api/v1/word-lists', { name: '售后提醒', words: [{ word: '退款', action: 'alert' }] });
    assert.equal(list.status, 201, JSON.stringify(list.body));
    alice.say('群主，我想退款');
    const popup = op.getByTestId('case-notification').filter({ hasText: '小红' });
    await popup.waitFor();
    await shotIfAsked(op, 'enforcement-console-alert-notification');
    await op.getByRole('button', { name: '去处理' }).click();
    await op.waitForURL('**/moderation?tab=cases');

    const alertId = await caseRows().filter({ has: op.getByTestId('case-evidence').filter({ hasText: '群主，我想退款' }) }).getAttribute('data-case-id');
    const alert = op.locator(`[data-testid="case-row"][data-case-id="${alertId}"]`);
    assert.equal(await alert.getByTestId('case-action').textContent(), '提醒');
    assert.equal(await alert.getByTestId('case-undo').count(), 0, 'an alert did nothing to undo');
    await alert.getByTestId('member-actions').click();
    await openModal(op.getByTestId('member-action-warn').filter({ visible: true }));
    await op.getByTestId('action-evidence').filter({ hasText: '群主，我想退款' }).waitFor();
    await op.getByTestId('action-submit').click();
    await actionResult('小红：已警告（2/3）');
    // The alert is resolved and leaves the open view; the warning is a case of its own.
    await alert.waitFor({ state: 'detached' });
    const manual = caseRows().filter({ has: op.getByTestId('case-kind').filter({ hasText: '手动处理' }) }).filter({ hasText: '已警告（2/3）' });
    await manual.waitFor();
    assert.equal(await manual.getByTestId('case-actor').textContent(), `处理人：${OWNER.name}`);
    await shotIfAsked(op, 'enforcement-console-queue-manual');

    // Filtered by kind: only the moderators' own cases.
    await op.getByTestId('case-kind-filter').click();
    await op.keyboard.type('手动');
    await op.keyboard.press('Enter');
    await waitFor(async () => {
      const kinds = await op.getByTestId('case-kind').allTextContents();
      return kinds.length > 0 && kinds.every((k) => k === '手动处理');
    }, 'only manual cases', WAIT_MS);
  });

  test('from the message log: blacklist the sender with the message as evidence; the profile shows the standing; lifting lets them back', async () => {
    await op.goto(`${base}/groups/${group.id}?tab=messages`);
    const item = op.locator('[data-testid="log-message"]', { hasText: '群主，我想退款' });
    await item.hover();
    // The warn action opens with this message as the evidence.
    await openModal(item.getByTestId('log-message-warn'));
    const evidence = op.getByTestId('action-evidence').filter({ hasText: '群主，我想退款' });
    await evidence.waitFor();
    await op.keyboard.press('Escape');
    await evidence.waitFor({ state: 'detached' });

    await item.hover();
    await openModal(item.getByTestId('log-message-blacklist'));
    await op.getByTestId('action-evidence').filter({ hasText: '群主，我想退款' }).waitFor();
    await pick('bl-scope-group');
    await pick('bl-expiry-7');
    await op.getByTestId('action-reason').fill('反复在群里要求退款刷屏');
    await shotIfAsked(op, 'enforcement-console-blacklist-from-log');
    await op.getByTestId('action-submit').click();
    await actionResult(`已拉黑 小红（仅「${GROUP}」，7 天）`);
    await waitFor(() => alice.ws?.readyState === WebSocket.CLOSED, 'removed from the group', WAIT_MS);

    await op.locator('[data-testid="log-message"]', { hasText: '群主，我想退款' }).getByRole('link', { name: '小红' }).click();
    await op.waitForURL('**/contacts/**');
    const standing = op.getByTestId('contact-standing');
    await standing.getByTestId('standing-blacklist').getByText('生效中 1 条').waitFor();
    assert.equal(await standing.getByTestId('standing-points').locator('.ant-statistic-content-value').textContent(), '2');
    await standing.getByTestId('standing-tab-warnings').click();
    assert.equal(await standing.getByTestId('standing-warnings').locator('tbody tr').count(), 2);
    await shotIfAsked(op, 'enforcement-console-standing');

    await op.getByTestId('nav-menu').getByText('黑名单').click();
    const entry = op.getByTestId('bl-row').filter({ hasText: '小红' });
    assert.equal(await entry.getByTestId('bl-evidence').textContent(), '证据：群主，我想退款');
    await entry.getByTestId('bl-lift').click();
    await op.getByTestId('bl-lift-confirm').filter({ visible: true }).click();
    await op.getByText('已把 小红 移出黑名单').waitFor();
    assert.equal((await alice.join(group.inviteUrl, '小红')).status, 201, 'lifted: the invite link lets them in');
  });

  test('the Blacklist page adds someone found by name, for 30 days; it lists them at once', async () => {
    await op.getByTestId('bl-show-active').click();
    await openModal(op.getByTestId('bl-add'));
    await op.getByTestId('bl-contact').click();
    await op.keyboard.type('广告');
    await op.getByTestId('bl-contact-option').filter({ hasText: SPAMMER }).waitFor();
    await op.keyboard.press('Enter');
    await op.getByTestId('action-reason').fill('换号继续发广告');
    await pick('bl-expiry-30');
    await shotIfAsked(op, 'enforcement-console-blacklist-add');
    await op.getByTestId('action-submit').click();
    await actionResult(`已拉黑 ${SPAMMER}（全部群，30 天）`);
    const entry = op.getByTestId('bl-row').filter({ hasText: '换号继续发广告' });
    assert.equal(await entry.getByTestId('bl-status').textContent(), '生效中');
    // Removed from the group at once: the phone shows it.
    await phone.getByTestId('chat-not-member').waitFor();
  });

  test('settings: the alert webhook, its secret (copy, rotate) and how to check the signature', async () => {
    await op.getByTestId('nav-menu').getByText('设置').click();
    const panel = op.getByTestId('alerts-panel');
    await panel.getByTestId('alerts-url').fill('notaurl');
    await panel.getByTestId('alerts-save').click();
    await panel.getByText('请输入以 http:// 或 https:// 开头的网址').waitFor();
    await panel.getByTestId('alerts-url').fill('https://hooks.example.com/shequn');
    await panel.getByTestId('alerts-save').click();
    await op.getByText('告警推送已保存').waitFor();
    const secret = (await api.get('/api/v1/workspace/alerts')).body.secret as string;
    assert.equal(await panel.getByTestId('alerts-secret').inputValue(), secret);
    await panel.getByTestId('alerts-copy').click();
    assert.equal(await op.evaluate(() => navigator.clipboard.readText()), secret);
    assert.ok(((await panel.getByTestId('alerts-signature').textContent()) ?? '').includes('X-Shequn-Signature: v1='));
    // Reloaded, it is all still there (and antd's button leaves no loading icon behind for the screenshot).
    await op.reload();
    assert.equal(await panel.getByTestId('alerts-url').inputValue(), 'https://hooks.example.com/shequn');
    assert.equal(await panel.getByTestId('alerts-secret').inputValue(), secret);
    await shotIfAsked(op, 'enforcement-console-alerts');

    await panel.getByTestId('alerts-rotate').click();
    await op.getByTestId('alerts-rotate-confirm').filter({ visible: true }).click();
    await op.getByText('已更换签名密钥').waitFor();
    const rotated = (await api.get('/api/v1/workspace/alerts')).body.secret as string;
    assert.notEqual(rotated, secret);
    assert.equal(await panel.getByTestId('alerts-secret').inputValue(), rotated);
  });
});
