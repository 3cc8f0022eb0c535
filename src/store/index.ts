import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import { Migrator, type Migration, type MigrationResultSet } from 'kysely/migration';
import pg from 'pg';
import * as m0001 from './migrations/0001_initial.ts';
import * as m0002 from './migrations/0002_word_lists.ts';
import * as m0003 from './migrations/0003_cases.ts';
import * as m0004 from './migrations/0004_enforcement.ts';
import * as m0005 from './migrations/0005_outbox_by_group.ts';
import * as m0006 from './migrations/0006_direct_messages.ts';
import * as m0007 from './migrations/0007_policy_scoped_items.ts';
import * as m0008 from './migrations/0008_hot_path_indexes.ts';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite-driver.ts';
import { bindStatements, hotStatements, unbindStatements } from './statements.ts';

export type { Database } from './schema.ts';

/** Where the data lives: the embedded SQLite file (default) or a PostgreSQL server. */
export type StoreConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** A handle usable inside and outside a transaction. */
export type Db = Kysely<Database> | Transaction<Database>;

export interface Store {
  readonly kind: StoreConfig['kind'];
  readonly db: Kysely<Database>;
  migrate(): Promise<MigrationResultSet>;
  /** Migrations not yet applied (for `doctor` and the start-up check). */
  pendingMigrations(): Promise<string[]>;
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_word_lists': m0002,
  '0003_cases': m0003,
  '0004_enforcement': m0004,
  '0005_outbox_by_group': m0005,
  '0006_direct_messages': m0006,
  '0007_policy_scoped_items': m0007,
  '0008_hot_path_indexes': m0008,
};

const INT8_OID = 20;

export function openStore(config: StoreConfig): Store {
  let db: Kysely<Database>;
  let transaction: Store['transaction'];
  if (config.kind === 'sqlite') {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    const { database, raw } = openSqlite(config.path);
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    // The transaction holds the one connection, so the hot path's prepared statements run in it (statements.ts).
    const statements = hotStatements(raw);
    transaction = (fn) =>
      db.transaction().execute(async (trx) => {
        bindStatements(trx, statements);
        try {
          return await fn(trx);
        } finally {
          unbindStatements(trx);
        }
      });
  } else {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: 10,
      // Epoch-millisecond timestamps and counts are bigint columns; they fit a JS number.
      types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
    });
    // An idle connection the server drops (restart, failover, admin) errors on the pool; without a
    // listener that would crash the process. The pool replaces it on the next query.
    pool.on('error', (e) => console.error(`PostgreSQL: an idle connection failed (${e.message}); it will be replaced`));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    transaction = (fn) => db.transaction().execute(fn);
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  return {
    kind: config.kind,
    db,
    migrate: () => migrator.migrateToLatest(),
    async pendingMigrations() {
      const all = await migrator.getMigrations();
      return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
    },
    transaction,
    close: () => db.destroy(),
  };
}

/** Migrate, failing with the first migration error instead of a result set. */
export async function migrateOrThrow(store: Store): Promise<string[]> {
  const { error, results } = await store.migrate();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
