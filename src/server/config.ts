import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { StoreConfig } from '../store/index.ts';

/**
 * Configuration: defaults < config file (`shequn.config.json` in the working directory, or the
 * file named by SHEQUN_CONFIG / --config) < environment < command-line flags.
 */
const FileConfig = z
  .object({
    port: z.number().int().min(0).max(65535),
    host: z.string().min(1),
    dataDir: z.string().min(1),
    databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'databaseUrl must start with postgres:// or postgresql://'),
    publicUrl: z.url(),
  })
  .partial()
  .strict();
export type FileConfig = z.infer<typeof FileConfig>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  store: StoreConfig;
  /** Where members and operators reach this server; invite links are built from it. */
  publicUrl: string;
  secureCookies: boolean;
  /** Where the built console lives. */
  consoleDir: string;
  /** scrypt cost; tests lower it. */
  passwordCost: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const ROOT = resolve(import.meta.dirname, '..', '..');

export function loadConfig(flags: FileConfig & { config?: string } = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const file = readConfigFile(flags.config ?? env.SHEQUN_CONFIG);
  const envCfg: FileConfig = {};
  const port = env.SHEQUN_PORT ?? env.PORT;
  if (port !== undefined && port !== '') {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`SHEQUN_PORT must be a port number, got "${port}"`);
    envCfg.port = n;
  }
  if (env.SHEQUN_HOST) envCfg.host = env.SHEQUN_HOST;
  if (env.SHEQUN_DATA_DIR) envCfg.dataDir = env.SHEQUN_DATA_DIR;
  const dbUrl = env.SHEQUN_DATABASE_URL ?? env.DATABASE_URL;
  if (dbUrl) envCfg.databaseUrl = dbUrl;
  if (env.SHEQUN_PUBLIC_URL) envCfg.publicUrl = env.SHEQUN_PUBLIC_URL;
  const cliCfg = Object.fromEntries(Object.entries(flags).filter(([k, v]) => k !== 'config' && v !== undefined));
  const parsed = FileConfig.safeParse({ ...file, ...envCfg, ...cliCfg });
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${z.prettifyError(parsed.error)}`);
  const merged = parsed.data;
  const portN = merged.port ?? 3000;
  const host = merged.host ?? '127.0.0.1';
  const dataDir = resolve(merged.dataDir ?? 'data');
  const publicUrl = (merged.publicUrl ?? `http://localhost:${portN}`).replace(/\/+$/, '');
  const cost = Number(env.SHEQUN_PASSWORD_COST ?? 15);
  return {
    port: portN,
    host,
    dataDir,
    store: merged.databaseUrl ? { kind: 'postgres', url: merged.databaseUrl } : { kind: 'sqlite', path: resolve(dataDir, 'shequn.db') },
    publicUrl,
    secureCookies: publicUrl.startsWith('https://'),
    consoleDir: resolve(ROOT, 'console', 'dist'),
    passwordCost: Number.isInteger(cost) && cost >= 10 && cost <= 20 ? cost : 15,
  };
}

function readConfigFile(path: string | undefined): FileConfig {
  const file = resolve(path ?? 'shequn.config.json');
  if (!existsSync(file)) {
    if (path) throw new ConfigError(`config file not found: ${file}`);
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = FileConfig.safeParse(json);
  if (!parsed.success) throw new ConfigError(`config file ${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** A URL safe to print: the password of a database URL is masked. */
export function describeStore(store: StoreConfig): string {
  if (store.kind === 'sqlite') return `embedded SQLite at ${store.path}`;
  const u = new URL(store.url);
  if (u.password) u.password = '***';
  return `PostgreSQL at ${u.toString()}`;
}
