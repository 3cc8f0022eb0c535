/**
 * What moderation does with a message, given the word-list hits (pure): the strongest action wins
 * (block > warn > alert). A block deletes the message and warns the sender with an @mention; a
 * warn only warns; an alert only tells the moderators (a case, no message in the group). Where the
 * channel cannot delete, a block is carried out as a warn and the case says so. What a warning
 * costs (points, thresholds) is decided by the enforcement service, not here.
 */
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

/** One thing found in a message: sensitive words, an ad, a flood. */
export interface Detection {
  kind: 'sensitive_word' | 'ad' | 'flood';
  action: ModerationAction;
}

/** Which kind of detection explains a decision when several call for the same action. */
const KIND_ORDER: Detection['kind'][] = ['sensitive_word', 'ad', 'flood'];

/**
 * The strongest of a message's detections decides what happens (block > warn > alert; on a tie the
 * words, then ads, then floods explain it); a block becomes a warn where the channel cannot delete.
 */
export function decide<D extends Detection>(detections: readonly D[], canDelete: boolean): { lead: D; action: ModerationAction; applied: ModerationAction } | null {
  let lead: D | undefined;
  for (const d of detections) {
    if (!lead || STRENGTH[d.action] > STRENGTH[lead.action] || (STRENGTH[d.action] === STRENGTH[lead.action] && KIND_ORDER.indexOf(d.kind) < KIND_ORDER.indexOf(lead.kind))) lead = d;
  }
  if (!lead) return null;
  return { lead, action: lead.action, applied: lead.action === 'block' && !canDelete ? 'warn' : lead.action };
}

/** First-message scrutiny: a word that would warn blocks instead. */
export function stricter(action: ModerationAction): ModerationAction {
  return action === 'warn' ? 'block' : action;
}
