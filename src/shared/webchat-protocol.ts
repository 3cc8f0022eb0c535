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
  | { type: 'message'; message: Message }
  | { type: 'membership'; groupId: string; platformUserId: string; status: 'active' | 'left' | 'removed' }
  | { type: 'message_deleted'; groupId: string; messageId: string }
  /** A moderation case was opened: the review queue and alerts update at once. */
  | { type: 'case'; case: Case };
