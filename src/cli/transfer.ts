import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Config } from '../server/config.ts';
import { migrateOrThrow, openStore, type Database, type Db } from '../store/index.ts';
import { CliError } from './errors.ts';

/**
 * Workspace export/import as JSON Lines: a header line, then one `{ "t": table, "r": row }` per
 * line, tables in foreign-key order. Sessions are not exported (everyone signs in again).
 * Also the way to move from the embedded store to PostgreSQL: export, `--database-url … import`.
 */
const FORMAT = 'shequn-export';
const VERSION = 1;

type Table = keyof Database;

/** Tables in insert order, and how to select one workspace's rows from each. */
const TABLES: { table: Table; rows: (db: Db, ws: string) => Promise<object[]> }[] = [
  { table: 'workspaces', rows: (db, ws) => db.selectFrom('workspaces').selectAll().where('id', '=', ws).execute() },
  { table: 'users', rows: (db, ws) => db.selectFrom('users').selectAll().where('id', 'in', db.selectFrom('workspace_members').select('user_id').where('workspace_id', '=', ws)).orderBy('id').execute() },
  { table: 'workspace_members', rows: (db, ws) => db.selectFrom('workspace_members').selectAll().where('workspace_id', '=', ws).execute() },
  { table: 'channel_accounts', rows: (db, ws) => db.selectFrom('channel_accounts').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'policies', rows: (db, ws) => db.selectFrom('policies').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'groups', rows: (db, ws) => db.selectFrom('groups').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'contacts', rows: (db, ws) => db.selectFrom('contacts').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'identities', rows: (db, ws) => db.selectFrom('identities').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'memberships', rows: (db, ws) => db.selectFrom('memberships').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'webchat_users', rows: (db, ws) => db.selectFrom('webchat_users').selectAll().where('channel_account_id', 'in', db.selectFrom('channel_accounts').select('id').where('workspace_id', '=', ws)).orderBy('id').execute() },
  { table: 'word_lists', rows: (db, ws) => db.selectFrom('word_lists').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'word_list_words', rows: (db, ws) => db.selectFrom('word_list_words').selectAll().where('list_id', 'in', db.selectFrom('word_lists').select('id').where('workspace_id', '=', ws)).orderBy('list_id').orderBy('word').execute() },
  { table: 'rules', rows: (db, ws) => db.selectFrom('rules').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'inbound_events', rows: (db, ws) => db.selectFrom('inbound_events').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'messages', rows: (db, ws) => db.selectFrom('messages').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'cases', rows: (db, ws) => db.selectFrom('cases').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'group_admins', rows: (db, ws) => db.selectFrom('group_admins').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'warnings', rows: (db, ws) => db.selectFrom('warnings').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'blacklist_entries', rows: (db, ws) => db.selectFrom('blacklist_entries').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'mutes', rows: (db, ws) => db.selectFrom('mutes').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'alert_deliveries', rows: (db, ws) => db.selectFrom('alert_deliveries').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'outbox', rows: (db, ws) => db.selectFrom('outbox').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
  { table: 'deliveries', rows: (db, ws) => db.selectFrom('deliveries').selectAll().where('outbox_id', 'in', db.selectFrom('outbox').select('id').where('workspace_id', '=', ws)).orderBy('id').execute() },
  { table: 'audit_log', rows: (db, ws) => db.selectFrom('audit_log').selectAll().where('workspace_id', '=', ws).orderBy('id').execute() },
];
const KNOWN = new Set<string>(TABLES.map((t) => t.table));

export async function exportWorkspace(config: Config, file: string, workspaceId: string | undefined, progress: (p: string) => void) {
  const store = openStore(config.store);
  try {
    if ((await store.pendingMigrations()).length > 0) throw new CliError('the store schema is not up to date: start Shequn once or run `shequn migrate`');
    const all = await store.db.selectFrom('workspaces').select('id').execute();
    const ws = workspaceId ?? (all.length === 1 ? all[0]?.id : undefined);
    if (!ws) throw new CliError(all.length === 0 ? 'the store has no workspace' : `several workspaces: pick one with --workspace (${all.map((w) => w.id).join(', ')})`);
    if (!all.some((w) => w.id === ws)) throw new CliError(`no workspace ${ws}`);
    const out = createWriteStream(file);
    const write = async (line: string) => {
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    };
    await write(JSON.stringify({ format: FORMAT, version: VERSION, workspaceId: ws, exportedAt: new Date().toISOString(), store: config.store.kind }));
    let rows = 0;
    for (const { table, rows: select } of TABLES) {
      for (const r of await select(store.db, ws)) {
        await write(JSON.stringify({ t: table, r }));
        rows++;
      }
      progress(`${table}: ${rows} rows`);
    }
    out.end();
    await once(out, 'finish');
    return { workspaceId: ws, rows };
  } finally {
    await store.close();
  }
}

export async function importWorkspace(config: Config, file: string, progress: (p: string) => void) {
  const store = openStore(config.store);
  try {
    if (config.store.kind === 'sqlite') await migrateOrThrow(store);
    else if ((await store.pendingMigrations()).length > 0) throw new CliError('run `shequn migrate` first');
    let workspaceId: string | null = null;
    let rows = 0;
    let lineNo = 0;
    const BATCH = 500;
    let batch: { t: Table; r: Record<string, unknown> }[] = [];
    await store.transaction(async (trx) => {
      const flush = async () => {
        // Consecutive rows of one table go in one multi-row insert.
        let i = 0;
        while (i < batch.length) {
          const t = batch[i]!.t;
          let j = i;
          while (j < batch.length && batch[j]!.t === t) j++;
          await trx.insertInto(t).values(batch.slice(i, j).map((b) => b.r) as never).execute();
          i = j;
        }
        batch = [];
        progress(`${rows} rows`);
      };
      // Opened here, inside the transaction: lines read while the connection was being set up would be lost.
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
      for await (const line of lines) {
        lineNo++;
        if (line.trim() === '') continue;
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          throw new CliError(`${file}:${lineNo}: not valid JSON`);
        }
        if (workspaceId === null) {
          const header = json as { format?: unknown; version?: unknown; workspaceId?: unknown } | null;
          if (header?.format !== FORMAT || header.version !== VERSION || typeof header.workspaceId !== 'string') throw new CliError(`${file} is not a Shequn export (version ${VERSION})`);
          workspaceId = header.workspaceId;
          const exists = await trx.selectFrom('workspaces').select('id').where('id', '=', workspaceId).executeTakeFirst();
          if (exists) throw new CliError(`workspace ${workspaceId} already exists in this store; nothing was imported`);
          continue;
        }
        const item = json as { t?: unknown; r?: unknown };
        if (typeof item.t !== 'string' || !KNOWN.has(item.t) || typeof item.r !== 'object' || item.r === null) throw new CliError(`${file}:${lineNo}: not an export row`);
        batch.push({ t: item.t as Table, r: item.r as Record<string, unknown> });
        rows++;
        if (batch.length >= BATCH) await flush();
      }
      if (workspaceId === null) throw new CliError(`${file} is empty`);
      await flush();
    });
    return { workspaceId: workspaceId ?? '', rows };
  } finally {
    await store.close();
  }
}
