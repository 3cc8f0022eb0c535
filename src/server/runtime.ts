import type { Connector } from '../connectors/kit.ts';
import { WebchatConnector } from '../connectors/webchat/connector.ts';
import { CLOSE_NOT_MEMBER } from '../shared/webchat-protocol.ts';
import { migrateOrThrow, openStore, type Store } from '../store/index.ts';
import { deleteExpiredSessions } from '../store/repos/accounts.ts';
import { listChannelAccounts } from '../store/repos/channels.ts';
import { LoginThrottle } from './auth.ts';
import { AlertSender } from './alerts.ts';
import { Bus } from './bus.ts';
import type { Config } from './config.ts';
import { Dispatcher } from './dispatcher.ts';
import { Engine, type AccountInfo } from './engine.ts';

/** Everything a running Shequn holds; routes and the CLI get it passed in. */
export interface Runtime {
  readonly config: Config;
  readonly store: Store;
  readonly bus: Bus;
  readonly engine: Engine;
  readonly dispatcher: Dispatcher;
  readonly throttle: LoginThrottle;
  now(): number;
  account(channelAccountId: string): AccountInfo | undefined;
  connector(channelAccountId: string): Connector | undefined;
  webchat(channelAccountId: string): WebchatConnector | undefined;
  /** Connects a newly created channel account. */
  connect(account: { id: string; workspace_id: string; kind: string; name: string }): Promise<void>;
  stop(): Promise<void>;
}

const SESSION_SWEEP_MS = 3600_000;

export class StoreNotMigratedError extends Error {
  override name = 'StoreNotMigratedError';
}

/**
 * Opens the store, migrates the embedded one automatically (PostgreSQL is migrated explicitly by
 * `shequn migrate`, so a deploy decides when its schema changes), connects every channel account
 * and starts the dispatcher.
 */
export async function startRuntime(config: Config, opts: { now?: () => number } = {}): Promise<Runtime> {
  const now = opts.now ?? Date.now;
  const store = openStore(config.store);
  try {
    if (config.store.kind === 'sqlite') await migrateOrThrow(store);
    else {
      const pending = await store.pendingMigrations();
      if (pending.length > 0) throw new StoreNotMigratedError(`the PostgreSQL schema is not up to date (pending: ${pending.join(', ')}); run \`shequn migrate\` first`);
    }
  } catch (e) {
    await store.close();
    throw e;
  }
  const bus = new Bus();
  const engine = new Engine(store, bus, now);
  const accounts = new Map<string, AccountInfo>();
  const connectors = new Map<string, Connector>();
  const alerts = new AlertSender({ store, now });
  bus.on('case', () => alerts.wake());
  const dispatcher = new Dispatcher({ store, bus, now, connector: (id) => connectors.get(id), account: (id) => accounts.get(id) });

  const connect: Runtime['connect'] = async (a) => {
    if (a.kind === 'webchat') {
      const c = new WebchatConnector(a.id, a.name);
      const info = { workspaceId: a.workspace_id, kind: a.kind, capabilities: c.capabilities, inviteUrl: (code: string) => `${config.publicUrl}/join/${code}` };
      accounts.set(a.id, info);
      engine.registerAccount(a.id, info);
      bus.on('message', (n) => {
        if (n.channelKind !== 'webchat') return;
        if (n.platformGroupId !== null) c.publish(n.platformGroupId, { type: 'message', message: n.message });
        else if (n.direct) c.deliverDirect(n.direct.platformUserId, n.message);
      });
      bus.on('membership', (n) => {
        if (n.channelKind !== 'webchat') return;
        if (n.status === 'active') {
          c.publish(n.platformGroupId, { type: 'member_joined', member: { platformUserId: n.platformUserId, nickname: n.displayName, isBot: false } });
          return;
        }
        c.publish(n.platformGroupId, { type: 'member_left', platformUserId: n.platformUserId });
        c.disconnect(n.platformGroupId, n.platformUserId, CLOSE_NOT_MEMBER, n.status === 'removed' ? 'removed from the group' : 'left the group');
      });
      bus.on('message_deleted', (n) => {
        if (n.channelKind === 'webchat' && n.platformGroupId !== null) c.publish(n.platformGroupId, { type: 'message_deleted', messageId: n.messageId });
      });
      await c.start(engine);
      connectors.set(a.id, c);
    }
  };
  for (const a of await listChannelAccounts(store.db)) await connect(a);
  await dispatcher.start();
  alerts.start();
  const sweep = () => deleteExpiredSessions(store.db, now()).catch((e: unknown) => console.error('session sweep failed', e));
  await sweep();
  const sweeper = setInterval(() => void sweep(), SESSION_SWEEP_MS).unref();

  return {
    config,
    store,
    bus,
    engine,
    dispatcher,
    throttle: new LoginThrottle(),
    now,
    account: (id) => accounts.get(id),
    connector: (id) => connectors.get(id),
    webchat: (id) => {
      const c = connectors.get(id);
      return c instanceof WebchatConnector ? c : undefined;
    },
    connect,
    async stop() {
      clearInterval(sweeper);
      await alerts.stop();
      await dispatcher.stop();
      for (const c of connectors.values()) await c.stop();
      bus.removeAllListeners();
      await store.close();
    },
  };
}
