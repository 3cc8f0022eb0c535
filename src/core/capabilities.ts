import type { IntentKind } from './intents.ts';

/**
 * What a channel can do (DESIGN.md §4). Declared statically per connector kind and narrowed at
 * run time per account and per group (a Telegram bot that is not admin cannot kick there).
 */
export interface Capabilities {
  readGroupMessages: boolean;
  joinLeaveEvents: boolean;
  sendToGroup: boolean;
  mention: boolean;
  kick: boolean;
  deleteMessage: boolean;
  joinGate: boolean;
  trackedInviteLinks: boolean;
  directMessage: boolean;
  /** Re-sending with the same idempotency key cannot produce a second copy on the platform. */
  idempotentSend: boolean;
}

export type Capability = keyof Capabilities;

/** Which capability an intent needs; checked when a rule is saved and again before dispatch. */
export function capabilityFor(kind: IntentKind, toGroup: boolean): Capability {
  switch (kind) {
    case 'send_message':
      return toGroup ? 'sendToGroup' : 'directMessage';
    case 'delete_message':
      return 'deleteMessage';
    case 'remove_member':
      return 'kick';
  }
}

export function missingCapabilities(have: Capabilities, need: Iterable<Capability>): Capability[] {
  const missing: Capability[] = [];
  for (const c of need) if (!have[c] && !missing.includes(c)) missing.push(c);
  return missing;
}
