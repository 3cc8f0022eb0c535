// Self-test of the test harness: if this fails, every store and browser test would fail with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { chromiumPath, launchBrowser } from './browser.ts';
import { createTestDatabase, startPostgres, type PostgresServer } from './postgres.ts';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function checkServer(server: PostgresServer): Promise<void> {
  const db = await createTestDatabase(server.url);
  const name = new URL(db.url).pathname.slice(1);
  assert.match(name, /^shequn_test_/);

  // A fresh database we can write to, and that holds a connection drop() must deal with.
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', () => {}); // drop() terminates it
  await client.connect();
  assert.deepEqual((await client.query('select 1 as one, current_database() as db')).rows, [{ one: 1, db: name }]);
  await client.query('create table t (id int primary key, label text)');
  await client.query("insert into t values (1, '社群')");
  assert.equal((await client.query('select label from t')).rows[0].label, '社群');

  // A second database is a different one.
  const other = await createTestDatabase(server.url);
  assert.notEqual(other.url, db.url);
  await assert.rejects(query(other.url, 'select * from t'), /relation "t" does not exist/);
  await other.drop();

  await db.drop();
  await db.drop(); // twice is fine
  await client.end().catch(() => {});
  const left = await query(server.url, 'select datname from pg_database where datname = $1', [name]);
  assert.deepEqual(left, [], 'drop() removed the database');
}

test('startPostgres() + createTestDatabase(): select 1, drop', async () => {
  const server = await startPostgres(); // SHEQUN_TEST_PG_URL under `npm test`
  try {
    await checkServer(server);
  } finally {
    await server.stop();
  }
});

test('startPostgres() starts and stops a throwaway cluster', async () => {
  const server = await startPostgres({ ignoreEnv: true });
  const url = new URL(server.url);
  assert.equal(url.hostname, '127.0.0.1');
  assert.notEqual(url.port, '');
  try {
    await checkServer(server);
    const [settings] = await query<{ fsync: string; listen: string }>(
      server.url,
      "select current_setting('fsync') as fsync, current_setting('listen_addresses') as listen",
    );
    assert.deepEqual(settings, { fsync: 'off', listen: '127.0.0.1' });
  } finally {
    await server.stop();
  }
  await server.stop(); // twice is fine
  await assert.rejects(query(server.url, 'select 1'), 'the server is gone after stop()');
});

test('launchBrowser() renders a page in Chromium', { skip: process.env.SHEQUN_SKIP_BROWSER === '1' }, async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.setContent('<button onclick="this.textContent = \'已点击\'">点击</button>');
    await page.click('button');
    assert.equal(await page.textContent('button'), '已点击');
  } finally {
    await browser.close();
  }
  assert.ok(chromiumPath());
});
