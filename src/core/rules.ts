import type { InboundEvent, MemberJoinedEvent, MemberLeftEvent, MessageContent, MessageEvent, PlatformUser } from './events.ts';
import type { KeyedIntent, SendMessageIntent } from './intents.ts';
import { KeywordMatcher, normalizeKeywordText, type KeywordMode } from './matcher.ts';
import { menuText, prependMention, renderTemplate } from './template.ts';

/**
 * Automation rules: trigger → conditions → actions. A welcome message, a keyword reply and a
 * private menu are presets of the same model; later issues add triggers, conditions and actions
 * to these unions.
 */
export type Trigger = { type: 'message'; scope: 'group' | 'direct' | 'any' } | { type: 'member_joined' };

/**
 * What makes a message rule fire. A rule's conditions are alternatives: it fires when any one of
 * them holds. A message rule without conditions fires on every message in its scope.
 */
export type Condition =
  | { type: 'keyword'; keywords: string[]; mode: KeywordMode }
  /** The sender's first direct message to the assistant (direct scope only). */
  | { type: 'first_message' };

export interface ReplyAction {
  type: 'reply';
  /** Template text; see template.ts for the variables. */
  template: string;
  /** @mention the person who triggered the rule. */
  mention: boolean;
  /** Quote (reply to) the triggering message where the channel supports it. */
  quote: boolean;
}

/**
 * Invite the member into one group of a pool: the least-full one below its cap, and never one they
 * are already in (pool.ts). Which group that is depends on the store, so the rules only ask for it
 * (an {@link InviteRequest}); the engine answers in the same transaction.
 */
export interface InviteAction {
  type: 'invite';
  /** The pool, in the operator's order (which also breaks ties). */
  groupIds: string[];
  /** Most active members a pool group may have to be chosen; null: no cap. */
  cap: number | null;
  /** In a group: @mention the member and quote their message. */
  mention: boolean;
  /** Asked in a group: answer with a direct message instead. */
  privately: boolean;
}

export type OptionAction = ReplyAction | InviteAction;

export interface MenuOption {
  label: string;
  actions: OptionAction[];
}

/**
 * A numbered menu in direct messages: the greeting lists the options ("1. 了解群规"); a reply that
 * is an option's number (1, １, 1. or (1)) runs that option's actions.
 */
export interface MenuAction {
  type: 'menu';
  /** Template text shown above the numbered options. */
  greeting: string;
  options: MenuOption[];
}

export type Action = ReplyAction | InviteAction | MenuAction;

export type RulePreset = 'welcome' | 'keyword_reply' | 'menu' | 'custom';

export interface Rule {
  id: string;
  /** null: applies to every group of the workspace (and to direct messages from anywhere). */
  groupId: string | null;
  name: string;
  preset: RulePreset;
  enabled: boolean;
  /** Higher runs first. */
  priority: number;
  /** When this rule fires, rules after it do not (one answer per message). */
  stopAfterMatch: boolean;
  trigger: Trigger;
  conditions: Condition[];
  actions: Action[];
}

export function welcomeRule(fields: { id: string; groupId: string | null; template: string; enabled?: boolean }): Rule {
  return {
    id: fields.id,
    groupId: fields.groupId,
    name: 'welcome',
    preset: 'welcome',
    enabled: fields.enabled ?? true,
    priority: 0,
    stopAfterMatch: false,
    trigger: { type: 'member_joined' },
    conditions: [],
    actions: [{ type: 'reply', template: fields.template, mention: true, quote: false }],
  };
}

export function keywordReplyRule(fields: {
  id: string;
  groupId: string | null;
  name: string;
  keywords: string[];
  mode?: KeywordMode;
  reply: string;
  enabled?: boolean;
  priority?: number;
}): Rule {
  return {
    id: fields.id,
    groupId: fields.groupId,
    name: fields.name,
    preset: 'keyword_reply',
    enabled: fields.enabled ?? true,
    priority: fields.priority ?? 0,
    stopAfterMatch: true,
    trigger: { type: 'message', scope: 'any' },
    conditions: [{ type: 'keyword', keywords: fields.keywords, mode: fields.mode ?? 'contains' }],
    actions: [{ type: 'reply', template: fields.reply, mention: true, quote: true }],
  };
}

