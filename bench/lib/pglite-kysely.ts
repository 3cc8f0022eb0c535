/**
 * Lets Kysely's own PostgresDialect drive PGlite (bench/store.ts), so PGlite runs Shequn's
 * migration and repository queries exactly as PostgreSQL does, through the same query compiler.
 *
 * PostgresDialect asks for a `pg`-shaped pool; PGlite is one connection, so this pool hands out
 * that one connection to one borrower at a time (a transaction keeps it until it commits) and
 * queues the others. PGlite's query results already carry `command`, `rowCount` and `rows`, the
 * fields Kysely reads. The npm dialects were not used: kysely-pglite brings a CLI with ten
 * dependencies (oclif, kysely-codegen, chokidar …), and kysely-pglite-dialect declares PGlite
 * ≤ 0.4 as its peer.
 */
import type { PGlite } from '@electric-sql/pglite';
import { PostgresDialect, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';

type Command = PostgresQueryResult<unknown>['command'];

export function pgliteDialect(pg: PGlite): PostgresDialect {
  let busy = false;
  const waiting: (() => void)[] = [];
  const client = {
    async query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
      const r = await pg.query<R>(sql, [...parameters]);
      return { command: (r.command ?? 'SELECT') as Command, rowCount: r.rowCount ?? r.affectedRows ?? 0, rows: r.rows };
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else busy = false;
    },
  };
  const pool: PostgresPool = {
    options: {},
    connect: () =>
      new Promise<PostgresPoolClient>((resolve) => {
        if (!busy) {
          busy = true;
          resolve(client as unknown as PostgresPoolClient);
        } else waiting.push(() => resolve(client as unknown as PostgresPoolClient));
      }),
    end: () => pg.close(),
  };
  return new PostgresDialect({ pool });
}
