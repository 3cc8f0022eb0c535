/**
 * One engine, one run of bench/store.ts, in a process of its own (so RSS and files are this
 * engine's alone). bench/store.ts starts it as
 *
 *   node --expose-gc bench/lib/store-worker.ts <sqlite|pglite> <empty dir> <config JSON> <result file>
 *
 * and reads the WorkerResult it writes. Both engines run Shequn's own code: the migration
 * (src/store/migrations/0001_initial.ts) through Kysely's Migrator, messages written with
 * insertMessage and read with listGroupMessages (src/store/repos/messages.ts). SQLite is opened by
 * openStore (src/store/index.ts: node:sqlite, WAL, synchronous=NORMAL, wal_autocheckpoint=10000);
 * PGlite, with its defaults and a file data directory, through Kysely's PostgresDialect
 * (bench/lib/pglite-kysely.ts), so both compile the same queries.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrateOrThrow, openStore, type Database } from '../../src/store/index.ts';
import * as m0001 from '../../src/store/migrations/0001_initial.ts';
import { createWorkspace } from '../../src/store/repos/accounts.ts';
import { createChannelAccount } from '../../src/store/repos/channels.ts';
import { createGroup } from '../../src/store/repos/groups.ts';
import { insertMessage, listGroupMessages, type MessageRow } from '../../src/store/repos/messages.ts';
import { upsertIdentity } from '../../src/store/repos/people.ts';
import { int, members, messages, rng, type Rand } from './data.ts';
import { collectGarbage, median, now } from './measure.ts';

export type Engine = 'sqlite' | 'pglite';

export interface WorkerConfig {
  /** Rows written in transactions of `batch` rows. */
  rows: number;
  batch: number;
  /** Single-row autocommit inserts after those. */
  singles: number;
  /** Last, in the reopened store: rows written as one multi-row INSERT of `batch` rows per transaction. */
  bulkRows: number;
  /** Timed paged reads (after `readWarmup` untimed ones). */
  reads: number;
  readWarmup: number;
  pageSize: number;
  groups: number;
  members: number;
}

export interface WorkerResult {
  engine: Engine;
  version: string;
  coldStartMs: number;
  batchedRowsPerSec: number;
  singleRowsPerSec: number;
  readMedianMs: number;
  readP90Ms: number;
  /** Bytes on disk after a checkpoint, the store still open; `walBytes` is the WAL's share. */
  diskBytes: number;
  walBytes: number;
  /** RSS after the checkpoint minus RSS before opening; the highest sample (one after every batch and phase) minus that start. */
  rssGrowthBytes: number;
  rssPeakGrowthBytes: number;
  /** Close, then open the filled store again and run the (no-op) migration and one query. */
  reopenMs: number;
  /** After all of the above, in the reopened store: `bulkRows` more rows as one multi-row INSERT of `batch` rows per transaction. */
  bulkRowsPerSec: number;
  /** Sanity: messages counted after the writes; the first group's page (ids, oldest first). */
  count: number;
  countAfterBulk: number;
  pageIds: string[];
  pageOk: boolean;
  pageDetail: string;
  /** This process's CPU time / wall time from opening the store to the end. */
  cpuShare: number;
  /** The engine's settings read back (SQLite: PRAGMA …; PGlite: SHOW …). */
  settings: Record<string, string>;
}

/** A UUIDv7 from a given millisecond and a seeded generator: the same ids on both engines and in every run. */
function uuid7(ms: number, r: Rand): string {
  const hex = (n: number, len: number) => Math.floor(n).toString(16).padStart(len, '0');
  const t = hex(ms, 12);
  return `${t.slice(0, 8)}-${t.slice(8)}-7${hex(r() * 0x1000, 3)}-${hex(0x8000 + r() * 0x4000, 4)}-${hex(r() * 0x10000, 4)}${hex(r() * 0x10000, 4)}${hex(r() * 0x10000, 4)}`;
}

/** Bytes in a directory tree; `wal` counts the files of the write-ahead log (SQLite's -wal, PostgreSQL's pg_wal/). */
function diskUse(dir: string): { total: number; wal: number } {
  let total = 0;
  let wal = 0;
  const walk = (d: string, inWal: boolean) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, inWal || e.name === 'pg_wal');
      else if (e.isFile()) {
        const size = statSync(p).size;
        total += size;
        if (inWal || e.name.endsWith('-wal')) wal += size;
      }
    }
  };
  walk(dir, false);
  return { total, wal };
}

interface Opened {
  db: Kysely<Database>;
  version: string;
}

const BASE_MS = Date.UTC(2026, 10, 1);

