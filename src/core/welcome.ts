import type { PlatformUser } from './events.ts';
import type { SendMessageIntent } from './intents.ts';
import { joinContents, prependMentions, renderTemplate, type MentionList, type TextLocale } from './template.ts';

/**
 * Batched welcomes: members who join a group close together share one welcome that mentions them
 * all, and a group gets at most one welcome per cooldown, so a raid of hundreds of joins makes a
 * handful of welcomes instead of hundreds.
 *
 * A batch is an outbox row of kind `welcome`, due when the batch closes; until the dispatcher
 * claims it, later joins add themselves to its payload (a `WelcomeBatch`). Claiming renders it,
 * once, into the message that goes out, leaving out members who have left since.
 */

/** The outbox kind of a welcome batch row. */
export const WELCOME_KIND = 'welcome';
/** Members mentioned by name in one welcome; the rest are counted ("以及另外 N 位新朋友"). */
export const MENTION_CAP = 20;
/**
 * Members a batch keeps by name, so that one who leaves can be left out; joins beyond these are
 * only counted (a raid's tail), which keeps the payload small however many join.
 */
export const TRACKED_CAP = 100;

export interface WelcomeAction {
  template: string;
  /** @mention the members even when the template has no {nickname}. */
  mention: boolean;
}

/** A person as a batch keeps them: enough to mention them. */
export type Named = Pick<PlatformUser, 'platformUserId' | 'displayName'>;

export interface WelcomeBatch {
  kind: typeof WELCOME_KIND;
  channelAccountId: string;
  platformGroupId: string;
  /** The group's join replies in firing order, as of the latest join. */
  actions: WelcomeAction[];
  group: { name: string; rules: string };
  locale: TextLocale;
  /** In order of joining, each once. */
  members: { user: Named; inviter?: Named }[];
  /** Joins after the first TRACKED_CAP: counted, not named. */
  more: number;
}

export interface WelcomeSettings {
  batchSeconds: number;
  cooldownSeconds: number;
}

/** Batching off: every join gets its own welcome at once, as before batching existed. */
export const isImmediate = (s: WelcomeSettings): boolean => s.batchSeconds === 0 && s.cooldownSeconds === 0;

/**
 * When a new batch goes out: `batchSeconds` after the join that opens it, but not sooner than
 * `cooldownSeconds` after the group's previous welcome was due.
 */
export function welcomeDueAt(now: number, s: WelcomeSettings, previousDueAt: number | null): number {
  const due = now + s.batchSeconds * 1000;
  return previousDueAt === null ? due : Math.max(due, previousDueAt + s.cooldownSeconds * 1000);
}

export function isWelcomeBatch(payload: unknown): payload is WelcomeBatch {
  return typeof payload === 'object' && payload !== null && (payload as { kind?: unknown }).kind === WELCOME_KIND;
}

const named = (u: PlatformUser): Named => ({ platformUserId: u.platformUserId, displayName: u.displayName });

export function openBatch(f: {
  channelAccountId: string;
  platformGroupId: string;
  actions: WelcomeAction[];
  group: { name: string; rules: string };
  locale: TextLocale;
  member: PlatformUser;
  inviter?: PlatformUser | undefined;
}): WelcomeBatch {
  return {
    kind: WELCOME_KIND,
    channelAccountId: f.channelAccountId,
    platformGroupId: f.platformGroupId,
    actions: f.actions,
    group: f.group,
    locale: f.locale,
    members: [{ user: named(f.member), ...(f.inviter ? { inviter: named(f.inviter) } : {}) }],
    more: 0,
  };
}

/**
 * The batch with one more member (a member already in it stays once). The group's current replies
 * and name replace the batch's, so an edit made while the batch waits is what goes out.
 */
export function addToBatch(
  batch: WelcomeBatch,
  f: { member: PlatformUser; inviter?: PlatformUser | undefined; actions: WelcomeAction[]; group: { name: string; rules: string } },
): WelcomeBatch {
  const next = { ...batch, actions: f.actions, group: f.group };
  if (batch.members.some((m) => m.user.platformUserId === f.member.platformUserId)) return next;
  if (batch.members.length >= TRACKED_CAP) return { ...next, more: batch.more + 1 };
  return { ...next, members: [...batch.members, { user: named(f.member), ...(f.inviter ? { inviter: named(f.inviter) } : {}) }] };
}

/**
 * The message a batch becomes when it goes out: members still in the group (`isPresent`), the
 * first MENTION_CAP of them mentioned, the others counted; null when nobody is left to welcome.
 */
export function renderWelcome(batch: WelcomeBatch, isPresent: (platformUserId: string) => boolean): SendMessageIntent | null {
  const present = batch.members.filter((m) => isPresent(m.user.platformUserId));
  if (present.length === 0 && batch.more === 0) return null;
  const shown = present.slice(0, MENTION_CAP);
  const members: MentionList = { users: shown.map((m) => m.user), others: present.length - shown.length + batch.more };
  const inviters = new Map<string, Named>();
  for (const m of shown) if (m.inviter && !inviters.has(m.inviter.platformUserId)) inviters.set(m.inviter.platformUserId, m.inviter);
  const ctx = { members, inviters: { users: [...inviters.values()], others: 0 }, group: batch.group, locale: batch.locale };
  let content = joinContents(batch.actions.map((a) => renderTemplate(a.template, ctx)));
  if (batch.actions.some((a) => a.mention)) content = prependMentions(content, members, batch.locale);
  return {
    kind: 'send_message',
    channelAccountId: batch.channelAccountId,
    platformGroupId: batch.platformGroupId,
    platformUserId: null,
    content,
    priority: 'interactive',
  };
}
