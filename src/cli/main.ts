import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, describeStore, loadConfig, type FileConfig } from '../server/config.ts';
import { startServer, startupBanner } from '../server/main.ts';
import { StoreNotMigratedError } from '../server/runtime.ts';
import { migrateOrThrow, openStore } from '../store/index.ts';
import { runDoctor } from './doctor.ts';
import { adminCreate } from './admin.ts';
import { exportWorkspace, importWorkspace } from './transfer.ts';

interface CommonOpts {
  config?: string;
  dataDir?: string;
  databaseUrl?: string;
}

const program = new Command()
  .name('shequn')
  .description('Shequn 社群 — self-hosted community operations (SCRM for chat groups)')
  .showHelpAfterError();

const common = (cmd: Command) =>
  cmd
    .option('-c, --config <file>', 'config file (JSON); default ./shequn.config.json when it exists')
    .option('--data-dir <dir>', 'where the embedded store lives (default ./data)')
    .option('--database-url <url>', 'use PostgreSQL instead of the embedded store');

function configFrom(opts: CommonOpts & { port?: number; host?: string; publicUrl?: string }) {
  const flags: FileConfig & { config?: string } = {};
  if (opts.config !== undefined) flags.config = opts.config;
  if (opts.dataDir !== undefined) flags.dataDir = opts.dataDir;
  if (opts.databaseUrl !== undefined) flags.databaseUrl = opts.databaseUrl;
  if (opts.port !== undefined) flags.port = opts.port;
  if (opts.host !== undefined) flags.host = opts.host;
  if (opts.publicUrl !== undefined) flags.publicUrl = opts.publicUrl;
  return loadConfig(flags);
}

const parsePort = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0–65535)');
  return n;
};

common(program.command('start'))
  .description('start the server (console, API, web community, channels)')
  .option('-p, --port <port>', 'HTTP port (default 3000; 0 picks a free one)', parsePort)
  .option('--host <host>', 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)')
  .option('--public-url <url>', 'the URL members and operators use (invite links are built from it)')
  .action(async (opts: CommonOpts & { port?: number; host?: string; publicUrl?: string }) => {
    const config = configFrom(opts);
    const server = await startServer(config);
    console.log(await startupBanner(server, config));
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping… (正在停止)`);
      await server.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

common(program.command('migrate'))
  .description('bring the store schema up to date (needed once per upgrade on PostgreSQL)')
  .action(async (opts: CommonOpts) => {
    const config = configFrom(opts);
    const store = openStore(config.store);
    try {
      const applied = await migrateOrThrow(store);
      console.log(applied.length ? `applied ${applied.join(', ')} to ${describeStore(config.store)}` : `already up to date: ${describeStore(config.store)}`);
    } finally {
      await store.close();
    }
  });

common(program.command('doctor'))
  .description('check configuration, store and channels, and say what to fix')
  .action(async (opts: CommonOpts) => {
    const ok = await runDoctor(configFrom(opts), (line) => console.log(line));
    process.exitCode = ok ? 0 : 1;
  });

const admin = program.command('admin').description('manage console accounts');
common(admin.command('create'))
  .description('create the owner (on a fresh install) or add a team member')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>')
  .option('--password <password>', 'at least 10 characters (default: read from SHEQUN_ADMIN_PASSWORD)')
  .option('--role <role>', 'owner on a fresh install; otherwise admin, operator, moderator or viewer', 'admin')
  .option('--workspace-name <name>', 'for a fresh install', '我的社群')
  .action(async (opts: CommonOpts & { email: string; name: string; password?: string; role: string; workspaceName: string }) => {
    console.log(await adminCreate(configFrom(opts), { ...opts, password: opts.password ?? process.env.SHEQUN_ADMIN_PASSWORD ?? '' }));
  });

common(program.command('export'))
  .description('write a workspace (settings, groups, members, messages, rules …) to a JSON Lines file')
  .requiredOption('-o, --out <file>', 'file to write')
  .option('--workspace <id>', 'workspace id (default: the only one)')
  .action(async (opts: CommonOpts & { out: string; workspace?: string }) => {
    const r = await exportWorkspace(configFrom(opts), opts.out, opts.workspace, (p) => process.stderr.write(`\r${p}`));
    process.stderr.write('\n');
    console.log(`exported workspace ${r.workspaceId}: ${r.rows} rows → ${opts.out}`);
  });

common(program.command('import'))
  .description('load a workspace exported with `shequn export` (into a store that does not have it yet)')
  .requiredOption('-i, --in <file>', 'file to read')
  .action(async (opts: CommonOpts & { in: string }) => {
    const r = await importWorkspace(configFrom(opts), opts.in, (p) => process.stderr.write(`\r${p}`));
    process.stderr.write('\n');
    console.log(`imported workspace ${r.workspaceId}: ${r.rows} rows`);
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof ConfigError || e instanceof StoreNotMigratedError || (e instanceof Error && e.name === 'CliError')) {
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
  if (e instanceof Error && 'code' in e && e.code === 'EADDRINUSE') {
    console.error(`error: ${e.message} — is Shequn already running? Use --port or SHEQUN_PORT to pick another port.`);
    process.exit(2);
  }
  throw e;
}
