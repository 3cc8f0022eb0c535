/** Store rows → API shapes (src/shared/api.ts). */
import type { Mention } from '../core/events.ts';
import { replyTemplate } from '../core/rules.ts';
import type { Case, CaseEffect, Group, Member, Message, RuleOut } from '../shared/api.ts';
import type { CaseRow } from '../store/repos/cases.ts';
import type { GroupsTable } from '../store/schema.ts';
import type { MessageWithSender } from '../store/repos/messages.ts';
import type { StoredRule } from '../store/repos/rules.ts';

export function messageDto(row: MessageWithSender): Message {
  return {
    id: row.id,
    groupId: row.group_id,
    direction: row.direction === 'out' ? 'out' : 'in',
    sender: {
      platformUserId: row.sender_platform_user_id ?? '',
      name: row.sender_name ?? '',
      isBot: row.sender_is_bot === 1,
      contactId: row.sender_contact_id ?? null,
    },
    text: row.text,
    mentions: JSON.parse(row.mentions) as Mention[],
    replyToId: row.reply_to_id,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
  };
}

/** What members see of a message: a deleted one keeps its place but not its text. */
export function memberMessageDto(row: MessageWithSender): Message {
  const m = messageDto(row);
  return m.deletedAt === null ? m : { ...m, text: '', mentions: [] };
}

export function groupDto(
  row: GroupsTable & { member_count: number | null; message_count: number | null; last_message_at: number | null },
  channelKind: Group['channelKind'],
  welcome: { own: StoredRule | undefined; policy: { id: string; name: string; rules: string; welcome: StoredRule | undefined } | null },
  publicUrl: string,
): Group {
  const inForce = welcome.own ?? welcome.policy?.welcome;
  const policyWelcome = welcome.policy?.welcome;
  return {
    id: row.id,
    name: row.name,
    channelAccountId: row.channel_account_id,
    channelKind,
    platformGroupId: row.platform_group_id,
    rules: row.rules,
    welcome: { enabled: inForce?.enabled ?? false, template: replyTemplate(inForce) ?? '' },
    ownWelcome: welcome.own !== undefined,
    policy: welcome.policy && {
      id: welcome.policy.id,
      name: welcome.policy.name,
      welcome: policyWelcome ? { enabled: policyWelcome.enabled, template: replyTemplate(policyWelcome) ?? '' } : null,
      rules: welcome.policy.rules,
    },
    inviteUrl: row.invite_code ? `${publicUrl}/join/${row.invite_code}` : null,
    memberCount: Number(row.member_count ?? 0),
    messageCount: Number(row.message_count ?? 0),
    lastMessageAt: row.last_message_at === null ? null : Number(row.last_message_at),
    createdAt: row.created_at,
  };
}

export function memberDto(row: {
  id: string;
  identity_id: string;
  contact_id: string;
  platform_user_id: string;
  display_name: string;
  role: string;
  status: string;
  joined_at: number;
  left_at: number | null;
  message_count: number;
  last_message_at: number | null;
}): Member {
  return {
    id: row.id,
    identityId: row.identity_id,
    contactId: row.contact_id,
    platformUserId: row.platform_user_id,
    displayName: row.display_name,
    role: row.role as Member['role'],
    status: row.status as Member['status'],
    joinedAt: row.joined_at,
    leftAt: row.left_at,
    messageCount: row.message_count,
    lastMessageAt: row.last_message_at,
  };
}

export function ruleDto(rule: StoredRule): RuleOut {
  return {
    id: rule.id,
    groupId: rule.groupId,
    policyId: rule.policyId,
    name: rule.name,
    preset: rule.preset,
    enabled: rule.enabled,
    priority: rule.priority,
    stopAfterMatch: rule.stopAfterMatch,
    trigger: rule.trigger,
    conditions: rule.conditions,
    actions: rule.actions,
    createdAt: rule.createdAt,
    updatedAt: rule.updatedAt,
  };
}

/** What a case's details column may hold (each kind fills its part). */
export interface CaseDetails {
  reason?: string;
  words?: Case['words'];
  ads?: Case['ads'];
}

export function caseDto(r: CaseRow): Case {
  const details = JSON.parse(r.details) as CaseDetails;
  return {
    id: r.id,
    groupId: r.group_id,
    groupName: r.group_name ?? null,
    member: { contactId: r.contact_id, identityId: r.identity_id, platformUserId: r.platform_user_id, name: r.display_name },
    kind: r.kind as Case['kind'],
    action: r.action as Case['action'],
    applied: r.applied as Case['applied'],
    actor: r.actor_name,
    reason: details.reason ?? null,
    words: (details.words ?? []).map((w) => ({ word: w.word, listId: w.listId, action: w.action })),
    ads: (details.ads ?? []).map((a) => ({ kind: a.kind, text: a.text })),
    effects: JSON.parse(r.effects) as CaseEffect[],
    evidence: { messageId: r.message_id, text: r.message_text ?? null, deletedAt: r.message_deleted_at ?? null },
    status: r.status as Case['status'],
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by_name,
  };
}
