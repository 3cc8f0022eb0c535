import type { Intent, SendMessageIntent } from '../core/intents.ts';
import { WELCOME_KIND } from '../core/welcome.ts';
import { ConnectorError, type Connector } from '../connectors/kit.ts';
import type { Db, Store } from '../store/index.ts';
import { newId } from '../store/ids.ts';
import { findMessageByPlatformId, insertMessage, markDeleted } from '../store/repos/messages.ts';
import { claim, finish, listDue, listInFlight, nextDueAt, setStatus, type OutboxRow } from '../store/repos/outbox.ts';
import { findIdentity, upsertIdentity } from '../store/repos/people.ts';
import type { Bus, BusEvents } from './bus.ts';
import type { AccountInfo } from './engine.ts';
import { claimWelcome } from './welcome.ts';

export interface DispatcherOptions {
  store: Store;
  bus: Bus;
  connector: (channelAccountId: string) => Connector | undefined;
  account: (channelAccountId: string) => AccountInfo | undefined;
  now?: () => number;
  /** Attempts for transient failures before a send is marked failed. */
  maxAttempts?: number;
  /** Sends in flight at once (different groups; one group is always sequential). */
  concurrency?: number;
  /** Base of the exponential back-off, ms. */
  backoffMs?: number;
}

type Notice = { [K in keyof BusEvents]: { type: K; args: BusEvents[K] } }[keyof BusEvents];

const IDLE_POLL_MS = 5000;

/**
 * What a row without a group is sent in order with: the direct conversation it goes to (a menu's
 * answers arrive in the order they were decided), else nothing but itself.
 */
function conversationOf(row: OutboxRow): string {
  if (row.kind !== 'send_message') return row.idempotency_key;
  const to = (JSON.parse(row.payload) as SendMessageIntent).platformUserId;
  return to === null ? row.idempotency_key : `dm:${to}`;
}
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Executes outbox intents through their connectors: at most one in flight per group (order is
 * kept), retries with back-off, obeys `retry_after`, and writes a delivery record per attempt.
 * A send interrupted by a crash is retried only on channels whose sends are idempotent; elsewhere
 * it becomes `unknown` for the operator instead of risking a duplicate.
 */
export class Dispatcher {
  readonly #o: Required<DispatcherOptions>;
  readonly #busyGroups = new Set<string>();
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #ticking = false;
  /** The tick under way, so stop() can wait for it: a tick that already read due rows must not claim one after stop. */
  #tick: Promise<void> = Promise.resolve();
  #again = false;
  readonly #onOutbox = () => this.wake();

  constructor(options: DispatcherOptions) {
    this.#o = { now: Date.now, maxAttempts: 6, concurrency: 8, backoffMs: 1000, ...options };
  }

