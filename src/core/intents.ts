import type { MessageContent } from './events.ts';

/**
 * Intents are side effects the domain wants done. They are written to the outbox in the same
 * transaction as the event that caused them and executed later by the dispatcher.
 */

export type IntentPriority = 'interactive' | 'bulk';

export interface SendMessageIntent {
  kind: 'send_message';
  channelAccountId: string;
  /** Exactly one of group or user is set. */
  platformGroupId: string | null;
  platformUserId: string | null;
  content: MessageContent;
  replyToPlatformMessageId?: string;
  priority: IntentPriority;
}

export interface DeleteMessageIntent {
  kind: 'delete_message';
  channelAccountId: string;
  platformGroupId: string;
  platformMessageId: string;
  priority: IntentPriority;
}

/** Remove (kick) a member from a group; they may come back unless something else stops them. */
export interface RemoveMemberIntent {
  kind: 'remove_member';
  channelAccountId: string;
  platformGroupId: string;
  platformUserId: string;
  priority: IntentPriority;
}

export type Intent = SendMessageIntent | DeleteMessageIntent | RemoveMemberIntent;
export type IntentKind = Intent['kind'];

/** An intent with the key that makes it happen at most once, even across crashes. */
export interface KeyedIntent {
  idempotencyKey: string;
  intent: Intent;
  /** The rule that produced it, for the delivery log; null when an operator sent it by hand. */
  ruleId: string | null;
}
