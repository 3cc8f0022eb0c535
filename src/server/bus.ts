import { EventEmitter } from 'node:events';
import type { Message } from '../shared/api.ts';

/**
 * In-process notifications after a commit: a stored message, a membership change. The console's
 * live feed and the web community's sockets listen here. Durable state is always in the store;
 * the bus only says "look, something changed".
 */
export interface BusEvents {
  /** `direct`: a direct message, in the conversation with that member. */
  message: [{ workspaceId: string; channelKind: string; platformGroupId: string | null; message: Message; direct?: { identityId: string; platformUserId: string } }];
  membership: [{ workspaceId: string; channelKind: string; groupId: string; platformGroupId: string; platformUserId: string; displayName: string; status: 'active' | 'left' | 'removed' }];
  message_deleted: [{ workspaceId: string; channelKind: string; groupId: string | null; platformGroupId: string | null; messageId: string }];
  /** A moderation case was opened (the console's live feed and the alert webhook follow it). */
  case: [{ workspaceId: string; caseId: string }];
  outbox: [];
  /** An invitation found every group of its pool full (or gone): the member was told so; operators should make room. */
  invite_pool_full: [{ workspaceId: string; ruleId: string; groupIds: string[]; missingGroupIds: string[]; contactId: string; memberName: string; caseId: string }];
}

export class Bus extends EventEmitter<BusEvents> {}
