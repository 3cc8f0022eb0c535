// The join gate and batched welcomes in a real browser, on phones: a group asks an entry question;
// a member answers wrong and is told so, answers right and gets in; two more join right after, and
// all three see one welcome that mentions each of them. Another group asks members to accept its
// rules first. The server runs in-process on SQLite, serving the built console.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureConsoleBuilt, launchBrowser, shotIfAsked, shotsOnFailure } from '../support/browser.ts';
import { ApiClient, setGroupSettings, setupOwner, startTestServer, type TestServer } from '../support/server.ts';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' } as const;
const WAIT_MS = 10_000;
const GROUP = '暗号读书会';
const QUESTION = '本群的暗号是什么？（群主在公众号里说过）';
const NAMES = ['小红', '小明', '小刚'];

describe('join gate and batched welcome in the browser', { skip: process.env.SHEQUN_SKIP_BROWSER === '1' }, () => {
  let server: TestServer;
  let api: ApiClient;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let questionGroup: { id: string; inviteUrl: string };
  let rulesGroup: { id: string; inviteUrl: string };
  const phones: Page[] = [];

  async function newPhone(): Promise<Page> {
    const ctx = await browser.newContext(PHONE);
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.setDefaultTimeout(WAIT_MS);
    return page;
  }

  before(async () => {
    ensureConsoleBuilt();
    server = await startTestServer('sqlite');
    api = await setupOwner(server.url);
    const q = await api.post('/api/v1/groups', { name: GROUP, rules: '1. 友善交流\n2. 禁止广告' });
    assert.equal(q.status, 201, JSON.stringify(q.body));
    questionGroup = q.body;
    await api.put(`/api/v1/groups/${questionGroup.id}/welcome`, { enabled: true, template: '欢迎 {nickname} 加入{group}！' });
    await setGroupSettings(server.rt.store.db, questionGroup.id, {
      joinGate: { mode: 'question', question: QUESTION, answers: ['芝麻开门'] },
      // Wide enough for three phones to join one after another inside it.
      welcome: { batchSeconds: 5, cooldownSeconds: 30 },
    });
    const r = await api.post('/api/v1/groups', { name: '守规矩群', rules: '1. 不发广告\n2. 不刷屏\n3. 互相尊重' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    rulesGroup = r.body;
    await setGroupSettings(server.rt.store.db, rulesGroup.id, { joinGate: { mode: 'accept_rules' }, welcome: { batchSeconds: 0, cooldownSeconds: 0 } });
    browser = await launchBrowser();
  });

  // A failed step leaves screenshots of every open page in test-results/e2e/.
  afterEach(shotsOnFailure('join-gate', () => contexts.flatMap((c) => c.pages())));

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.destroy();
  });

  test('the join page asks the question; a wrong answer is refused with a message, the right one gets in, and two more join right after', async () => {
    // All three phones have the page open, so the other two can join right after the first.
    for (const name of NAMES) {
      const p = await newPhone();
      await p.goto(questionGroup.inviteUrl);
      await p.getByTestId('join-nickname').fill(name);
      phones.push(p);
    }
    const phone = phones[0]!;
    assert.equal(await phone.getByTestId('join-question').textContent(), QUESTION);

    await phone.getByTestId('join-submit').click();
    assert.equal(await phone.getByTestId('join-error').textContent(), '请先回答入群问题。', 'an empty answer is caught on the page');

    await phone.getByTestId('join-answer').fill('芝麻');
    await phone.getByTestId('join-submit').click();
    await phone.getByTestId('join-error').filter({ hasText: '回答不正确，还可以再试 4 次。' }).waitFor();
    assert.equal(await phone.getByTestId('join-answer').getAttribute('aria-invalid'), 'true');
    assert.ok(phone.url().includes('/join/'), 'still on the join page');
    await shotIfAsked(phone, 'join-gate-wrong-answer');

    const more = phones.slice(1);
    for (const p of more) await p.getByTestId('join-answer').fill('芝麻开门');
    await phone.getByTestId('join-answer').fill('芝麻開門！');
    await phone.getByTestId('join-submit').click();
    await phone.waitForURL('**/chat/*');
    // One after the other (the welcome lists them in the order they joined), inside the batch window.
    for (const p of more) {
      await p.getByTestId('join-submit').click();
      await p.waitForURL('**/chat/*');
    }
    await phone.getByTestId('chat-group-name').filter({ hasText: GROUP }).waitFor();
  });

  test('the three who joined within the batch window see one welcome that mentions each of them', async () => {
    for (const [i, phone] of phones.entries()) {
      const welcome = phone.locator('[data-testid="chat-message"][data-sender-bot="true"]', { hasText: '欢迎' });
      await welcome.first().waitFor({ timeout: 15_000 });
      assert.equal(await welcome.count(), 1, 'one welcome');
      const text = (await welcome.getByTestId('chat-message-text').textContent()) ?? '';
      assert.equal(text, `欢迎 @${NAMES[0]}、@${NAMES[1]}、@${NAMES[2]} 加入${GROUP}！`);
      const mentions = welcome.getByTestId('mention');
      assert.deepEqual(await mentions.allTextContents(), NAMES.map((n) => `@${n}`));
      assert.equal(await mentions.nth(i).getAttribute('data-mention-me'), 'true', 'each sees their own mention highlighted');
    }
    await shotIfAsked(phones[2]!, 'join-gate-batched-welcome');
    const sent = await server.rt.store.db.selectFrom('messages').select('id').where('group_id', '=', questionGroup.id).where('direction', '=', 'out').execute();
    assert.equal(sent.length, 1, 'one welcome in the group, not three');
  });

  test('a group that asks to accept its rules shows them with a checkbox that must be ticked', async () => {
    const phone = await newPhone();
    await phone.goto(rulesGroup.inviteUrl);
    assert.equal(await phone.getByTestId('join-rules').textContent(), '1. 不发广告\n2. 不刷屏\n3. 互相尊重');
    await phone.getByTestId('join-nickname').fill('守规矩的人');
    await phone.getByTestId('join-submit').click();
    assert.equal(await phone.getByTestId('join-error').textContent(), '请先阅读群规，并勾选“我已阅读并同意群规”。');
    await shotIfAsked(phone, 'join-gate-accept-rules');
    await phone.getByText('我已阅读并同意群规', { exact: true }).click();
    assert.equal(await phone.getByTestId('join-accept-rules').isChecked(), true, 'the label ticks the box');
    await phone.getByTestId('join-submit').click();
    await phone.waitForURL('**/chat/*');
    await phone.locator('[data-testid="chat-message"][data-sender-bot="true"]', { hasText: '@守规矩的人' }).waitFor();
  });
});