/** The template a reply-only rule (a welcome) sends: its first reply's. */
export function replyTemplate(rule: Rule | undefined): string | undefined {
  for (const a of rule?.actions ?? []) if (a.type === 'reply') return a.template;
  return undefined;
}

/**
 * A private menu: shown on the member's first direct message and whenever they send one of the
 * keywords exactly (菜单, menu, ?); numbered replies pick an option.
 */
export function menuRule(fields: {
  id: string;
  groupId: string | null;
  name: string;
  greeting: string;
  options: MenuOption[];
  keywords?: string[];
  onFirstMessage?: boolean;
  enabled?: boolean;
  priority?: number;
}): Rule {
  const keywords = fields.keywords ?? [];
  return {
    id: fields.id,
    groupId: fields.groupId,
    name: fields.name,
    preset: 'menu',
    enabled: fields.enabled ?? true,
    priority: fields.priority ?? 0,
    stopAfterMatch: true,
    trigger: { type: 'message', scope: 'direct' },
    conditions: [...(keywords.length > 0 ? [{ type: 'keyword' as const, keywords, mode: 'exact' as const }] : []), ...((fields.onFirstMessage ?? true) ? [{ type: 'first_message' as const }] : [])],
    actions: [{ type: 'menu', greeting: fields.greeting, options: fields.options }],
  };
}

/** Rules prepared for one group (its own rules plus the workspace-wide ones). */
export interface CompiledRules {
  readonly size: number;
  /** The rules compiled, by id (another compile can share them: see compileRules). */
  readonly rulesById: ReadonlyMap<string, Rule>;
  /** Message rules without conditions: they run on every message. */
  readonly unconditionalMessageRules: readonly Rule[];
  /** The "contains"/"exact" keywords of the rules; a rule is in one of them. */
  readonly keywordMatchers: readonly KeywordMatcher<Rule>[];
  /** Rules with a first_message condition (the engine looks the fact up only when there are some). */
  readonly firstMessageRules: readonly Rule[];
  /** Rules with a menu, in the order a numbered reply looks for one. */
  readonly menuRules: readonly Rule[];
  readonly joinRules: readonly Rule[];
}

const byPriority = (a: Rule, b: Rule) => b.priority - a.priority;
/** A group's own rule before a workspace-wide one. */
const specificity = (r: Rule) => (r.groupId === null ? 1 : 0);

/**
 * Prepares rules for evaluation. With `shared` (rules compiled before, which must all be among
 * `rules`: a workspace's own for each of its groups), a rule that `shared` has (by id) is taken
 * from it and its keywords stay in `shared`'s matchers; only the others get a matcher here. So every
 * group of a workspace matches the workspace's keywords with one automaton, built once, instead of
 * a copy each: less to build and to keep, and one automaton hot in the CPU's caches instead of one
 * per group.
 */
export function compileRules(rules: Iterable<Rule>, shared?: CompiledRules): CompiledRules {
  const byId = new Map<string, Rule>();
  const unconditional: Rule[] = [];
  const joins: Rule[] = [];
  const firstMessage: Rule[] = [];
  const menus: Rule[] = [];
  const keywordEntries: { keyword: string; mode: KeywordMode; value: Rule }[] = [];
  let size = 0;
  for (const given of rules) {
    const known = shared?.rulesById.get(given.id);
    const rule = known ?? given;
    if (!rule.enabled) continue;
    size++;
    byId.set(rule.id, rule);
    if (rule.trigger.type === 'member_joined') {
      joins.push(rule);
      continue;
    }
    for (const c of rule.conditions) {
      if (c.type === 'keyword') {
        if (!known) for (const k of c.keywords) keywordEntries.push({ keyword: k, mode: c.mode, value: rule });
      } else firstMessage.push(rule);
    }
    if (rule.conditions.length === 0) unconditional.push(rule);
    if (rule.actions.some((a) => a.type === 'menu')) menus.push(rule);
  }
  const own = keywordEntries.length > 0 ? [new KeywordMatcher(keywordEntries)] : [];
  return {
    size,
    rulesById: byId,
    unconditionalMessageRules: unconditional.sort(byPriority),
    keywordMatchers: shared ? [...shared.keywordMatchers, ...own] : own,
    firstMessageRules: firstMessage.sort(byPriority),
    menuRules: menus.sort((a, b) => byPriority(a, b) || specificity(a) - specificity(b)),
    joinRules: joins.sort(byPriority),
  };
}

