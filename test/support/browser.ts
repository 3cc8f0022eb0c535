// Browser harness: Playwright (playwright-core, which downloads no browser) driving Debian's Chromium.
//
//   const browser = await launchBrowser();
//   try { const page = await browser.newPage(); await page.goto(url); ... } finally { await browser.close(); }
//
// The binary is SHEQUN_CHROMIUM, else /usr/bin/chromium (`apt-get install chromium`).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';

export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox', // CI runs as root
  '--disable-gpu',
  // No network but loopback here: keep Chromium from calling home, which fails noisily and slowly.
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(): string {
  return process.env.SHEQUN_CHROMIUM ?? '/usr/bin/chromium';
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}. Install it with \`apt-get install chromium\`, ` +
        'or set SHEQUN_CHROMIUM to the path of a Chromium binary.',
    );
  }
  return chromium.launch({
    headless: true,
    ...options,
    executablePath,
    args: [...chromiumArgs, ...(options.args ?? [])],
  });
}

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Builds the console when this checkout has none yet (`npm test` builds it before the tests). */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(ROOT, 'console', 'dist', 'index.html'))) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'console/vite.config.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build of the console failed');
}

/** Where browser tests keep screenshots (on failure, or with SHEQUN_E2E_SHOTS=1). */
export const SHOTS_DIR = join(ROOT, 'test-results', 'e2e');

/**
 * With SHEQUN_E2E_SHOTS=1, saves a screenshot of the page as test-results/e2e/<name>.png (to look
 * at new UI). A background page's animations are throttled, so the page is brought to the front
 * and shot once its animations (a popover's zoom-in) have finished.
 */
export async function shotIfAsked(page: Page, name: string): Promise<void> {
  if (process.env.SHEQUN_E2E_SHOTS !== '1') return;
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.bringToFront();
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`) });
}

/**
 * An afterEach hook: when a test failed, every open page is saved as
 * test-results/e2e/<prefix>-<test name>-<n>.png, to see what the browser showed.
 */
export function shotsOnFailure(prefix: string, pages: () => Iterable<Page | undefined>) {
  return async (t: { name: string } & Partial<{ passed: boolean }>): Promise<void> => {
    if (!('passed' in t) || t.passed) return;
    mkdirSync(SHOTS_DIR, { recursive: true });
    const slug = t.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60);
    let n = 0;
    for (const p of pages()) await p?.screenshot({ path: join(SHOTS_DIR, `${prefix}-${slug}-${++n}.png`), fullPage: true }).catch(() => {});
  };
}
