// `npm test`: typecheck, lint, build the console, then run every test against a throwaway PostgreSQL.
//
//   npm test                          everything
//   npm test -- test/unit             only the tests under test/unit (checks and build still run)
//   npm test -- test/store/x.test.ts --test-name-pattern=outbox
//                                     arguments starting with '-' go to `node --test`
//   npm test -- --quick test/unit     skip typecheck, lint and build (a fast inner loop)
//
// Environment: SHEQUN_TEST_PG_URL (use that server instead of starting one), SHEQUN_CHROMIUM (browser
// binary), SHEQUN_TEST_TIMEOUT_MS (per test, default 300000), SHEQUN_TEST_RUN_TIMEOUT_MS (whole test
// run, default 1800000).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, globSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { startPostgres, type PostgresServer } from '../test/support/postgres.ts';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);

const bin = {
  tsc: join(root, 'node_modules/typescript/bin/tsc'),
  eslint: join(root, 'node_modules/eslint/bin/eslint.js'),
  vite: join(root, 'node_modules/vite/bin/vite.js'),
};

// ---- arguments ----------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const runnerFlags: string[] = [];
const selectors: string[] = [];
for (const arg of argv) {
  if (arg === '--quick') continue;
  if (arg.startsWith('-')) runnerFlags.push(arg);
  else selectors.push(arg);
}

function testFiles(): string[] {
  const patterns = (selectors.length ? selectors : ['test']).map((s) => {
    const p = s.replace(/\/+$/, '');
    if (existsSync(p) && statSync(p).isDirectory()) return `${p}/**/*.test.ts`;
    return p; // a file or a glob
  });
  const files = new Set<string>();
  for (const pattern of patterns) {
    for (const f of globSync(pattern)) {
      if (!f.split('/').includes('node_modules')) files.add(relative(root, resolve(f)));
    }
  }
  return [...files].sort();
}

// ---- child processes and signals ----------------------------------------------------------------
let current = null as ChildProcess | null;
let postgres = null as PostgresServer | null; // (a cast: it is set inside callbacks)
let interrupted: NodeJS.Signals | null = null;
let tapDir: string | null = null;

function runStep(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolveExit) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    current = child;
    child.on('error', (err) => {
      console.error(`could not start ${cmd}: ${err.message}`);
      resolveExit(127);
    });
    child.on('exit', (code, signal) => {
      current = null;
      resolveExit(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGKILL' ? 9 : 15) : 1));
    });
  });
}

async function cleanup(): Promise<void> {
  const pg = postgres;
  postgres = null;
  if (tapDir) rmSync(tapDir, { recursive: true, force: true });
  if (pg) await pg.stop();
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = sig;
    console.error(`\n${sig}: stopping`);
    current?.kill(sig);
    void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  });
}

// ---- steps --------------------------------------------------------------------------------------
const timings: Array<[string, number, string]> = [];

function heading(title: string): void {
  console.log(`\n==> ${title}`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

async function step(title: string, fn: () => Promise<number | 'skipped'>): Promise<void> {
  heading(title);
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  if (interrupted) return new Promise(() => {}); // the signal handler exits
  timings.push([title, ms, result === 'skipped' ? 'skipped' : result === 0 ? 'ok' : `failed (exit ${result})`]);
  if (result !== 'skipped' && result !== 0) {
    console.error(`\n✖ ${title} failed (exit ${result}) after ${seconds(ms)}`);
    await cleanup();
    printTimings();
    process.exit(result);
  }
  console.log(`--- ${title}: ${result === 'skipped' ? 'skipped' : 'ok'} (${seconds(ms)})`);
}

function printTimings(): void {
  heading('timings');
  for (const [title, ms, result] of timings) console.log(`  ${seconds(ms).padStart(7)}  ${title}: ${result}`);
}

const node = process.execPath;

if (quick) {
  console.log('--quick: skipping typecheck, lint and build');
} else {
  await step('typecheck: tsc -p .', () => runStep(node, [bin.tsc, '-p', '.']));
  await step('lint: eslint .', () => runStep(node, [bin.eslint, '.']));
  await step('build console: vite build --config console/vite.config.ts', async () => {
    if (!existsSync('console/vite.config.ts')) {
      console.log('console/vite.config.ts does not exist yet: skipping the console build');
      return 'skipped';
    }
    return runStep(node, [bin.vite, 'build', '--config', 'console/vite.config.ts']);
  });
}

const files = testFiles();
if (files.length === 0) {
  console.error(`\n✖ no test files match ${selectors.length ? selectors.join(' ') : 'test/**/*.test.ts'}`);
  printTimings();
  process.exit(1);
}

await step('start PostgreSQL', async () => {
  try {
    postgres = await startPostgres();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return 1;
  }
  console.log(process.env.SHEQUN_TEST_PG_URL ? `using SHEQUN_TEST_PG_URL=${postgres.url}` : `started ${postgres.url}`);
  return 0;
});

tapDir = mkdtempSync(join(tmpdir(), 'shequn-test-'));
const tapFile = join(tapDir, 'report.tap');
const perTest = process.env.SHEQUN_TEST_TIMEOUT_MS ?? '300000';
const wholeRun = Number(process.env.SHEQUN_TEST_RUN_TIMEOUT_MS ?? 1_800_000);
let testExit: number;
let timedOut = false;
try {
  heading(`test: node --test (${files.length} file${files.length === 1 ? '' : 's'})`);
  const t0 = performance.now();
  const watchdog = setTimeout(() => {
    timedOut = true;
    console.error(`\n✖ the test run took longer than ${seconds(wholeRun)} (SHEQUN_TEST_RUN_TIMEOUT_MS): killing it`);
    current?.kill('SIGKILL');
  }, wholeRun);
  testExit = await runStep(
    node,
    [
      '--test',
      '--test-concurrency=2',
      `--test-timeout=${perTest}`,
      // No --test-force-exit: it ends a file's process as soon as the tests known so far are done,
      // which silently dropped later describe blocks. A file that leaves a handle open hangs
      // instead, and the watchdog above fails the run, which is what we want to see.
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...runnerFlags,
      ...files,
    ],
    { ...process.env, SHEQUN_TEST_PG_URL: postgres!.url },
  );
  clearTimeout(watchdog);
  if (interrupted) await new Promise(() => {});
  const ms = performance.now() - t0;
  timings.push(['test: node --test', ms, testExit === 0 ? 'ok' : timedOut ? 'timed out' : `failed (exit ${testExit})`]);
  console.log(`--- test: ${testExit === 0 ? 'ok' : `failed (exit ${testExit})`} (${seconds(ms)})`);
} finally {
  const t0 = performance.now();
  const pg = postgres;
  postgres = null;
  await pg?.stop();
  timings.push(['stop PostgreSQL', performance.now() - t0, 'ok']);
}

printTimings();

// The runner's closing lines (`# tests N`, `# pass N`, `# fail N`, ...) come last: CI reads them.
let summary: string[] = [];
try {
  summary = readFileSync(tapFile, 'utf8')
    .split('\n')
    .filter((l) => /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(l));
} catch {
  // the runner died before writing a report
}
await cleanup();
heading('summary');
if (summary.length) console.log(summary.join('\n'));
else console.log('(the test runner wrote no summary)');
process.exit(testExit === 0 && summary.length === 0 ? 1 : testExit);