async function open(engine: Engine, dir: string): Promise<Opened> {
  if (engine === 'sqlite') {
    const store = openStore({ kind: 'sqlite', path: join(dir, 'shequn.sqlite') });
    await migrateOrThrow(store);
    return { db: store.db, version: `SQLite ${process.versions.sqlite ?? '?'} (node:sqlite)` };
  }
  const [{ PGlite }, { pgliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('./pglite-kysely.ts')]);
  // As src/store/index.ts does for PostgreSQL: bigint columns (epoch ms, counts) come back as numbers.
  const pg = await PGlite.create(join(dir, 'pgdata'), { parsers: { 20: Number } });
  const db = new Kysely<Database>({ dialect: pgliteDialect(pg) });
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => ({ '0001_initial': m0001 }) } }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  const v = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db);
  return { db, version: `PGlite ${pgliteVersion()} (PostgreSQL ${v.rows[0]?.v ?? '?'}, WASM)` };
}

function pgliteVersion(): string {
  try {
    const file = join(import.meta.dirname, '..', '..', 'node_modules', '@electric-sql', 'pglite', 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

export async function work(engine: Engine, dir: string, cfg: WorkerConfig): Promise<WorkerResult> {
  // ---- data, made before the baseline so it is not counted as the engine's memory --------------
  const total = cfg.rows + cfg.singles;
  const all = total + cfg.bulkRows;
  const people = members(cfg.members);
  const texts = messages(all, { keywords: [], hitRate: 0, memberCount: cfg.members, seed: 2026 });
  const r = rng(99);
  const specs = texts.map((m, i) => ({ id: uuid7(BASE_MS + i, r), group: int(r, 0, cfg.groups - 1), sender: m.sender, text: m.text, at: BASE_MS + i }));
  collectGarbage();
  const rss0 = process.memoryUsage.rss();
  let rssMax = rss0;
  const sample = () => {
    rssMax = Math.max(rssMax, process.memoryUsage.rss());
  };

  // ---- cold start: open + migrate an empty store --------------------------------------------------
  const cpu0 = process.cpuUsage();
  const begun = now();
  let t0 = begun;
  const first = await open(engine, dir);
  const { version } = first;
  let { db } = first;
  const coldStartMs = now() - t0;
  sample();

  const settings: Record<string, string> = {};
  const names = engine === 'sqlite' ? ['journal_mode', 'synchronous', 'foreign_keys', 'wal_autocheckpoint'] : ['fsync', 'synchronous_commit', 'shared_buffers', 'min_wal_size', 'max_wal_size'];
  for (const p of names) {
    const row = (await sql.raw<Record<string, unknown>>(`${engine === 'sqlite' ? 'PRAGMA' : 'SHOW'} ${p}`).execute(db)).rows[0];
    settings[p] = String(row === undefined ? '' : Object.values(row)[0]);
  }

  // ---- seed (untimed): a workspace, one channel account, groups, members ------------------------
  const fx = await db.transaction().execute(async (trx) => {
    const ws = await createWorkspace(trx, { name: 'Bench 社群', timezone: 'Asia/Shanghai', locale: 'zh-CN', now: BASE_MS });
    const account = await createChannelAccount(trx, { workspaceId: ws.id, kind: 'webchat', name: '社群助手', config: {}, now: BASE_MS });
    const groups: string[] = [];
    for (let g = 0; g < cfg.groups; g++) groups.push((await createGroup(trx, { workspaceId: ws.id, channelAccountId: account.id, name: `群 ${g}`, rules: '', inviteCode: null, now: BASE_MS })).id);
    const identities: string[] = [];
    for (const p of people) identities.push((await upsertIdentity(trx, { workspaceId: ws.id, channelAccountId: account.id, platformUserId: p.platformUserId, displayName: p.nickname, isBot: false, now: BASE_MS })).id);
    return { workspaceId: ws.id, accountId: account.id, groups, identities };
  });
  const row = (i: number): MessageRow => {
    const s = specs[i]!;
    return {
      id: s.id,
      workspace_id: fx.workspaceId,
      channel_account_id: fx.accountId,
      group_id: fx.groups[s.group]!,
      identity_id: fx.identities[s.sender]!,
      direction: 'in',
      platform_message_id: `pm-${i}`,
      content_type: 'text',
      text: s.text,
      mentions: '[]',
      reply_to_id: null,
      event_id: null,
      outbox_id: null,
      created_at: s.at,
      deleted_at: null,
    };
  };
  const fresh = (x: { inserted: boolean }) => {
    if (!x.inserted) throw new Error('store bench: a new message was taken for a duplicate');
  };

  // ---- batched writes: `batch` rows per transaction, one insertMessage each -----------------------
  collectGarbage();
  t0 = now();
  for (let start = 0; start < cfg.rows; start += cfg.batch) {
    const end = Math.min(start + cfg.batch, cfg.rows);
    await db.transaction().execute(async (trx) => {
      for (let i = start; i < end; i++) fresh(await insertMessage(trx, row(i)));
    });
    sample();
  }
  const batchedRowsPerSec = (cfg.rows / (now() - t0)) * 1000;

  // ---- single-row autocommit writes (the live bot's path) ------------------------------------------
  collectGarbage();
  t0 = now();
  for (let i = cfg.rows; i < total; i++) fresh(await insertMessage(db, row(i)));
  const singleRowsPerSec = (cfg.singles / (now() - t0)) * 1000;
  sample();

  // ---- paged read: a group's latest page, with the senders joined ----------------------------------
  for (let k = 0; k < cfg.readWarmup; k++) await listGroupMessages(db, fx.groups[k % cfg.groups]!, { limit: cfg.pageSize });
  const readMs: number[] = [];
  for (let k = 0; k < cfg.reads; k++) {
    const g = fx.groups[k % cfg.groups]!;
    const t = now();
    await listGroupMessages(db, g, { limit: cfg.pageSize });
    readMs.push(now() - t);
  }
  sample();
  const page = await listGroupMessages(db, fx.groups[0]!, { limit: cfg.pageSize });
  const pageIds = page.rows.map((m) => m.id);
  const expected = specs.flatMap((s, i) => (i < total && s.group === 0 ? [i] : [])).slice(-cfg.pageSize);
  const pageOk =
    page.rows.length === Math.min(cfg.pageSize, expected.length) &&
    page.rows.every((m, k) => m.id === specs[expected[k]!]!.id && m.text === specs[expected[k]!]!.text && m.group_id === fx.groups[0] && m.sender_name === people[specs[expected[k]!]!.sender]!.nickname);
  const pageDetail = `${page.rows.length} rows, oldest → newest, ids, texts and sender names as written: ${pageOk ? 'yes' : 'NO'}`;
  const counted = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();

  // ---- size on disk after a checkpoint; memory ----------------------------------------------------
  await sql.raw(engine === 'sqlite' ? 'PRAGMA wal_checkpoint(TRUNCATE)' : 'CHECKPOINT').execute(db);
  const disk = diskUse(dir);
  sample();
  const rssEnd = process.memoryUsage.rss();

  // ---- reopen the filled store ----------------------------------------------------------------------
  await db.destroy();
  t0 = now();
  ({ db } = await open(engine, dir));
  await db.selectFrom('messages').select('id').limit(1).execute();
  const reopenMs = now() - t0;

  // ---- bulk: one multi-row INSERT per transaction (an import's path), after everything else --------
  collectGarbage();
  t0 = now();
  for (let start = total; start < all; start += cfg.batch) {
    const rows: MessageRow[] = [];
    for (let i = start; i < Math.min(start + cfg.batch, all); i++) rows.push(row(i));
    await db.transaction().execute((trx) => trx.insertInto('messages').values(rows).execute());
  }
  const bulkRowsPerSec = (cfg.bulkRows / (now() - t0)) * 1000;
  const after = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  await db.destroy();
  const cpu = process.cpuUsage(cpu0);

  return {
    engine,
    version,
    coldStartMs,
    batchedRowsPerSec,
    singleRowsPerSec,
    readMedianMs: median(readMs),
    readP90Ms: [...readMs].sort((a, b) => a - b)[Math.floor(readMs.length * 0.9)] ?? Number.NaN,
    diskBytes: disk.total,
    walBytes: disk.wal,
    rssGrowthBytes: rssEnd - rss0,
    rssPeakGrowthBytes: rssMax - rss0,
    reopenMs,
    bulkRowsPerSec,
    count: Number(counted.n),
    countAfterBulk: Number(after.n),
    pageIds,
    pageOk,
    pageDetail,
    settings,
    cpuShare: (cpu.user + cpu.system) / 1000 / (now() - begun),
  };
}

// ---- entry: started by bench/store.ts ----------------------------------------------------------------

if (process.argv[1] === import.meta.filename) {
  const [engine, dir, cfg, out] = process.argv.slice(2);
  if ((engine !== 'sqlite' && engine !== 'pglite') || !dir || !cfg || !out) {
    process.stderr.write('usage: node --expose-gc bench/lib/store-worker.ts <sqlite|pglite> <empty dir> <config JSON> <result file>\n');
    process.exit(2);
  }
  const result = await work(engine, dir, JSON.parse(cfg) as WorkerConfig);
  writeFileSync(out, JSON.stringify(result));
}
