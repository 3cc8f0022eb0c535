import { EventEmitter } from 'node:events';
import type { Message } from '../shared/api.ts';

/**
 * In-process notifications after a commit: a stored message, a membership change. The console's
 * live feed and the web community's sockets listen here. Durable state is always in the store;
 * the bus only says "look, something changed".
 */
export interface BusEvents {
  message: [{ workspaceId: string; channelKind: string; platformGroupId: string | null; message: Message }];
  membership: [{ workspaceId: string; channelKind: string; groupId: string; platformGroupId: string; platformUserId: string; displayName: string; status: 'active' | 'left' | 'removed' }];
  message_deleted: [{ workspaceId: string; channelKind: string; groupId: string | null; platformGroupId: string | null; messageId: string }];
  /** A moderation case was opened (the console's live feed and the alert webhook follow it). */
  case: [{ workspaceId: string; caseId: string }];
  outbox: [];
}

export class Bus extends EventEmitter<BusEvents> {}
