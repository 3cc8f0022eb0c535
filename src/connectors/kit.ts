/**
 * The connector kit: what every channel (web community, Telegram, WeChat, WeCom) implements.
 * Connectors only translate: platform payloads → canonical events (a pure `normalize`), and
 * intents → platform calls. They never touch the store; the server wires them up.
 */
import type { Capabilities } from '../core/capabilities.ts';
import type { InboundEvent, PlatformUser } from '../core/events.ts';
import type { Intent } from '../core/intents.ts';

export type ConnectorErrorCode = 'rate_limited' | 'unauthorized' | 'forbidden' | 'not_found' | 'unsupported' | 'transient' | 'permanent';

/** Typed failure of a platform call; the dispatcher decides retry / fail / wait from the code. */
export class ConnectorError extends Error {
  readonly code: ConnectorErrorCode;
  readonly retryAfterMs: number | undefined;
  constructor(code: ConnectorErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'ConnectorError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Where connectors hand inbound events; resolves once the event is durably recorded. */
export interface EventSink {
  ingest(event: InboundEvent): Promise<IngestResult>;
}

export interface IngestResult {
  /** The same platform event was already recorded: nothing changed. */
  duplicate: boolean;
  /** The id of the stored message, for message events. */
  messageId?: string;
}

export interface ExecuteContext {
  /** Unique per intent; platforms with idempotent sends use it to drop a repeat. */
  idempotencyKey: string;
  /** The id Shequn gives the sent message (stable across retries of this intent). */
  messageId: string;
}

export interface ExecuteResult {
  /** The platform's id of what was created (a sent message), when it has one. */
  platformMessageId: string | null;
}

export interface Connector {
  readonly kind: 'webchat' | 'telegram' | 'wechaty' | 'wecom';
  readonly channelAccountId: string;
  /** The account's own user: who the members see speaking when Shequn sends. */
  readonly bot: PlatformUser;
  /** What this channel can do in general (DESIGN.md §4). */
  readonly capabilities: Capabilities;
  /** Narrowed per group at run time (for example: the bot is not admin there). */
  capabilitiesIn(platformGroupId: string): Promise<Capabilities>;
  start(sink: EventSink): Promise<void>;
  stop(): Promise<void>;
  execute(intent: Intent, ctx: ExecuteContext): Promise<ExecuteResult>;
}