  async start(): Promise<void> {
    const { store, now } = this.#o;
    for (const row of await listInFlight(store.db)) {
      const connector = this.#o.connector(row.channel_account_id);
      if (connector?.capabilities.idempotentSend) await setStatus(store.db, row.id, 'pending', 'interrupted by a restart; resent', now());
      else await setStatus(store.db, row.id, 'unknown', 'interrupted by a restart: the platform may or may not have received it, so it was not resent', now());
    }
    this.#running = true;
    this.#o.bus.on('outbox', this.#onOutbox);
    this.wake();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#o.bus.off('outbox', this.#onOutbox);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#tick;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Look for due work now. */
  wake(): void {
    if (!this.#running) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#startTick(), 0);
  }

  /** Resolves when nothing is due or in flight (tests and `shequn` shutdown use it). */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.allSettled([...this.#inFlight]);
      const due = await listDue(this.#o.store.db, this.#o.now(), 1);
      // A tick between claiming a row and tracking its send has it neither due nor in flight.
      if (due.length === 0 && this.#inFlight.size === 0 && !this.#ticking) return;
      this.wake();
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  #startTick(): void {
    this.#tick = this.#runTick();
  }

  async #runTick(): Promise<void> {
    this.#timer = null;
    if (!this.#running) return;
    this.#ticking = true;
    try {
      const free = this.#o.concurrency - this.#inFlight.size;
      if (free > 0) {
        const rows = await listDue(this.#o.store.db, this.#o.now(), free * 4);
        for (const row of rows) {
          if (!this.#running || this.#inFlight.size >= this.#o.concurrency) break;
          const groupKey = `${row.channel_account_id}:${row.group_id ?? conversationOf(row)}`;
          if (this.#busyGroups.has(groupKey)) continue;
          const messageId = row.message_id ?? newId();
          // A welcome batch is rendered as it is claimed (server/welcome.ts); other rows go as written.
          const payload =
            row.kind === WELCOME_KIND
              ? await claimWelcome(this.#o.store, row, messageId, this.#o.now())
              : (await claim(this.#o.store.db, row.id, messageId, this.#o.now()))
                ? row.payload
                : null;
          if (payload === null) continue;
          this.#busyGroups.add(groupKey);
          const p = this.#send({ ...row, payload, message_id: messageId, attempts: row.attempts + 1 })
            .catch((e: unknown) => console.error('dispatcher: recording a delivery failed', e))
            .finally(() => {
              this.#busyGroups.delete(groupKey);
              this.#inFlight.delete(p);
              this.wake();
            });
          this.#inFlight.add(p);
        }
      }
    } catch (e) {
      console.error('dispatcher: tick failed', e);
    } finally {
      this.#ticking = false;
    }
    if (!this.#running) return;
    if (this.#again) {
      this.#again = false;
      this.wake();
      return;
    }
    const next = await nextDueAt(this.#o.store.db).catch(() => null);
    const delay = next === null ? IDLE_POLL_MS : Math.min(IDLE_POLL_MS, Math.max(0, next - this.#o.now()));
    if (!this.#timer && this.#running) this.#timer = setTimeout(() => this.#startTick(), delay);
  }

  async #send(row: OutboxRow & { message_id: string }): Promise<void> {
    const { store, now } = this.#o;
    const intent = JSON.parse(row.payload) as Intent;
    const connector = this.#o.connector(row.channel_account_id);
    const startedAt = now();
    if (!connector) {
      await this.#retryOrFail(row, 'channel account is not connected', startedAt);
      return;
    }
    let platformMessageId: string | null;
    try {
      ({ platformMessageId } = await connector.execute(intent, { idempotencyKey: row.idempotency_key, messageId: row.message_id }));
    } catch (e) {
      await this.#failure(row, connector, e, startedAt);
      return;
    }
    const account = this.#o.account(row.channel_account_id);
    const notice = await store.transaction(async (trx): Promise<Notice | null> => {
      await finish(trx, row, { status: 'sent', error: null, platformMessageId, startedAt, now: now() });
      if (!account) return null;
      switch (intent.kind) {
        case 'send_message':
          return this.#recordSent(trx, row, intent, connector, platformMessageId, account);
        case 'delete_message': {
          const m = await markDeleted(trx, row.channel_account_id, intent.platformMessageId, now());
          if (!m) return null;
          return { type: 'message_deleted', args: [{ workspaceId: row.workspace_id, channelKind: account.kind, groupId: m.group_id, platformGroupId: intent.platformGroupId, messageId: m.id }] };
        }
        case 'remove_member':
          // The platform reports the membership change itself, as a member_left event.
          return null;
      }
    });
    if (notice) (this.#o.bus.emit as (t: string, ...a: unknown[]) => boolean)(notice.type, ...notice.args);
  }

  /** Stores the message the bot just sent, under the id fixed when the row was claimed. */
  async #recordSent(trx: Db, row: OutboxRow & { message_id: string }, intent: SendMessageIntent, connector: Connector, platformMessageId: string | null, account: AccountInfo): Promise<Notice> {
    const { now } = this.#o;
    const bot = await upsertIdentity(trx, {
      workspaceId: row.workspace_id,
      channelAccountId: row.channel_account_id,
      platformUserId: connector.bot.platformUserId,
      displayName: connector.bot.displayName,
      isBot: true,
      now: now(),
    });
    const replyTo = intent.replyToPlatformMessageId ? await findMessageByPlatformId(trx, row.channel_account_id, intent.replyToPlatformMessageId) : undefined;
    const peer = intent.platformUserId === null ? undefined : await findIdentity(trx, row.channel_account_id, intent.platformUserId);
    const { row: stored } = await insertMessage(trx, {
      id: row.message_id,
      workspace_id: row.workspace_id,
      channel_account_id: row.channel_account_id,
      // Where it went: an answer sent privately to a group message is not part of that group.
      group_id: intent.platformGroupId === null ? null : row.group_id,
      identity_id: bot.id,
      direction: 'out',
      platform_message_id: platformMessageId ?? `out:${row.message_id}`,
      content_type: intent.content.type,
      text: intent.content.text,
      mentions: JSON.stringify(intent.content.mentions),
      reply_to_id: replyTo?.id ?? null,
      event_id: null,
      outbox_id: row.id,
      created_at: now(),
      deleted_at: null,
      direct_identity_id: peer?.id ?? null,
    });
    return {
      type: 'message',
      args: [
        {
          workspaceId: row.workspace_id,
          channelKind: account.kind,
          platformGroupId: intent.platformGroupId,
          message: {
            id: stored.id,
            groupId: stored.group_id,
            direction: 'out',
            sender: { platformUserId: bot.platform_user_id, name: bot.display_name, isBot: true, contactId: bot.contact_id },
            text: stored.text,
            mentions: intent.content.mentions,
            replyToId: stored.reply_to_id,
            createdAt: stored.created_at,
            deletedAt: null,
          },
          ...(peer ? { direct: { identityId: peer.id, platformUserId: peer.platform_user_id } } : {}),
        },
      ],
    };
  }

  async #failure(row: OutboxRow, connector: Connector, e: unknown, startedAt: number): Promise<void> {
    const { store, now } = this.#o;
    const error = e instanceof Error ? e.message : String(e);
    if (e instanceof ConnectorError) {
      if (e.code === 'rate_limited') {
        await finish(store.db, row, { status: 'pending', error, platformMessageId: null, nextAttemptAt: now() + (e.retryAfterMs ?? this.#o.backoffMs), startedAt, now: now() });
        return;
      }
      if (e.code === 'transient') {
        await this.#retryOrFail(row, error, startedAt);
        return;
      }
      await finish(store.db, row, { status: 'failed', error: `${e.code}: ${error}`, platformMessageId: null, startedAt, now: now() });
      return;
    }
    // An unexpected error: the platform may have acted. Retry only where a resend cannot duplicate.
    if (connector.capabilities.idempotentSend) await this.#retryOrFail(row, error, startedAt);
    else await finish(store.db, row, { status: 'unknown', error, platformMessageId: null, startedAt, now: now() });
  }

  async #retryOrFail(row: OutboxRow, error: string, startedAt: number): Promise<void> {
    const { store, now, maxAttempts, backoffMs } = this.#o;
    if (row.attempts >= maxAttempts) {
      await finish(store.db, row, { status: 'failed', error: `gave up after ${row.attempts} attempts: ${error}`, platformMessageId: null, startedAt, now: now() });
      return;
    }
    const delay = Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (row.attempts - 1));
    await finish(store.db, row, { status: 'pending', error, platformMessageId: null, nextAttemptAt: now() + delay, startedAt, now: now() });
  }
}
