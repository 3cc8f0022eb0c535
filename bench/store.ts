/**
 * The embedded-store benchmark: ADR 0002 chose SQLite (node:sqlite) over PGlite from measurements
 * made elsewhere (shared/research/dependency-bench.md §2); this checks that choice on this machine,
 * in one run, with Shequn's own schema and code.
 *
 * Peers: Shequn's embedded store (openStore: node:sqlite, WAL, synchronous=NORMAL,
 * wal_autocheckpoint=10000) and PGlite (defaults, file data directory) driven by Kysely's
 * PostgresDialect. Both run migration 0001 (the whole schema, including the messages table with its
 * text primary key, unique (channel_account_id, platform_message_id), (group_id, id) and
 * (identity_id, id)) and write and read messages with the repository functions the server uses.
 *
 * Each engine runs in a process of its own (bench/lib/store-worker.ts), so RSS and files are its
 * alone; RUNS runs per engine, alternating which goes first; medians are reported.
 *
 * `npm run bench` runs it with the others; alone: `npm run bench -- store [--quick] [--merge]`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtInt, fmtMs, fmtRate, fmtRatio, median, now } from './lib/measure.ts';
import { textResult, type BenchOptions, type BenchResult, type Table, type Verdict } from './lib/report.ts';
import type { Engine, WorkerConfig, WorkerResult } from './lib/store-worker.ts';

const FULL: WorkerConfig & { runs: number; workerLimitMs: number } = {
  rows: 100_000,
  batch: 1_000,
  singles: 5_000,
  bulkRows: 20_000,
  reads: 200,
  readWarmup: 20,
  pageSize: 50,
  groups: 20,
  members: 300,
  runs: 3,
  workerLimitMs: 60_000,
};
const QUICK: typeof FULL = { ...FULL, rows: 10_000, singles: 500, bulkRows: 2_000, reads: 50, runs: 1, workerLimitMs: 30_000 };

const ENGINES: readonly Engine[] = ['sqlite', 'pglite'];
const LABEL: Record<Engine, string> = { sqlite: 'Shequn embedded (SQLite)', pglite: 'PGlite' };

const log = (s: string) => process.stderr.write(`[store] ${s}\n`);

function runWorker(engine: Engine, dir: string, cfg: WorkerConfig, limitMs: number): Promise<WorkerResult> {
  const out = join(dir, 'result.json');
  const data = join(dir, 'data');
  mkdirSync(data);
  const worker = join(import.meta.dirname, 'lib', 'store-worker.ts');
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, ['--expose-gc', worker, engine, data, JSON.stringify(cfg), out], { stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      fail(new Error(`store worker (${engine}) did not finish within ${limitMs / 1000} s`));
    }, limitMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return fail(new Error(`store worker (${engine}) exited with ${signal ?? code}`));
      try {
        ok(JSON.parse(readFileSync(out, 'utf8')) as WorkerResult);
      } catch (e) {
        fail(e as Error);
      }
    });
  });
}

const MB = (b: number) => b / 2 ** 20;
const fmtMB = (b: number) => (MB(b) >= 100 ? fmtInt(MB(b)) : MB(b).toFixed(1));

interface Metric {
  label: string;
  get: (r: WorkerResult) => number;
  fmt: (x: number) => string;
  /** true: more is better (rates); false: less is better (times, bytes). */
  higherIsBetter: boolean;
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const t0 = now();
  const cfg = opts.quick ? QUICK : FULL;
  const { runs, workerLimitMs, ...workerCfg } = cfg;
  const work = mkdtempSync(join(tmpdir(), 'shequn-bench-store-'));
  const results: Record<Engine, WorkerResult[]> = { sqlite: [], pglite: [] };
  const loads: number[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      // Alternate which engine goes first, so drift during the run falls on both.
      const order = r % 2 === 0 ? ENGINES : [...ENGINES].reverse();
      for (const engine of order) {
        const dir = join(work, `${engine}-${r}`);
        mkdirSync(dir);
        loads.push(loadavg()[0]!);
        const w0 = now();
        const res = await runWorker(engine, dir, workerCfg, workerLimitMs);
        log(`run ${r + 1}/${runs} ${engine}: ${((now() - w0) / 1000).toFixed(1)} s (cold ${fmtMs(res.coldStartMs)} ms, batched ${fmtRate(res.batchedRowsPerSec)} rows/s, single ${fmtRate(res.singleRowsPerSec)} rows/s)`);
        results[engine].push(res);
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const metrics: Metric[] = [
    { label: 'cold start: open + migrate an empty store (migration 0001, every table), ms', get: (r) => r.coldStartMs, fmt: fmtMs, higherIsBetter: false },
    { label: `${fmtInt(cfg.rows)} rows, ${fmtInt(cfg.batch)} per transaction (insertMessage each), rows/s`, get: (r) => r.batchedRowsPerSec, fmt: fmtRate, higherIsBetter: true },
    { label: `${fmtInt(cfg.singles)} single-row autocommit inserts (insertMessage), rows/s`, get: (r) => r.singleRowsPerSec, fmt: fmtRate, higherIsBetter: true },
    { label: `paged read: a group's latest ${cfg.pageSize} with senders (listGroupMessages), median ms`, get: (r) => r.readMedianMs, fmt: fmtMs, higherIsBetter: false },
    { label: 'same read, 90th percentile ms', get: (r) => r.readP90Ms, fmt: fmtMs, higherIsBetter: false },
    { label: 'size on disk after a checkpoint, MB', get: (r) => r.diskBytes, fmt: fmtMB, higherIsBetter: false },
    { label: 'of which write-ahead log, MB', get: (r) => r.walBytes, fmt: fmtMB, higherIsBetter: false },
    { label: 'process RSS growth: after the checkpoint − before opening, MB', get: (r) => r.rssGrowthBytes, fmt: fmtMB, higherIsBetter: false },
    { label: 'process RSS growth: highest sample − before opening, MB', get: (r) => r.rssPeakGrowthBytes, fmt: fmtMB, higherIsBetter: false },
    { label: 'reopen the filled store (open + migration check + first query), ms', get: (r) => r.reopenMs, fmt: fmtMs, higherIsBetter: false },
    { label: `bulk: ${fmtInt(cfg.bulkRows)} more rows, one ${fmtInt(cfg.batch)}-row INSERT per transaction, rows/s`, get: (r) => r.bulkRowsPerSec, fmt: fmtRate, higherIsBetter: true },
  ];
  const med = (e: Engine, m: Metric) => median(results[e].map(m.get));
  const spread = (e: Engine, m: Metric) => {
    const xs = results[e].map(m.get);
    return xs.length > 1 ? `${m.fmt(Math.min(...xs))}–${m.fmt(Math.max(...xs))}` : '';
  };
  const ratio = (m: Metric) => med('sqlite', m) / med('pglite', m);
  const better = (m: Metric) => {
    const a = med('sqlite', m);
    const b = med('pglite', m);
    if (!(a > 0 && b > 0) || a === b) return 'n/a';
    const sqliteWins = m.higherIsBetter ? a > b : a < b;
    return `${sqliteWins ? 'SQLite' : 'PGlite'}, ${fmtRatio(Math.max(a, b) / Math.min(a, b))}`;
  };

  const s0 = results.sqlite[0]!;
  const p0 = results.pglite[0]!;
  const table: Table = {
    title: `Embedded store: Shequn's SQLite vs PGlite, same schema and code, each engine in its own process (median of ${runs} run${runs > 1 ? 's' : ''} each)`,
    columns: ['metric', LABEL.sqlite, 'runs min–max', LABEL.pglite, 'runs min–max', 'SQLite / PGlite', 'better (by)'],
    rows: metrics.map((m) => [m.label, m.fmt(med('sqlite', m)), spread('sqlite', m), m.fmt(med('pglite', m)), spread('pglite', m), fmtRatio(ratio(m)), better(m)]),
    notes: [
      `Engines: ${s0.version}; ${p0.version}.`,
      'SQLite / PGlite divides the SQLite figure by the PGlite one: above 1 for a rate means SQLite is faster; below 1 for a time, a size or memory means SQLite is smaller or faster. "better (by)" names the winner and the factor.',
      `1-min load average before each engine's process: ${loads.map((l) => l.toFixed(2)).join(', ')}. Each engine process's CPU time / wall time: SQLite ${results.sqlite.map((r) => r.cpuShare.toFixed(2)).join(', ')}; PGlite ${results.pglite.map((r) => r.cpuShare.toFixed(2)).join(', ')} (this benchmark's own process only waits for them, so the CPU share bench/run.ts reports for it is near 0).`,
    ],
  };

  const byName = (label: string) => metrics.find((m) => m.label.startsWith(label))!;
  const cold = byName('cold start');
  const batched = metrics[1]!;
  const single = metrics[2]!;
  const read = metrics[3]!;
  const disk = byName('size on disk');
  const rss = byName('process RSS growth: after');
  const bulk = metrics[metrics.length - 1]!;
  const win = (m: Metric) => (m.higherIsBetter ? ratio(m) > 1 : ratio(m) < 1);
  const adrLines = [cold, batched, single, disk, rss];
  const holds = adrLines.every(win);
  const x = (m: Metric) => fmtRatio(m.higherIsBetter ? ratio(m) : 1 / ratio(m));

  const findings = [
    `PGlite takes ${x(cold)} as long to open and migrate an empty store (${fmtMs(med('pglite', cold))} ms vs ${fmtMs(med('sqlite', cold))} ms: its first start runs initdb), and ${x(byName('reopen'))} as long to reopen a filled one.`,
    `Writing Shequn's messages one insertMessage at a time, SQLite is ${x(batched)} faster in ${fmtInt(cfg.batch)}-row transactions and ${x(single)} faster with one commit per message (the live bot's path); with one ${fmtInt(cfg.batch)}-row INSERT per transaction the factor is ${x(bulk)} (PGlite pays a WASM round trip per statement, so it gains most from fewer statements).`,
    `Reading a group's latest ${cfg.pageSize} messages: ${fmtMs(med('sqlite', read))} ms on SQLite, ${fmtMs(med('pglite', read))} ms on PGlite (median).`,
    `On disk after a checkpoint PGlite uses ${x(disk)} the space (${fmtMB(med('pglite', disk))} MB vs ${fmtMB(med('sqlite', disk))} MB), ${fmtMB(med('pglite', byName('of which')))} MB of it write-ahead log that PostgreSQL keeps for reuse (min_wal_size); its process grows by ${fmtMB(med('pglite', rss))} MB against ${fmtMB(med('sqlite', rss))} MB.`,
  ];

  const verdicts: Verdict[] = [
    {
      what: 'ADR 0002 (embedded store: SQLite over PGlite) on this machine: SQLite ahead on cold start, batched and single-row writes, disk and memory',
      measured: `SQLite better by: cold start ${x(cold)}, batched ${x(batched)}, single commits ${x(single)}, disk ${x(disk)}, RSS growth ${x(rss)}; paged read ${win(read) ? 'SQLite' : 'PGlite'} by ${x(read)}`,
      ok: holds,
    },
  ];

  const expectedCount = cfg.rows + cfg.singles;
  const checks: BenchResult['checks'] = [];
  for (const e of ENGINES) {
    checks.push({
      what: `${LABEL[e]}: messages stored in every run`,
      ok: results[e].every((r) => r.count === expectedCount && r.countAfterBulk === expectedCount + cfg.bulkRows),
      detail: `${results[e].map((r) => `${fmtInt(r.count)} + bulk → ${fmtInt(r.countAfterBulk)}`).join('; ')} (expected ${fmtInt(expectedCount)} → ${fmtInt(expectedCount + cfg.bulkRows)})`,
    });
    checks.push({ what: `${LABEL[e]}: the first group's page`, ok: results[e].every((r) => r.pageOk), detail: results[e][0]!.pageDetail });
  }
  const samePage = [...results.sqlite, ...results.pglite].every((r) => r.pageIds.join() === s0.pageIds.join());
  checks.push({ what: 'both engines return the same page (same ids, same order) in every run', ok: samePage, detail: samePage ? `${s0.pageIds.length} ids equal` : 'pages differ' });
  const want: Record<string, string> = { journal_mode: 'wal', synchronous: '1', foreign_keys: '1', wal_autocheckpoint: '10000' };
  const settingsOk = results.sqlite.every((r) => Object.entries(want).every(([k, v]) => r.settings[k] === v));
  const show = (r: WorkerResult) =>
    Object.entries(r.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
  checks.push({ what: "SQLite has src/store/sqlite-driver.ts's settings (read back with PRAGMA)", ok: settingsOk, detail: show(s0) });
  const pgSame = results.pglite.every((r) => show(r) === show(p0));
  checks.push({ what: 'PGlite ran with the same settings in every run (read back with SHOW; its defaults)', ok: pgSame, detail: show(p0) });

  const method = [
    `- **Peers.** Shequn's embedded store exactly as the server opens it (\`openStore\`: node:sqlite, WAL, \`synchronous=NORMAL\`, foreign keys on, \`wal_autocheckpoint=10000\`) against PGlite ${p0.version.replace(/^PGlite /, '')} with its defaults and a file data directory (\`PGlite.create(dir)\`, bigint parsed to numbers as src/store/index.ts does for PostgreSQL). Neither waits for the disk on a commit: SQLite with \`synchronous=NORMAL\` in WAL mode syncs only at checkpoints, and PGlite's defaults include \`fsync=off\` (both read back; see the checks below). PGlite is driven by Kysely's own \`PostgresDialect\` over a one-connection pool (bench/lib/pglite-kysely.ts, 40 lines; the npm dialects were not used: kysely-pglite drags in a CLI with ten dependencies, kysely-pglite-dialect declares PGlite ≤ 0.4 as its peer), so both engines run the same Kysely migration (0001, all tables and indexes) and compile the same queries.`,
    `- **Workload** (bench/lib/store-worker.ts), identical on both: one workspace, one channel account, ${cfg.groups} groups and ${cfg.members} members (untimed seed); then ${fmtInt(cfg.rows)} messages (20–200 UTF-16 units of mixed Chinese/English text from bench/lib/data.ts, seeded UUIDv7 ids in time order, spread over the groups) written with \`insertMessage\` (INSERT … ON CONFLICT DO NOTHING, as the engine writes them) in transactions of ${fmtInt(cfg.batch)}; then ${fmtInt(cfg.singles)} more, each its own autocommit; then ${cfg.reads} timed \`listGroupMessages\` calls (newest ${cfg.pageSize} of a group with the senders joined, the console's message page) after ${cfg.readWarmup} untimed ones, rotating over the groups; then a checkpoint (\`PRAGMA wal_checkpoint(TRUNCATE)\` / \`CHECKPOINT\`) and the size of the store's directory; then close, reopen (timed) and ${fmtInt(cfg.bulkRows)} more rows as one ${fmtInt(cfg.batch)}-row \`INSERT … VALUES\` per transaction, the bulk path an import would take.`,
    `- **Memory.** RSS is read in the engine's own process: the baseline after the test data is generated and garbage collected, before the engine is loaded and opened; "highest sample" is the maximum of samples taken after every batch and phase.`,
    `- **Runs.** ${runs} run${runs > 1 ? 's' : ''} per engine, each in a fresh process and a fresh directory under ${tmpdir()} (the same disk as the repository), alternating which engine goes first; cells are medians with the runs' min–max. Each process is stopped after ${workerLimitMs / 1000} s.`,
    `- **Compared with the research** (shared/research/dependency-bench.md §2: 1M messages, hand-written statements, PGlite bulk through \`unnest\`): this runs Shequn's schema (text primary key and three more indexes on messages, foreign keys) through Kysely and the repository functions, so absolute rates are lower; the ratios are the point.`,
  ];

  const result: BenchResult = {
    name: 'store',
    title: 'Embedded store: SQLite vs PGlite',
    method,
    tables: [table],
    findings,
    verdicts,
    checks,
    elapsedMs: now() - t0,
  };
  return result;
}

// Alone: node bench/store.ts [--quick] prints the table (bench/run.ts writes docs/benchmarks.md).
if (process.argv[1] === import.meta.filename) {
  process.stdout.write(`${textResult(await run({ quick: process.argv.includes('--quick') }))}\n`);
}
