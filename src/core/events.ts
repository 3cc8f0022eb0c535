/**
 * Canonical inbound events. Every connector turns platform payloads into these with a pure
 * `normalize` function; the engine never sees a platform payload.
 *
 * An event's `id` is derived from the channel account and the platform's own event id, so a
 * replayed delivery of the same platform event produces the same id and is de-duplicated.
 */

/** A person as a platform knows them (a Telegram user, a WeChat contact, a web community member). */
export interface PlatformUser {
  platformUserId: string;
  displayName: string;
  isBot?: boolean;
}

/** An @mention inside a text, as UTF-16 offsets into that text. */
export interface Mention {
  platformUserId: string;
  offset: number;
  length: number;
}

/** What a message says. Parts a channel reports but Shequn does not model yet arrive as `other`. */
export interface MessageContent {
  type: 'text' | 'image' | 'file' | 'link' | 'other';
  text: string;
  mentions: Mention[];
}

interface EventBase {
  /** Stable id: see {@link eventId}. */
  id: string;
  channelAccountId: string;
  /** The platform's own id for this delivery (Telegram update_id, a WeChat message id …). */
  platformEventId: string;
  /** When the platform says it happened (epoch ms). */
  occurredAt: number;
}

export interface MessageEvent extends EventBase {
  kind: 'message';
  /** null for a direct (1:1) message. */
  platformGroupId: string | null;
  sender: PlatformUser;
  platformMessageId: string;
  content: MessageContent;
  replyToPlatformMessageId?: string;
  /**
   * For a direct message: the group the member came from, where the channel knows it (the web
   * community opens a member's chat with the assistant from a group's chat page; a Telegram
   * deep link can carry it). That group's own rules answer besides the workspace-wide ones.
   */
  originPlatformGroupId?: string;
}

export interface MemberJoinedEvent extends EventBase {
  kind: 'member_joined';
  platformGroupId: string;
  member: PlatformUser;
  inviter?: PlatformUser;
}

export interface MemberLeftEvent extends EventBase {
  kind: 'member_left';
  platformGroupId: string;
  member: PlatformUser;
  /** Set when someone else removed the member. */
  removedBy?: PlatformUser;
}

export type InboundEvent = MessageEvent | MemberJoinedEvent | MemberLeftEvent;
export type InboundEventKind = InboundEvent['kind'];

/** The stable id of an inbound event: the same platform delivery always maps to the same id. */
export function eventId(channelAccountId: string, platformEventId: string): string {
  return `${channelAccountId}:${platformEventId}`;
}

/** Upper bound on a message's text, enforced at every entry point. */
export const MAX_MESSAGE_LENGTH = 4000;
