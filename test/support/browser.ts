// Browser harness: Playwright (playwright-core, which downloads no browser) driving Debian's Chromium.
//
//   const browser = await launchBrowser();
//   try { const page = await browser.newPage(); await page.goto(url); ... } finally { await browser.close(); }
//
// The binary is SHEQUN_CHROMIUM, else /usr/bin/chromium (`apt-get install chromium`).

import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

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
