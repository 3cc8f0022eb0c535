import type { Config } from './config.ts';
import { describeStore } from './config.ts';
import { buildApp } from './app.ts';
import { startRuntime, type Runtime } from './runtime.ts';
import { countUsers } from '../store/repos/accounts.ts';

export interface RunningServer {
  rt: Runtime;
  /** Where the server listens. */
  url: string;
  close(): Promise<void>;
}

/** Starts everything: store, channels, dispatcher, HTTP. */
export async function startServer(config: Config, opts: { logger?: boolean; now?: () => number } = {}): Promise<RunningServer> {
  const rt = await startRuntime(config, opts.now ? { now: opts.now } : {});
  let app;
  try {
    app = await buildApp(rt, opts.logger === undefined ? {} : { logger: opts.logger });
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await rt.stop();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return {
    rt,
    url,
    async close() {
      await app.close();
      await rt.stop();
    },
  };
}

/** The lines `shequn start` prints once the server is up. */
export async function startupBanner(server: RunningServer, config: Config): Promise<string> {
  const needsOwner = (await countUsers(server.rt.store.db)) === 0;
  const consoleUrl = config.publicUrl.includes(`:${config.port}`) ? config.publicUrl.replace(`:${config.port}`, `:${new URL(server.url).port}`) : config.publicUrl;
  return [
    `Shequn 社群 is running — listening on ${server.url}`,
    `  console 控制台: ${consoleUrl}/`,
    `  store 存储:     ${describeStore(config.store)}`,
    needsOwner ? `  first visit: open the console to create the owner account (首次访问请创建所有者账号)` : `  sign in with your owner or team account`,
    `  API: ${consoleUrl}/api/openapi.json`,
  ].join('\n');
}
