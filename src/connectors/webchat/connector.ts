import type { Capabilities } from '../../core/capabilities.ts';
import type { Intent } from '../../core/intents.ts';
import type { Message } from '../../shared/api.ts';
import type { DirectServerFrame, ServerFrame } from '../../shared/webchat-protocol.ts';
import { ConnectorError, type Connector, type EventSink, type ExecuteContext, type ExecuteResult } from '../kit.ts';
import { directMessageEvent, joinEvent, leaveEvent, messageEvent, type WebchatMemberRef } from './normalize.ts';
import type { Mention, PlatformUser } from '../../core/events.ts';

/** The platform id the web community gives its own bot account. */
export const WEBCHAT_BOT_ID = 'bot';

/** What the connector needs of a member's WebSocket. */
export interface MemberSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
}

/**
 * The built-in web community. Its "platform" is Shequn itself: members' browsers hold a
 * WebSocket per group, and every message stored for a web community group is pushed to that
 * group's sockets (`publish`). A member's private chat with the assistant has sockets of its own
 * (`attachDirect`, `deliverDirect`). Sending is therefore recording: the dispatcher stores the
 * bot's message under the id it fixed for the intent, which makes sends idempotent.
 */
export class WebchatConnector implements Connector {
  readonly kind = 'webchat' as const;
  readonly channelAccountId: string;
  readonly bot: PlatformUser;
  readonly capabilities: Capabilities = {
    readGroupMessages: true,
    joinLeaveEvents: true,
    sendToGroup: true,
    mention: true,
    kick: true,
    deleteMessage: true,
    joinGate: true,
    trackedInviteLinks: true,
    directMessage: true,
    idempotentSend: true,
  };
  /** Open sockets per group, and whose each is. */
  readonly #rooms = new Map<string, Map<MemberSocket, string>>();
  /** Open private chats per member, and the group each was opened from. */
  readonly #direct = new Map<string, Map<MemberSocket, string>>();
  #sink: EventSink | null = null;

  constructor(channelAccountId: string, botName: string) {
    this.channelAccountId = channelAccountId;
    this.bot = { platformUserId: WEBCHAT_BOT_ID, displayName: botName, isBot: true };
  }

  async capabilitiesIn(): Promise<Capabilities> {
    return this.capabilities;
  }

  async start(sink: EventSink): Promise<void> {
    this.#sink = sink;
  }

  async stop(): Promise<void> {
    for (const room of [...this.#rooms.values(), ...this.#direct.values()]) for (const s of room.keys()) s.close(1001, 'server stopping');
    this.#rooms.clear();
    this.#direct.clear();
    this.#sink = null;
  }

  async execute(intent: Intent, ctx: ExecuteContext): Promise<ExecuteResult> {
    switch (intent.kind) {
      case 'send_message':
        // Into a group or to one member: stored by the dispatcher, then pushed to the open sockets.
        return { platformMessageId: `out:${ctx.messageId}` };
      case 'delete_message':
        // The message lives in Shequn's store: the dispatcher marks it deleted and rooms are told.
        return { platformMessageId: null };
      case 'remove_member':
        // Removing is the platform saying the member is gone: a member_left event, keyed on the
        // intent so a resend after a crash is the same event.
        await this.#requireSink().ingest(
          leaveEvent(this.channelAccountId, intent.platformGroupId, { platformUserId: intent.platformUserId, nickname: '' }, ctx.idempotencyKey, Date.now(), this.bot),
        );
        return { platformMessageId: null };
    }
  }

  /** A member joined a group through its invite link. */
  async memberJoined(platformGroupId: string, member: WebchatMemberRef, ticket: string, now: number) {
    return this.#requireSink().ingest(joinEvent(this.channelAccountId, platformGroupId, member, ticket, now));
  }

  /** A member left a group on their own. */
  async memberLeft(platformGroupId: string, member: WebchatMemberRef, ticket: string, now: number) {
    return this.#requireSink().ingest(leaveEvent(this.channelAccountId, platformGroupId, member, ticket, now));
  }

  /** A member said something; resolves once it is stored (then `publish` pushes it to the room). */
  async memberSays(platformGroupId: string, member: WebchatMemberRef, frame: { clientMessageId: string; text: string; mentions: Mention[]; replyToPlatformMessageId?: string | undefined }, now: number) {
    return this.#requireSink().ingest(messageEvent(this.channelAccountId, platformGroupId, member, frame, now));
  }

  /** A member wrote to the assistant from a group's page; resolves once it is stored. */
  async memberSaysPrivately(member: WebchatMemberRef, frame: { clientMessageId: string; text: string }, originPlatformGroupId: string, now: number) {
    return this.#requireSink().ingest(directMessageEvent(this.channelAccountId, member, frame, originPlatformGroupId, now));
  }

  attach(platformGroupId: string, platformUserId: string, socket: MemberSocket): () => void {
    return addSocket(this.#rooms, platformGroupId, socket, platformUserId);
  }

  /** A member's private chat with the assistant, opened from a group's page. */
  attachDirect(platformUserId: string, originPlatformGroupId: string, socket: MemberSocket): () => void {
    return addSocket(this.#direct, platformUserId, socket, originPlatformGroupId);
  }

  /**
   * Closes the sockets a member has open on a group (they left or were removed), and the private
   * chats they opened from it: that membership was their way in.
   */
  disconnect(platformGroupId: string, platformUserId: string, code: number, reason: string): void {
    const room = this.#rooms.get(platformGroupId);
    for (const [socket, owner] of room ?? []) {
      if (owner !== platformUserId) continue;
      room?.delete(socket);
      socket.close(code, reason);
    }
    const chats = this.#direct.get(platformUserId);
    for (const [socket, origin] of chats ?? []) {
      if (origin !== platformGroupId) continue;
      chats?.delete(socket);
      socket.close(code, reason);
    }
  }

  /**
   * A stored direct message between the assistant and this member: to their private chats, and a
   * note to their group chats when the assistant wrote (so the page can show it is waiting).
   */
  deliverDirect(platformUserId: string, message: Message): void {
    const frame: DirectServerFrame = { type: 'message', message };
    const data = JSON.stringify(frame);
    for (const s of this.#direct.get(platformUserId)?.keys() ?? []) s.send(data);
    if (!message.sender.isBot) return;
    const note = JSON.stringify({ type: 'direct_message', message } satisfies ServerFrame);
    for (const room of this.#rooms.values()) {
      for (const [s, owner] of room) if (owner === platformUserId) s.send(note);
    }
  }

  /** Pushes a frame to every socket open on the group. */
  publish(platformGroupId: string, frame: ServerFrame): void {
    const room = this.#rooms.get(platformGroupId);
    if (!room) return;
    const data = JSON.stringify(frame);
    for (const s of room.keys()) s.send(data);
  }

  #requireSink(): EventSink {
    if (!this.#sink) throw new ConnectorError('transient', 'web community is not started');
    return this.#sink;
  }
}

/** Files `socket` under `key`; what it returns takes the socket out again, and the key with its last one. */
function addSocket(sockets: Map<string, Map<MemberSocket, string>>, key: string, socket: MemberSocket, value: string): () => void {
  let bucket = sockets.get(key);
  if (!bucket) {
    bucket = new Map();
    sockets.set(key, bucket);
  }
  bucket.set(socket, value);
  return () => {
    bucket.delete(socket);
    if (bucket.size === 0) sockets.delete(key);
  };
}