export interface EvaluationContext {
  /** The group the event happened in; for a direct message, the group the member came from (or null). */
  group: { name: string; rules: string } | null;
  /** A direct message that is the sender's first to the assistant (looked up only when a rule asks). */
  firstMessage?: boolean;
}

/**
 * An invitation the rules asked for. The group depends on the pool's occupancy and the member's
 * memberships, so the engine chooses it (pool.ts) and turns this into the answer.
 */
export interface InviteRequest {
  groupIds: string[];
  cap: number | null;
  /** Who is invited. */
  member: PlatformUser;
  /** Where the answer goes, and how: everything of the send but its content. */
  answer: Omit<SendMessageIntent, 'content'>;
  /** @mention the member in the answer. */
  mention: boolean;
}

export interface KeyedInvite {
  idempotencyKey: string;
  ruleId: string;
  invite: InviteRequest;
}

/** One thing the rules decided, in order: an intent as it is, or an invitation to resolve. */
export type Decision = KeyedIntent | KeyedInvite;

export const isIntent = (d: Decision): d is KeyedIntent => 'intent' in d;

/**
 * Pure: what the rules decided for this event, in order; keys are `${event.id}:${n}`, an
 * invitation keeps its key when the engine resolves it into a send.
 */
export function decide(event: InboundEvent, compiled: CompiledRules, ctx: EvaluationContext): Decision[] {
  return event.kind === 'message' ? decideMessage(event, compiled, ctx) : evaluate(event, compiled, ctx);
}

/** Pure: the intents for a join or a leave. Join rules only reply (the API accepts nothing else there). */
export function evaluate(event: MemberJoinedEvent | MemberLeftEvent, compiled: CompiledRules, ctx: EvaluationContext): KeyedIntent[] {
  return event.kind === 'member_joined' ? evaluateJoin(event, compiled, ctx) : [];
}

/** The option number a direct message picks (1–9), if it is nothing but one: 1, １, 1. 1、 (1). */
export function menuChoice(text: string): number | null {
  const m = /^\(?([1-9])[).、。]?$/.exec(normalizeKeywordText(text));
  return m ? Number(m[1]) : null;
}

interface Candidate {
  rule: Rule;
  position: number;
  /** A menu option picked by number (0-based); out of range shows the menu again. */
  option?: number;
}

function decideMessage(event: MessageEvent, compiled: CompiledRules, ctx: EvaluationContext): Decision[] {
  if (event.sender.isBot) return [];
  const direct = event.platformGroupId === null;
  const inScope = (rule: Rule) => {
    if (rule.trigger.type !== 'message') return false;
    const scope = rule.trigger.scope;
    return scope === 'any' || (scope === 'direct') === direct;
  };
  const candidates: Candidate[] = [];
  const choice = direct ? menuChoice(event.content.text) : null;
  const menu = choice === null ? undefined : compiled.menuRules.find(inScope);
  // A number picks from the menu before anything else looks at the text.
  if (menu && choice !== null) candidates.push({ rule: menu, position: -1, option: choice - 1 });
  const normalized = compiled.keywordMatchers.length > 0 ? normalizeKeywordText(event.content.text) : '';
  for (const m of compiled.keywordMatchers) for (const h of m.matchNormalized(normalized)) candidates.push({ rule: h.value, position: h.position });
  for (const rule of compiled.unconditionalMessageRules) candidates.push({ rule, position: Number.MAX_SAFE_INTEGER });
  if (direct && ctx.firstMessage) for (const rule of compiled.firstMessageRules) candidates.push({ rule, position: Number.MAX_SAFE_INTEGER });
  // Firing order: priority, then where the keyword appears in the text, then a group's own rule first.
  const ordered = candidates.filter((c) => inScope(c.rule)).sort((a, b) => byPriority(a.rule, b.rule) || a.position - b.position || specificity(a.rule) - specificity(b.rule));
  const out: Decision[] = [];
  const fired = new Set<Rule>();
  for (const c of ordered) {
    if (fired.has(c.rule)) continue;
    fired.add(c.rule);
    for (const action of c.rule.actions) act(event, c.rule, action, c.option, ctx, out);
    if (c.rule.stopAfterMatch) break;
  }
  return out;
}

