import type { MessageContent } from './events.ts';
import type { SendMessageIntent } from './intents.ts';
import type { InviteRequest } from './rules.ts';
import { prependMention } from './template.ts';

/**
 * Invitation pools (keyword → group, a menu's "进群"): which group of a pool someone is invited
 * into, and what the assistant says. Pure: the engine reads the occupancy and memberships in the
 * transaction of the message and passes them in.
 */

export interface PoolCandidate {
  groupId: string;
  /** Active members now. */
  activeMembers: number;
  /** Most active members the group may have to be chosen; null: no cap. */
  cap: number | null;
}

export type PoolChoice = { kind: 'invite'; groupId: string } | { kind: 'already_member'; groupId: string } | { kind: 'full' };

/**
 * The group to invite someone into. `candidates` are the pool's groups that still exist, in the
 * operator's order; `alreadyIn` the groups the person is an active member of.
 *
 * - Someone already in a pool group is not invited again: the first such group (pool order) is
 *   named instead, full or not.
 * - Otherwise the least-full group below its cap: fewest active members (with equal caps that is
 *   also the most room; with different caps the smaller group still fills first, which keeps the
 *   pool's groups evenly lively). Ties go to the earlier group in the pool, so the choice is stable.
 * - A cap counts active members: a group with `cap` or more is full, so a cap of 0 takes nobody
 *   (the API asks for at least 1; no cap is null, never 0).
 * - Every group full, or no candidate left (the pool's groups were deleted): full.
 */
export function choosePoolGroup(candidates: readonly PoolCandidate[], alreadyIn: ReadonlySet<string>): PoolChoice {
  const member = candidates.find((c) => alreadyIn.has(c.groupId));
  if (member) return { kind: 'already_member', groupId: member.groupId };
  let best: PoolCandidate | undefined;
  for (const c of candidates) {
    if (c.cap !== null && c.activeMembers >= c.cap) continue;
    if (!best || c.activeMembers < best.activeMembers) best = c;
  }
  return best ? { kind: 'invite', groupId: best.groupId } : { kind: 'full' };
}

/** What the choice means for the answer: the chosen group's name and link, where one is needed. */
export type PoolOutcome = { kind: 'invite'; groupName: string; inviteUrl: string } | { kind: 'already_member'; groupName: string } | { kind: 'full' };

/** What the member reads (the console previews it from here). */
export const INVITE_TEXT = {
  'zh-CN': {
    invite: (group: string, url: string) => `点击链接加入「${group}」：\n${url}`,
    already: (group: string) => `你已经在「${group}」里了，不用重复加入～`,
    full: '抱歉，这几个群暂时都满员了，没法邀请你。已经通知运营同学，会尽快安排。',
  },
  en: {
    invite: (group: string, url: string) => `Tap the link to join “${group}”:\n${url}`,
    already: (group: string) => `You are already in “${group}”.`,
    full: 'Sorry, all of these groups are full right now, so we cannot invite you yet. The team has been told and will make room soon.',
  },
} as const;

/** The assistant's answer to an invitation request (member-visible text in the workspace's language). */
export function inviteAnswer(request: InviteRequest, outcome: PoolOutcome, locale: 'zh-CN' | 'en'): SendMessageIntent {
  const t = INVITE_TEXT[locale];
  let content: MessageContent =
    outcome.kind === 'invite'
      ? { type: 'link', text: t.invite(outcome.groupName, outcome.inviteUrl), mentions: [] }
      : { type: 'text', text: outcome.kind === 'already_member' ? t.already(outcome.groupName) : t.full, mentions: [] };
  if (request.mention) content = prependMention(content, request.member);
  return { ...request.answer, content };
}
