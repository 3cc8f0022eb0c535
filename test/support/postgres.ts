// PostgreSQL test harness.
//
// startPostgres(): a throwaway PostgreSQL cluster for one test run (or the server named by
// SHEQUN_TEST_PG_URL). createTestDatabase(): a fresh, uniquely named database on it, so test
// files can run in parallel without seeing each other's rows.
//
//   const pg = await startPostgres();            // scripts/test.ts does this once per run
//   const db = await createTestDatabase(pg.url); // each test file does this
//   ... connect to db.url ...
//   await db.drop();
//   await pg.stop();
//
// The cluster uses Debian's binaries (/usr/lib/postgresql/<version>/bin): `apt-get install postgresql`.
// It listens on 127.0.0.1 on a free port, trusts local connections, and trades durability for speed
// (fsync, synchronous_commit and full_page_writes off): never point it at data you want to keep.

import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PostgresServer {
  /** Connection URL of the `postgres` database as superuser, e.g. postgres://postgres@127.0.0.1:54321/postgres */
  url: string;
  /** Stops the cluster and deletes its files (a no-op for SHEQUN_TEST_PG_URL). Safe to call twice. */
  stop(): Promise<void>;
}

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Terminates its connections and drops it. Safe to call twice. */
  drop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Start a new cluster even when SHEQUN_TEST_PG_URL is set (the harness self-test uses this). */
  ignoreEnv?: boolean;
}

/** Finds initdb and pg_ctl: Debian's highest installed version, else whatever is on PATH. */
export function findPostgresBinaries(): { initdb: string; pgCtl: string; version: string } | null {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(base, v, 'bin', 'initdb')) && existsSync(join(base, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    const v = versions[0];
    if (v !== undefined) return { initdb: join(base, v, 'bin', 'initdb'), pgCtl: join(base, v, 'bin', 'pg_ctl'), version: v };
  }
  // Not Debian's layout (a developer's own install): take initdb/pg_ctl from PATH.
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) {
      return { initdb: join(dir, 'initdb'), pgCtl: join(dir, 'pg_ctl'), version: 'PATH' };
    }
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

function describeError(err: unknown): string {
  const e = err as { message?: string; stderr?: string; stdout?: string };
  return [e.message, e.stdout, e.stderr].filter((s) => s && s.trim()).join('\n').trim();
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const fromEnv = process.env.SHEQUN_TEST_PG_URL;
  if (fromEnv && !options.ignoreEnv) return { url: fromEnv, stop: async () => {} };

  const bins = findPostgresBinaries();
  if (!bins) {
    throw new Error(
      'PostgreSQL server binaries not found (looked for /usr/lib/postgresql/*/bin/initdb and initdb on PATH). ' +
        'Install them with `apt-get install postgresql`, or set SHEQUN_TEST_PG_URL to a server the tests may create databases on ' +
        '(e.g. postgres://postgres@127.0.0.1:5432/postgres).',
    );
  }

  // initdb and the postmaster refuse to run as root: as root, run them as Debian's `postgres` user
  // in a directory it owns (under /tmp, so it can reach it whatever TMPDIR or the cwd is).
  const asRoot = process.getuid?.() === 0;
  let owner: { uid: number; gid: number } | null = null;
  if (asRoot) {
    try {
      owner = {
        uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
      };
    } catch {
      throw new Error('Running as root, but there is no `postgres` user to run PostgreSQL as (it comes with `apt-get install postgresql`).');
    }
  }
  const dir = mkdtempSync(join(asRoot ? '/tmp' : tmpdir(), 'shequn-pg-'));
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const exec = (cmd: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', cmd, ...args], { cwd: dir, encoding: 'utf8' })
      : run(cmd, args, { cwd: dir, encoding: 'utf8' });

  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      const args = ['-D', dataDir, '-m', 'immediate', '-w', 'stop'];
      if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', bins.pgCtl, ...args], { cwd: dir, stdio: 'ignore' });
      else execFileSync(bins.pgCtl, args, { cwd: dir, stdio: 'ignore' });
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Last resort if the process exits without calling stop(): don't leave a postmaster behind.
  process.once('exit', stopSync);

  try {
    const initdbArgs = ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'];
    try {
      await exec(bins.initdb, [...initdbArgs, '--locale=C.UTF-8']);
    } catch {
      rmSync(dataDir, { recursive: true, force: true });
      await exec(bins.initdb, [...initdbArgs, '--locale=C']); // a system without the C.UTF-8 locale
    }

    let lastError = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const serverOptions = [
        `-p ${port}`,
        '-c listen_addresses=127.0.0.1',
        `-c unix_socket_directories=${dir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        await exec(bins.pgCtl, ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start']);
        return {
          url: `postgres://postgres@127.0.0.1:${port}/postgres`,
          stop: async () => {
            if (stopped) return;
            process.removeListener('exit', stopSync);
            stopped = true;
            try {
              await exec(bins.pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
            } catch {
              // already gone
            }
            rmSync(dir, { recursive: true, force: true });
          },
        };
      } catch (err) {
        // Most likely the port was taken between picking and binding it: try another.
        lastError = describeError(err);
        try {
          lastError += '\n' + readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
        } catch {
          // no log
        }
      }
    }
    throw new Error(`PostgreSQL (${bins.pgCtl}) did not start:\n${lastError}`);
  } catch (err) {
    process.removeListener('exit', stopSync);
    stopSync();
    if (err instanceof Error && err.message.startsWith('PostgreSQL')) throw err;
    throw new Error(`Could not create a PostgreSQL cluster with ${bins.initdb}:\n${describeError(err)}`, { cause: err });
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

async function onAdminDb<T>(baseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a fresh, uniquely named database on the server at baseUrl (which needs CREATEDB rights). */
export async function createTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const name = `shequn_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  await onAdminDb(baseUrl, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`));
  let dropped = false;
  return {
    url: withDatabase(baseUrl, name),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await onAdminDb(baseUrl, async (c) => {
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        try {
          await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } catch (err) {
          if ((err as { code?: string }).code !== '42601') throw err; // PostgreSQL < 13 has no WITH (FORCE)
          await c.query(`DROP DATABASE IF EXISTS "${name}"`);
        }
      });
    },
  };
}
