// Policy templates in the browser: the owner creates a template with a stricter flood limit,
// applies it to two groups, overrides that field in one group's Settings tab, sees the group
// listed as differing in it on the template's page, resets it to the template and sees it no
// longer differs; then makes a member an admin from the group's Admins tab. The server runs
// in-process on SQLite, serving the built console.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureConsoleBuilt, launchBrowser, shotIfAsked, SHOTS_DIR } from '../support/browser.ts';
import { Member, OWNER, setupOwner, startTestServer, type ApiClient, type TestServer } from '../support/server.ts';

const CONSOLE = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' } as const;
/** Every wait in this file is bounded by this (Playwright's own default is 30 s). */
const WAIT_MS = 10_000;
const FIELD = 'flood.maxMessages';

describe('policy templates in the browser', { skip: process.env.SHEQUN_SKIP_BROWSER === '1' }, () => {
  let server: TestServer;
  let api: ApiClient;
  let one: { id: string; inviteUrl: string };
  let two: { id: string };
  let policyId: string;
  let browser: Browser;
  let ctx: BrowserContext;
  let op: Page;

  const field = (name: string) => op.locator(`[data-testid="setting-field"][data-field="${name}"]`);
  const groupRow = (id: string) => op.locator(`[data-testid="policy-group-row"][data-group-id="${id}"]`);

  before(async () => {
    ensureConsoleBuilt();
    server = await startTestServer('sqlite');
    api = await setupOwner(server.url);
    one = (await api.post('/api/v1/groups', { name: '读书会一群' })).body;
    two = (await api.post('/api/v1/groups', { name: '读书会二群' })).body;
    await api.post('/api/v1/groups', { name: '不相关的群' });
    browser = await launchBrowser();
    ctx = await browser.newContext(CONSOLE);
    op = await ctx.newPage();
    op.setDefaultTimeout(WAIT_MS);
  });

  afterEach(async (t) => {
    if (!('passed' in t) || t.passed) return;
    mkdirSync(SHOTS_DIR, { recursive: true });
    const slug = t.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60);
    await op?.screenshot({ path: join(SHOTS_DIR, `policies-${slug}.png`), fullPage: true }).catch(() => {});
  });

  after(async () => {
    await ctx?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.destroy();
  });

  test('the owner creates a template with a stricter flood limit', async () => {
    await op.goto(`${server.url}/policies`);
    await op.waitForURL('**/login');
    await op.getByTestId('login-email').fill(OWNER.email);
    await op.getByTestId('login-password').fill(OWNER.password);
    await op.getByTestId('login-submit').click();
    await op.waitForURL('**/policies');
    await op.getByTestId('policies-empty').waitFor();

    await op.getByTestId('policy-add').click();
    await op.waitForURL('**/policies/new');
    await op.getByTestId('policy-name').fill('严格模板');
    assert.equal(await field(FIELD).getAttribute('data-source'), 'inherited');
    assert.equal(await field(FIELD).getByTestId('setting-source').textContent(), '默认');
    assert.equal(await field(FIELD).locator('input').inputValue(), '8', 'the default shows until set');
    await field(FIELD).locator('input').fill('4');
    assert.equal(await field(FIELD).getAttribute('data-source'), 'set');
    assert.equal(await field(FIELD).getByTestId('setting-source').textContent(), '模板设置');
    await shotIfAsked(op, 'policies-new');
    await op.getByTestId('policy-save').click();
    // The page itself is /policies/new: wait for the saved template's own address, not a match of that.
    await op.waitForURL((u) => /^\/policies\/[^/]+$/.test(u.pathname) && u.pathname !== '/policies/new');
    policyId = new URL(op.url()).pathname.split('/').pop() ?? '';
    assert.notEqual(policyId, 'new');
    await op.getByTestId('page-title').getByText('严格模板').waitFor();

    const stored = (await api.get(`/api/v1/policies/${policyId}`)).body;
    assert.deepEqual(stored.settings, { flood: { maxMessages: 4 } }, 'only the field set is stored');
  });

  test('applied to two groups: the result says what changed, both follow the template', async () => {
    await op.getByTestId('policy-apply').click();
    const select = op.getByTestId('apply-groups');
    await select.click();
    for (const name of ['一群', '二群']) {
      await op.keyboard.type(name);
      await op.locator('.ant-select-item-option').filter({ hasText: `读书会${name}` }).click();
    }
    await op.getByTestId('apply-submit').getByText('应用到 2 个群').waitFor();
    await op.getByTestId('apply-submit').click();
    const rows = op.getByTestId('apply-result-row');
    await op.getByTestId('apply-result').waitFor();
    assert.equal(await rows.count(), 2);
    for (const id of [one.id, two.id]) {
      const row = op.locator(`[data-testid="apply-result-row"][data-group-id="${id}"]`);
      assert.equal(await row.getByTestId('apply-changed-field').getAttribute('data-field'), FIELD);
    }
    await shotIfAsked(op, 'policies-applied');
    await op.getByTestId('apply-done').click();

    await groupRow(one.id).waitFor();
    assert.equal(await op.getByTestId('policy-group-row').count(), 2);
    for (const id of [one.id, two.id]) assert.equal(await groupRow(id).getAttribute('data-differs'), '0');
  });

  test('overriding the flood limit in one group lists it as differing in that field', async () => {
    await groupRow(one.id).getByRole('link', { name: '读书会一群' }).click();
    await op.waitForURL(`**/groups/${one.id}?tab=settings`);
    await field(FIELD).waitFor();
    assert.equal(await field(FIELD).getByTestId('setting-source').textContent(), '来自模板');
    assert.equal(await field(FIELD).locator('input').inputValue(), '4');
    assert.equal(await op.getByTestId('settings-differs').getAttribute('data-count'), '0');

    await field(FIELD).locator('input').fill('6');
    assert.equal(await field(FIELD).getByTestId('setting-source').textContent(), '本群设置');
    await op.locator('[data-testid="settings-differs-field"][data-field="flood.maxMessages"]').waitFor();
    await op.evaluate(() => window.scrollTo(0, 0));
    await shotIfAsked(op, 'policies-group-settings-top');
    await op.getByTestId('settings-save').click();
    await op.getByText('群设置已保存').waitFor();

    await op.goto(`${server.url}/policies/${policyId}`);
    const differing = groupRow(one.id).getByTestId('policy-group-differs-field');
    await differing.waitFor();
    assert.equal(await differing.getAttribute('data-field'), FIELD);
    assert.equal(await differing.textContent(), '刷屏 · 最多消息数');
    assert.equal(await groupRow(two.id).getAttribute('data-differs'), '0', 'the other group still follows the template');
    await shotIfAsked(op, 'policies-differs');
  });

  test('resetting the field to the template: the group no longer differs', async () => {
    await op.goto(`${server.url}/groups/${one.id}?tab=settings`);
    await field(FIELD).getByTestId('setting-reset').click();
    assert.equal(await field(FIELD).locator('input').inputValue(), '4');
    assert.equal(await field(FIELD).getByTestId('setting-source').textContent(), '来自模板');
    await op.getByTestId('settings-save').click();
    await op.getByText('群设置已保存').waitFor();
    assert.deepEqual((await api.get(`/api/v1/groups/${one.id}/settings`)).body.overrides, {});

    await op.goto(`${server.url}/policies/${policyId}`);
    await groupRow(one.id).waitFor();
    assert.equal(await groupRow(one.id).getAttribute('data-differs'), '0');
    assert.equal(await groupRow(one.id).getByTestId('policy-group-differs-field').count(), 0);
  });

  test('a raid lockdown shows on the Settings tab and can be ended early', async () => {
    await server.rt.store.db.updateTable('groups').set({ locked_until: Date.now() + 600_000 }).where('id', '=', two.id).execute();
    await op.goto(`${server.url}/groups/${two.id}?tab=settings`);
    const banner = op.getByTestId('lockdown-banner');
    await banner.waitFor();
    assert.ok(((await banner.textContent()) ?? '').includes('群已封锁'));
    await shotIfAsked(op, 'policies-lockdown');
    await op.getByTestId('lockdown-unlock').click();
    await op.locator('.ant-popconfirm').getByRole('button', { name: '解除封锁' }).click();
    await banner.waitFor({ state: 'detached' });
    assert.equal((await api.get(`/api/v1/groups/${two.id}/settings`)).body.lockedUntil, null);
  });

  test('a member becomes a Shequn admin from the group’s Admins tab', async () => {
    const member = new Member(server.url);
    assert.equal((await member.join(one.inviteUrl, '小助手')).status, 201);
    await op.goto(`${server.url}/groups/${one.id}?tab=admins`);
    await op.getByTestId('admins-empty').waitFor();
    await op.getByTestId('admin-add').click();
    await op.getByTestId('admin-member').click();
    await op.locator('.ant-select-item-option').filter({ hasText: '小助手' }).click();
    await op.getByTestId('admin-add-submit').click();
    const row = op.getByTestId('admin-row');
    await row.waitFor();
    assert.equal(await row.getAttribute('data-scope'), 'group');
    assert.ok(((await row.textContent()) ?? '').includes('小助手'));
    await shotIfAsked(op, 'policies-admins');

    await op.getByTestId('tab-members').click();
    await op.getByTestId('member-row').filter({ hasText: '小助手' }).getByText('管理员').waitFor();
  });
});
