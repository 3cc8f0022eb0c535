import type { InboundEvent, MemberJoinedEvent, MessageEvent, PlatformUser } from './events.ts';
import type { KeyedIntent } from './intents.ts';
import { KeywordMatcher, type KeywordMode } from './matcher.ts';
import { prependMention, renderTemplate } from './template.ts';

/**
 * Automation rules: trigger → conditions → actions. A welcome message and a keyword reply are
 * presets of the same model; later issues add triggers, conditions and actions to these unions.
 */
export type Trigger = { type: 'message'; scope: 'group' | 'direct' | 'any' } | { type: 'member_joined' };

export type Condition = { type: 'keyword'; keywords: string[]; mode: KeywordMode };

export type Action = {
  type: 'reply';
  /** Template text; see template.ts for the variables. */
  template: string;
  /** @mention the person who triggered the rule. */
  mention: boolean;
  /** Quote (reply to) the triggering message where the channel supports it. */
  quote: boolean;
};

export type RulePreset = 'welcome' | 'keyword_reply' | 'custom';

export interface Rule {
  id: string;
  /** null: applies to every group of the workspace. */
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

/** Rules prepared for one group (its own rules plus the workspace-wide ones). */
export interface CompiledRules {
  readonly size: number;
  /** Message rules without keyword conditions: they run on every message. */
  readonly unconditionalMessageRules: readonly Rule[];
  readonly keywordMatcher: KeywordMatcher<Rule>;
  readonly joinRules: readonly Rule[];
}

export function compileRules(rules: Iterable<Rule>): CompiledRules {
  const unconditional: Rule[] = [];
  const joins: Rule[] = [];
  const keywordEntries: { keyword: string; mode: KeywordMode; value: Rule }[] = [];
  let size = 0;
  for (const rule of rules) {
    if (!rule.enabled) continue;
    size++;
    if (rule.trigger.type === 'member_joined') {
      joins.push(rule);
      continue;
    }
    const keyword = rule.conditions.find((c) => c.type === 'keyword');
    if (!keyword) {
      unconditional.push(rule);
      continue;
    }
    for (const k of keyword.keywords) keywordEntries.push({ keyword: k, mode: keyword.mode, value: rule });
  }
  const byPriority = (a: Rule, b: Rule) => b.priority - a.priority;
  return {
    size,
    unconditionalMessageRules: unconditional.sort(byPriority),
    keywordMatcher: new KeywordMatcher(keywordEntries),
    joinRules: joins.sort(byPriority),
  };
}

export interface EvaluationContext {
  /** The group the event happened in; null for direct messages. */
  group: { name: string; rules: string } | null;
}

/** Pure: the intents the rules want for this event. Keys are `${event.id}:${n}`. */
export function evaluate(event: InboundEvent, compiled: CompiledRules, ctx: EvaluationContext): KeyedIntent[] {
  switch (event.kind) {
    case 'message':
      return evaluateMessage(event, compiled, ctx);
    case 'member_joined':
      return evaluateJoin(event, compiled, ctx);
    case 'member_left':
      return [];
  }
}

function evaluateMessage(event: MessageEvent, compiled: CompiledRules, ctx: EvaluationContext): KeyedIntent[] {
  if (event.sender.isBot) return [];
  const inScope = (rule: Rule) => {
    if (rule.trigger.type !== 'message') return false;
    const scope = rule.trigger.scope;
    return scope === 'any' || (scope === 'group') === (event.platformGroupId !== null);
  };
  const hits = compiled.keywordMatcher.match(event.content.text);
  // Candidates in firing order: priority first, then where the keyword appears in the text.
  const candidates = [
    ...hits.map((h) => ({ rule: h.value, position: h.position })),
    ...compiled.unconditionalMessageRules.map((rule) => ({ rule, position: Number.MAX_SAFE_INTEGER })),
  ]
    .filter((c) => inScope(c.rule))
    .sort((a, b) => b.rule.priority - a.rule.priority || a.position - b.position);
  const out: KeyedIntent[] = [];
  for (const { rule } of candidates) {
    for (const action of rule.actions) {
      out.push(replyIntent(event, rule, action, event.sender, undefined, ctx, out.length));
    }
    if (rule.stopAfterMatch) break;
  }
  return out;
}

/** What the join rules answer a join with, in firing order (a stop-after-match rule ends it). */
export function joinReplies(compiled: CompiledRules): { rule: Rule; action: Action }[] {
  const out: { rule: Rule; action: Action }[] = [];
  for (const rule of compiled.joinRules) {
    for (const action of rule.actions) out.push({ rule, action });
    if (rule.stopAfterMatch) break;
  }
  return out;
}

function evaluateJoin(event: MemberJoinedEvent, compiled: CompiledRules, ctx: EvaluationContext): KeyedIntent[] {
  if (event.member.isBot) return [];
  return joinReplies(compiled).map(({ rule, action }, n) => replyIntent(event, rule, action, event.member, event.inviter, ctx, n));
}

function replyIntent(
  event: MessageEvent | MemberJoinedEvent,
  rule: Rule,
  action: Action,
  person: PlatformUser,
  inviter: PlatformUser | undefined,
  ctx: EvaluationContext,
  n: number,
): KeyedIntent {
  let content = renderTemplate(action.template, { member: person, ...(inviter ? { inviter } : {}), ...(ctx.group ? { group: ctx.group } : {}) });
  if (action.mention && event.platformGroupId !== null) content = prependMention(content, person);
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
      ...(action.quote && event.kind === 'message' ? { replyToPlatformMessageId: event.platformMessageId } : {}),
      priority: 'interactive',
    },
  };
}
