import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Presents Node's built-in `node:sqlite` as the better-sqlite3-shaped database Kysely's own
 * SqliteDialect drives (ADR 0002). Prepared statements are cached by SQL text: Kysely prepares
 * on every query, and the hot path repeats a handful of statements.
 */
const STATEMENT_CACHE_SIZE = 500;

export function openSqlite(path: string): { database: SqliteDatabase; raw: DatabaseSync } {
  const raw = new DatabaseSync(path, { timeout: 5000 });
  raw.exec('PRAGMA journal_mode = WAL');
  raw.exec('PRAGMA synchronous = NORMAL');
  raw.exec('PRAGMA foreign_keys = ON');
  raw.exec('PRAGMA busy_timeout = 5000');
  // Checkpoint the WAL every ~40 MB instead of every 4 MB: a checkpoint (with its fsyncs) then
  // costs the write path a tenth as often; the file is cut back to 64 MB after each.
  raw.exec('PRAGMA wal_autocheckpoint = 10000');
  raw.exec('PRAGMA journal_size_limit = 67108864');
  const cache = new Map<string, SqliteStatement>();
  const database: SqliteDatabase = {
    close: () => {
      cache.clear();
      raw.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit) return hit;
      const stmt = wrap(raw.prepare(sql));
      if (cache.size >= STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
  return { database, raw };
}

type Param = null | number | bigint | string | Uint8Array;

function params(values: ReadonlyArray<unknown>): Param[] {
  return values.map((v) => {
    if (v === undefined) return null;
    if (typeof v === 'boolean') return v ? 1 : 0;
    return v as Param;
  });
}

function wrap(stmt: StatementSync): SqliteStatement {
  const reader = stmt.columns().length > 0;
  return {
    reader,
    all: (values) => stmt.all(...params(values)),
    run: (values) => stmt.run(...params(values)),
    iterate: (values) => stmt.iterate(...params(values)) as IterableIterator<unknown>,
  };
}
