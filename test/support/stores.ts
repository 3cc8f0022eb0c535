// The two store engines every store and API test runs against: the embedded SQLite file and a
// real PostgreSQL (a fresh database on the server scripts/test.ts started, SHEQUN_TEST_PG_URL).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreConfig } from '../../src/store/index.ts';
import { createTestDatabase } from './postgres.ts';

export interface TestStore {
  name: 'sqlite' | 'postgres';
  config: StoreConfig;
  /** A directory for the server's data (the SQLite file lives here). */
  dataDir: string;
  cleanup(): Promise<void>;
}

export const ENGINES = ['sqlite', 'postgres'] as const;

export async function makeStore(engine: (typeof ENGINES)[number]): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), `shequn-${engine}-`));
  if (engine === 'sqlite') {
    return { name: 'sqlite', config: { kind: 'sqlite', path: join(dataDir, 'shequn.db') }, dataDir, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const base = process.env.SHEQUN_TEST_PG_URL;
  if (!base) throw new Error('SHEQUN_TEST_PG_URL is not set: run the tests with `npm test` (it starts PostgreSQL) or point it at a server');
  const db = await createTestDatabase(base);
  return {
    name: 'postgres',
    config: { kind: 'postgres', url: db.url },
    dataDir,
    cleanup: async () => {
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
