import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../server/config.ts';
import { describeStore } from '../server/config.ts';
import { openStore } from '../store/index.ts';
import { countUsers } from '../store/repos/accounts.ts';
import { listChannelAccounts } from '../store/repos/channels.ts';

/** `shequn doctor`: each check prints ✓ or ✗ with what to do; false when something needs fixing. */
export async function runDoctor(config: Config, print: (line: string) => void): Promise<boolean> {
  let ok = true;
  const pass = (msg: string) => print(`✓ ${msg}`);
  const fail = (msg: string) => {
    ok = false;
    print(`✗ ${msg}`);
  };
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  if (nodeMajor >= 24) pass(`Node.js ${process.version}`);
  else fail(`Node.js ${process.version}: Shequn needs 24 or newer`);
  pass(`config: port ${config.port}, host ${config.host}, public URL ${config.publicUrl}`);
  if (existsSync(join(config.consoleDir, 'index.html'))) pass('console is built');
  else fail('console is not built: run `npm run build`');

  const store = openStore(config.store);
  try {
    const pending = await store.pendingMigrations();
    pass(`store reachable: ${describeStore(config.store)}`);
    if (pending.length === 0) pass('schema up to date');
    else if (config.store.kind === 'sqlite') print(`• ${pending.length} migration(s) will be applied at the next start: ${pending.join(', ')}`);
    else fail(`schema out of date (pending ${pending.join(', ')}): run \`shequn migrate\``);
    if (pending.length === 0) {
      const users = await countUsers(store.db);
      if (users > 0) pass(`${users} console account(s)`);
      else print('• no owner yet: open the console to create one, or run `shequn admin create`');
      const accounts = await listChannelAccounts(store.db);
      for (const a of accounts) {
        if (a.kind === 'webchat') pass(`channel ${a.name} (built-in web community): ready`);
        else fail(`channel ${a.name} (${a.kind}): this version has no ${a.kind} connector`);
      }
      if (accounts.length === 0 && users > 0) fail('no channel account: the workspace lost its web community; re-import or recreate it');
    }
  } catch (e) {
    fail(`store not reachable (${describeStore(config.store)}): ${(e as Error).message}`);
  } finally {
    await store.close();
  }
  return ok;
}
