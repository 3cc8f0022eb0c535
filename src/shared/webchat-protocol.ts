/**
 * The web community's WebSocket protocol (`/api/v1/webchat/ws?token=…&groupId=…`). Every frame
 * is one JSON object; the server validates client frames with these schemas.
 */
import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../core/events.ts';
import { Message, MentionSchema, WebchatMember, type Case } from './api.ts';

export const ClientFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('send'),
    /** Chosen by the client (a UUID); a resend after reconnect with the same id is not duplicated. */
    clientMessageId: z.string().min(8).max(64),
    text: z.string().min(1).max(MAX_MESSAGE_LENGTH),
    mentions: z.array(MentionSchema).max(50).default([]),
    /** The message (Shequn id) this one replies to; admins reply with /warn, /mute, /kick, /ban. */
    replyToId: z.string().min(1).max(100).optional(),
  }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientFrame = z.input<typeof ClientFrame>;

export type ServerFrame =
  | {
      type: 'ready';
      me: z.infer<typeof WebchatMember>;
      group: { id: string; name: string; rules: string };
      members: z.infer<typeof WebchatMember>[];
      /**
       * The latest messages (oldest → newest), read after the socket joined the room: together
       * with the live frames nothing falls in between. Older ones: the history endpoint.
       */
      recent: Message[];
      /** Cursor for the history endpoint's `before`, null when `recent` is everything. */
      nextBefore: string | null;
    }
  | { type: 'message'; message: Message }
  | { type: 'ack'; clientMessageId: string; messageId: string }
  | { type: 'member_joined'; member: z.infer<typeof WebchatMember> }
  | { type: 'member_left'; platformUserId: string }
  | { type: 'message_deleted'; messageId: string }
  /** The assistant wrote to this member privately (for a badge on the way to that chat). */
  | { type: 'direct_message'; message: Message }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };

/**
 * A member's private chat with the assistant (`/api/v1/webchat/direct/ws?token=…&groupId=…`, the
 * group being the one the member opens it from; they must be an active member there). Client
 * frames are `DirectClientFrame`: a `send` or a `ping`, like in a group, but a message needs more
 * than blanks and mentions nobody.
 */
export const DirectClientFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('send'),
    clientMessageId: z.string().min(8).max(64),
    text: z
      .string()
      .min(1)
      .max(MAX_MESSAGE_LENGTH)
      .refine((t) => t.trim() !== '', 'the message is empty'),
  }),
  z.object({ type: z.literal('ping') }),
]);
export type DirectClientFrame = z.input<typeof DirectClientFrame>;

export type DirectServerFrame =
  | {
      type: 'direct_ready';
      me: z.infer<typeof WebchatMember>;
      assistant: z.infer<typeof WebchatMember>;
      /** The group the chat was opened from: its rules and menus answer here. */
      origin: { id: string; name: string; rules: string };
      /** The latest messages of the conversation (oldest → newest), read after the socket was attached. */
      recent: Message[];
      nextBefore: string | null;
    }
  | { type: 'message'; message: Message }
  | { type: 'ack'; clientMessageId: string; messageId: string }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };

/** Close codes the server uses; the client stops reconnecting on these. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_NOT_MEMBER = 4403;

/**
 * The console's live feed (`/api/v1/live`, session cookie): what operators see change in real
 * time. Server → client only.
 */
export type LiveFrame =
  /** `directIdentityId`: a direct message, in the conversation with that member's identity. */
  | { type: 'message'; message: Message; directIdentityId?: string }
  | { type: 'membership'; groupId: string; platformUserId: string; status: 'active' | 'left' | 'removed' }
  | { type: 'message_deleted'; groupId: string; messageId: string }
  /** A moderation case was opened: the review queue and alerts update at once. */
  | { type: 'case'; case: Case };
