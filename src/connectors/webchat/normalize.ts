/**
 * Pure translation of web community activity into canonical events. The "platform ids" here are
 * the web community's own: member ids (`wc_…`), and a message id made from the member and the
 * client's message id, so a frame re-sent after a reconnect maps to the same event.
 */
import { eventId, type MemberJoinedEvent, type MemberLeftEvent, type Mention, type MessageEvent, type PlatformUser } from '../../core/events.ts';

export interface WebchatMemberRef {
  platformUserId: string;
  nickname: string;
}

export function messageEvent(
  channelAccountId: string,
  platformGroupId: string,
  member: WebchatMemberRef,
  frame: { clientMessageId: string; text: string; mentions: Mention[]; replyToPlatformMessageId?: string | undefined },
  now: number,
): MessageEvent {
  const platformMessageId = `${member.platformUserId}:${frame.clientMessageId}`;
  const event: MessageEvent = {
    kind: 'message',
    id: eventId(channelAccountId, `msg:${platformMessageId}`),
    channelAccountId,
    platformEventId: `msg:${platformMessageId}`,
    occurredAt: now,
    platformGroupId,
    sender: { platformUserId: member.platformUserId, displayName: member.nickname },
    platformMessageId,
    content: { type: 'text', text: frame.text, mentions: validMentions(frame.text, frame.mentions) },
  };
  if (frame.replyToPlatformMessageId !== undefined) event.replyToPlatformMessageId = frame.replyToPlatformMessageId;
  return event;
}

/**
 * A member's message to the assistant, from the chat they opened on a group's page. Its id has its
 * own prefix: a client id reused in a group and in the private chat is two messages.
 */
export function directMessageEvent(channelAccountId: string, member: WebchatMemberRef, frame: { clientMessageId: string; text: string }, originPlatformGroupId: string, now: number): MessageEvent {
  const platformMessageId = `dm:${member.platformUserId}:${frame.clientMessageId}`;
  return {
    kind: 'message',
    id: eventId(channelAccountId, `msg:${platformMessageId}`),
    channelAccountId,
    platformEventId: `msg:${platformMessageId}`,
    occurredAt: now,
    platformGroupId: null,
    sender: { platformUserId: member.platformUserId, displayName: member.nickname },
    platformMessageId,
    content: { type: 'text', text: frame.text, mentions: [] },
    originPlatformGroupId,
  };
}

/** A join is one event per (member, group, join ticket): joining again later is a new event. */
export function joinEvent(channelAccountId: string, platformGroupId: string, member: WebchatMemberRef, ticket: string, now: number): MemberJoinedEvent {
  const platformEventId = `join:${platformGroupId}:${member.platformUserId}:${ticket}`;
  return {
    kind: 'member_joined',
    id: eventId(channelAccountId, platformEventId),
    channelAccountId,
    platformEventId,
    occurredAt: now,
    platformGroupId,
    member: { platformUserId: member.platformUserId, displayName: member.nickname },
  };
}

/** A member left; with `removedBy`, someone (an admin, the bot) removed them. */
export function leaveEvent(channelAccountId: string, platformGroupId: string, member: WebchatMemberRef, ticket: string, now: number, removedBy?: PlatformUser): MemberLeftEvent {
  const platformEventId = `leave:${platformGroupId}:${member.platformUserId}:${ticket}`;
  return {
    kind: 'member_left',
    id: eventId(channelAccountId, platformEventId),
    channelAccountId,
    platformEventId,
    occurredAt: now,
    platformGroupId,
    member: { platformUserId: member.platformUserId, displayName: member.nickname },
    ...(removedBy ? { removedBy } : {}),
  };
}

/** Keeps only mentions that point inside the text; a client cannot smuggle spans past its end. */
function validMentions(text: string, mentions: Mention[]): Mention[] {
  return mentions.filter((m) => m.offset >= 0 && m.length > 0 && m.offset + m.length <= text.length);
}