/** What the join rules answer a join with, in firing order (a stop-after-match rule ends it). */
export function joinReplies(compiled: CompiledRules): { rule: Rule; action: ReplyAction }[] {
  const out: { rule: Rule; action: ReplyAction }[] = [];
  for (const rule of compiled.joinRules) {
    for (const action of rule.actions) if (action.type === 'reply') out.push({ rule, action });
    if (rule.stopAfterMatch) break;
  }
  return out;
}

function act(event: MessageEvent, rule: Rule, action: Action, option: number | undefined, ctx: EvaluationContext, out: Decision[]): void {
  switch (action.type) {
    case 'reply':
      out.push(replyIntent(event, rule, action, event.sender, undefined, ctx, out.length));
      return;
    case 'invite':
      out.push(inviteDecision(event, rule, action, out.length));
      return;
    case 'menu': {
      const picked = option === undefined ? undefined : action.options[option];
      if (picked) for (const a of picked.actions) act(event, rule, a, undefined, ctx, out);
      else out.push(keyed(event, rule, out.length, menuContent(event, action, ctx), false));
      return;
    }
  }
}

function evaluateJoin(event: MemberJoinedEvent, compiled: CompiledRules, ctx: EvaluationContext): KeyedIntent[] {
  if (event.member.isBot) return [];
  return joinReplies(compiled).map(({ rule, action }, n) => replyIntent(event, rule, action, event.member, event.inviter, ctx, n));
}

function templateContext(person: PlatformUser, inviter: PlatformUser | undefined, ctx: EvaluationContext) {
  return { member: person, ...(inviter ? { inviter } : {}), ...(ctx.group ? { group: ctx.group } : {}) };
}

function replyIntent(
  event: MessageEvent | MemberJoinedEvent,
  rule: Rule,
  action: ReplyAction,
  person: PlatformUser,
  inviter: PlatformUser | undefined,
  ctx: EvaluationContext,
  n: number,
): KeyedIntent {
  let content = renderTemplate(action.template, templateContext(person, inviter, ctx));
  if (action.mention && event.platformGroupId !== null) content = prependMention(content, person);
  return keyed(event, rule, n, content, action.quote, person);
}

/** A send back where the event happened: into the group, or to the sender of a direct message. */
function keyed(event: MessageEvent | MemberJoinedEvent, rule: Rule, n: number, content: MessageContent, quote: boolean, person: PlatformUser = event.kind === 'message' ? event.sender : event.member): KeyedIntent {
  const isGroup = event.platformGroupId !== null;
  return {
    idempotencyKey: `${event.id}:${n}`,
    ruleId: rule.id,
    intent: {
      kind: 'send_message',
      channelAccountId: event.channelAccountId,
      platformGroupId: event.platformGroupId,
      platformUserId: isGroup ? null : person.platformUserId,
      content,
      ...(quote && event.kind === 'message' ? { replyToPlatformMessageId: event.platformMessageId } : {}),
      priority: 'interactive',
    },
  };
}

/** The greeting, then one numbered line per option. */
function menuContent(event: MessageEvent, action: MenuAction, ctx: EvaluationContext): MessageContent {
  return menuText(renderTemplate(action.greeting, templateContext(event.sender, undefined, ctx)), action.options.map((o) => o.label));
}

function inviteDecision(event: MessageEvent, rule: Rule, action: InviteAction, n: number): KeyedInvite {
  const inGroup = event.platformGroupId !== null && !action.privately;
  return {
    idempotencyKey: `${event.id}:${n}`,
    ruleId: rule.id,
    invite: {
      groupIds: action.groupIds,
      cap: action.cap,
      member: event.sender,
      answer: {
        kind: 'send_message',
        channelAccountId: event.channelAccountId,
        platformGroupId: inGroup ? event.platformGroupId : null,
        platformUserId: inGroup ? null : event.sender.platformUserId,
        ...(inGroup && action.mention ? { replyToPlatformMessageId: event.platformMessageId } : {}),
        priority: 'interactive',
      },
      mention: inGroup && action.mention,
    },
  };
}
