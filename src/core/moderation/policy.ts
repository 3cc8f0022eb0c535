/**
 * What moderation does with a message, given the word-list hits (pure): the strongest action wins
 * (block > warn > alert). A block deletes the message and warns the sender with an @mention; a
 * warn only warns; an alert only tells the moderators (a case, no message in the group). Where the
 * channel cannot delete, a block is carried out as a warn and the case says so.
 */
import type { MessageEvent } from '../events.ts';
import type { KeyedIntent } from '../intents.ts';
import { prependMention } from '../template.ts';
import type { ModerationAction, ModerationHit, WordEntry } from './matcher.ts';

const STRENGTH: Record<ModerationAction, number> = { alert: 1, warn: 2, block: 3 };

export interface Verdict {
  /** The action the words call for. */
  action: ModerationAction;
  /** What could be done on this channel (a block without delete becomes a warn). */
  applied: ModerationAction;
  /** The words found, once each, with their list and action. */
  words: { word: string; listId: string; action: ModerationAction; start: number; end: number }[];
}

export function judge(hits: readonly ModerationHit<WordEntry>[], canDelete: boolean): Verdict | null {
  if (hits.length === 0) return null;
  let action: ModerationAction = 'alert';
  const seen = new Set<string>();
  const words: Verdict['words'] = [];
  for (const h of hits) {
    if (STRENGTH[h.entry.action] > STRENGTH[action]) action = h.entry.action;
    const key = `${h.entry.listId}:${h.word}`;
    if (seen.has(key)) continue;
    seen.add(key);
    words.push({ word: h.entry.word, listId: h.entry.listId, action: h.entry.action, start: h.start, end: h.end });
  }
  return { action, applied: action === 'block' && !canDelete ? 'warn' : action, words };
}

const WARNING = {
  'zh-CN': { block: '你的消息包含本群不允许的内容，已被删除。请遵守群规。', warn: '请注意：你的消息包含本群不允许的内容，请遵守群规。' },
  en: { block: 'your message contained words this group does not allow and was removed. Please follow the rules.', warn: 'please note: your message contains words this group does not allow. Please follow the rules.' },
} as const;

/** The intents a verdict asks for: delete the message and/or warn the sender. Keys derive from the event. */
export function moderationIntents(event: MessageEvent, verdict: Verdict, locale: 'zh-CN' | 'en'): KeyedIntent[] {
  if (event.platformGroupId === null || verdict.applied === 'alert') return [];
  const out: KeyedIntent[] = [];
  if (verdict.applied === 'block') {
    out.push({
      idempotencyKey: `${event.id}:mod:delete`,
      ruleId: null,
      intent: { kind: 'delete_message', channelAccountId: event.channelAccountId, platformGroupId: event.platformGroupId, platformMessageId: event.platformMessageId, priority: 'interactive' },
    });
  }
  const text = WARNING[locale][verdict.applied];
  out.push({
    idempotencyKey: `${event.id}:mod:warn`,
    ruleId: null,
    intent: {
      kind: 'send_message',
      channelAccountId: event.channelAccountId,
      platformGroupId: event.platformGroupId,
      platformUserId: null,
      content: prependMention({ type: 'text', text, mentions: [] }, event.sender),
      priority: 'interactive',
    },
  });
  return out;
}
