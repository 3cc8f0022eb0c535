/**
 * The HTTP API contract, shared by the server (validation + OpenAPI) and the console (forms and
 * typed responses). One schema library (zod) on both sides: a change here is a change of the API.
 */
import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../core/events.ts';
import { GroupSettings, GroupSettingsPatch } from './group-settings.ts';

export const ROLES = ['owner', 'admin', 'operator', 'moderator', 'viewer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const LOCALES = ['zh-CN', 'en'] as const;
export const Locale = z.enum(LOCALES);
export type Locale = z.infer<typeof Locale>;

export const Id = z.string().min(1).max(100);
export const IdParams = z.object({ id: Id });

/** Error body of every non-2xx answer. */
export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

const Email = z.string().trim().toLowerCase().pipe(z.email().max(254));
const Password = z.string().min(10, 'password must be at least 10 characters').max(256);
const Name = z.string().trim().min(1).max(80);
const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown time zone');

// ── setup and auth ───────────────────────────────────────────────────────────────────────────
export const SetupStatus = z.object({ needsOwner: z.boolean() });
export const SetupBody = z.object({
  email: Email,
  password: Password,
  name: Name,
  workspaceName: Name,
  locale: Locale.default('zh-CN'),
});
export type SetupBody = z.input<typeof SetupBody>;

export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(256) });
export type LoginBody = z.input<typeof LoginBody>;

export const User = z.object({ id: Id, email: z.string(), name: z.string(), locale: Locale });
export type User = z.infer<typeof User>;

export const Workspace = z.object({ id: Id, name: z.string(), timezone: z.string(), locale: Locale });
export type Workspace = z.infer<typeof Workspace>;

export const Session = z.object({ user: User, workspace: Workspace, role: Role, csrfToken: z.string() });
export type Session = z.infer<typeof Session>;

export const WorkspacePatch = z
  .object({ name: Name, timezone: TimeZone, locale: Locale })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');

export const TeamMember = z.object({ userId: Id, email: z.string(), name: z.string(), role: Role, createdAt: z.number() });
export type TeamMember = z.infer<typeof TeamMember>;
export const TeamMemberCreate = z.object({ email: Email, name: Name, password: Password, role: Role.exclude(['owner']) });
export type TeamMemberCreate = z.input<typeof TeamMemberCreate>;
export const TeamMemberPatch = z.object({ role: Role.exclude(['owner']) });

export const UserPatch = z.object({ locale: Locale });

// ── channels ─────────────────────────────────────────────────────────────────────────────────
export const ChannelKind = z.enum(['webchat', 'telegram', 'wechaty', 'wecom']);
export type ChannelKind = z.infer<typeof ChannelKind>;
export const Capabilities = z.object({
  readGroupMessages: z.boolean(),
  joinLeaveEvents: z.boolean(),
  sendToGroup: z.boolean(),
  mention: z.boolean(),
  kick: z.boolean(),
  deleteMessage: z.boolean(),
  joinGate: z.boolean(),
  trackedInviteLinks: z.boolean(),
  directMessage: z.boolean(),
  idempotentSend: z.boolean(),
});
export const ChannelAccount = z.object({
  id: Id,
  kind: ChannelKind,
  name: z.string(),
  status: z.enum(['active', 'disabled', 'error']),
  capabilities: Capabilities,
  createdAt: z.number(),
});
export type ChannelAccount = z.infer<typeof ChannelAccount>;

// ── groups ───────────────────────────────────────────────────────────────────────────────────
export const GROUP_RULES_MAX = 4000;
export const Group = z.object({
  id: Id,
  name: z.string(),
  channelAccountId: Id,
  channelKind: ChannelKind,
  platformGroupId: z.string(),
  /** The group's own rules text (群规); empty: its template's, if it follows one. */
  rules: z.string(),
  /** The welcome in force: the group's own, else its template's. */
  welcome: z.object({ enabled: z.boolean(), template: z.string() }),
  /** The group has a welcome of its own (else it uses its template's, if any). */
  ownWelcome: z.boolean(),
  /** The template the group follows, with the welcome and rules text it gives groups that have none of their own. */
  policy: z.object({ id: Id, name: z.string(), welcome: z.object({ enabled: z.boolean(), template: z.string() }).nullable(), rules: z.string() }).nullable(),
  /** Absolute URL members open to join (web community) or null where the channel has none. */
  inviteUrl: z.string().nullable(),
  memberCount: z.number(),
  messageCount: z.number(),
  lastMessageAt: z.number().nullable(),
  createdAt: z.number(),
});
export type Group = z.infer<typeof Group>;

export const GroupCreate = z.object({
  name: Name,
  /** Defaults to the workspace's built-in web community. */
  channelAccountId: Id.optional(),
  rules: z.string().max(GROUP_RULES_MAX).default(''),
});
export type GroupCreate = z.input<typeof GroupCreate>;
export const GroupPatch = z
  .object({ name: Name, rules: z.string().max(GROUP_RULES_MAX) })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type GroupPatch = z.input<typeof GroupPatch>;
export const WelcomePut = z.object({ enabled: z.boolean(), template: z.string().trim().min(1).max(2000) });
export type WelcomePut = z.input<typeof WelcomePut>;

export const DEFAULT_WELCOME = {
  'zh-CN': '欢迎 {nickname} 加入「{group}」！\n请先看看群规：\n{rules}',
  en: 'Welcome to {group}, {nickname}!\nPlease read the rules:\n{rules}',
} as const;

export const MentionSchema = z.object({
  platformUserId: z.string().min(1).max(200),
  offset: z.number().int().min(0),
  length: z.number().int().min(1),
});

export const Message = z.object({
  id: Id,
  groupId: Id.nullable(),
  direction: z.enum(['in', 'out']),
  sender: z.object({ platformUserId: z.string(), name: z.string(), isBot: z.boolean(), contactId: Id.nullable() }),
  text: z.string(),
  mentions: z.array(MentionSchema),
  replyToId: Id.nullable(),
  createdAt: z.number(),
  /** Deleted by moderation. Operators still see the text (evidence); members get it blanked. */
  deletedAt: z.number().nullable(),
});
export type Message = z.infer<typeof Message>;

/** Items oldest → newest; `nextBefore` is the cursor (a message id) for the page before, null at the start. */
export const MessagePage = z.object({ items: z.array(Message), nextBefore: Id.nullable() });
export const MessageQuery = z.object({
  before: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const OperatorSend = z.object({ text: z.string().trim().min(1).max(MAX_MESSAGE_LENGTH) });

export const Member = z.object({
  id: Id,
  /** The member's identity on this channel (what an admin list names). */
  identityId: Id,
  contactId: Id,
  platformUserId: z.string(),
  displayName: z.string(),
  role: z.enum(['member', 'admin', 'owner']),
  status: z.enum(['active', 'left', 'removed']),
  joinedAt: z.number(),
  leftAt: z.number().nullable(),
  messageCount: z.number(),
  lastMessageAt: z.number().nullable(),
});
export type Member = z.infer<typeof Member>;
export const MemberPage = z.object({ items: z.array(Member), total: z.number() });
export const PageQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// ── contacts (one person across groups and channels) ─────────────────────────────────────────
export const ContactProfile = z.object({
  id: Id,
  displayName: z.string(),
  createdAt: z.number(),
  /** `id`: the identity, which is also the key of its direct conversation with the assistant. */
  identities: z.array(z.object({ id: Id, channelAccountId: Id, channelKind: ChannelKind, platformUserId: z.string(), displayName: z.string() })),
  memberships: z.array(
    z.object({
      /** The membership (a Member's id): what the group's member actions take. */
      memberId: Id,
      groupId: Id,
      groupName: z.string(),
      status: Member.shape.status,
      role: Member.shape.role,
      joinedAt: z.number(),
      leftAt: z.number().nullable(),
      messageCount: z.number(),
    }),
  ),
  recentMessages: z.array(Message),
});
export type ContactProfile = z.infer<typeof ContactProfile>;
/** Contacts whose name (on any channel) contains `q`, case-insensitively: to pick one by name. */
export const ContactSearchQuery = z.object({ q: z.string().trim().min(1).max(80), limit: z.coerce.number().int().min(1).max(50).default(20) });
export const ContactHit = z.object({ id: Id, displayName: z.string(), groups: z.array(z.object({ id: Id, name: z.string() })) });
export type ContactHit = z.infer<typeof ContactHit>;

// ── automation rules ─────────────────────────────────────────────────────────────────────────
export const KEYWORD_MAX = 100;
export const Trigger = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), scope: z.enum(['group', 'direct', 'any']).default('any') }),
  z.object({ type: z.literal('member_joined') }),
]);
export const KeywordCondition = z.object({
  type: z.literal('keyword'),
  keywords: z.array(z.string().trim().min(1).max(KEYWORD_MAX)).min(1).max(200),
  mode: z.enum(['contains', 'exact']).default('contains'),
});
/** A rule's conditions are alternatives: it fires when any one holds (none: every message in scope). */
export const Condition = z.discriminatedUnion('type', [
  KeywordCondition,
  /** The sender's first direct message to the assistant (direct scope only). */
  z.object({ type: z.literal('first_message') }),
]);
export const ReplyAction = z.object({
  type: z.literal('reply'),
  template: z.string().trim().min(1).max(MAX_MESSAGE_LENGTH),
  mention: z.boolean().default(true),
  quote: z.boolean().default(false),
});
export const INVITE_POOL_MAX = 50;
export const INVITE_CAP_MAX = 100_000;
/** Invite into the least-full group of a pool that is below its cap (never one the member is already in). */
export const InviteAction = z.object({
  type: z.literal('invite'),
  groupIds: z
    .array(Id)
    .min(1)
    .max(INVITE_POOL_MAX)
    .refine((ids) => new Set(ids).size === ids.length, 'a group appears twice in the pool'),
  /** Most active members a group may have to be chosen; null: no cap. */
  cap: z.number().int().min(1).max(INVITE_CAP_MAX).nullable().default(null),
  /** In a group: @mention the member (and quote them). */
  mention: z.boolean().default(true),
  /** Asked in a group: answer with a direct message instead. */
  privately: z.boolean().default(false),
});
export const OptionAction = z.discriminatedUnion('type', [ReplyAction, InviteAction]);
export const MENU_OPTIONS_MAX = 9;
export const MENU_LABEL_MAX = 40;
export const MenuOption = z.object({ label: z.string().trim().min(1).max(MENU_LABEL_MAX), actions: z.array(OptionAction).min(1).max(3) });
/** A numbered menu in direct messages; a reply with an option's number runs its actions. */
export const MenuAction = z.object({
  type: z.literal('menu'),
  greeting: z.string().trim().min(1).max(1000),
  options: z.array(MenuOption).min(1).max(MENU_OPTIONS_MAX),
});
export const Action = z.discriminatedUnion('type', [ReplyAction, InviteAction, MenuAction]);
export const RULE_PRESETS = ['welcome', 'keyword_reply', 'menu', 'custom'] as const;
export const RuleInput = z
  .object({
    /** One group's rule; null with policyId null: every group's. */
    groupId: Id.nullable(),
    /** A template's rule: it applies in every group following the template. */
    policyId: Id.nullable().default(null),
    name: Name,
    preset: z.enum(['keyword_reply', 'menu', 'custom']).default('keyword_reply'),
    enabled: z.boolean().default(true),
    priority: z.number().int().min(-1000).max(1000).default(0),
    stopAfterMatch: z.boolean().default(true),
    trigger: Trigger,
    conditions: z.array(Condition).max(2),
    actions: z.array(Action).min(1).max(5),
  })
  .superRefine((r, ctx) => {
    const direct = r.trigger.type === 'message' && r.trigger.scope === 'direct';
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (r.groupId !== null && r.policyId !== null) issue('policyId', 'a rule belongs to a group or to a template, not both');
    if (r.trigger.type === 'member_joined') {
      if (r.conditions.length > 0) issue('conditions', 'join rules take no keyword condition');
      if (r.actions.some((a) => a.type !== 'reply')) issue('actions', 'join rules only reply');
    }
    if (new Set(r.conditions.map((c) => c.type)).size < r.conditions.length) issue('conditions', 'at most one condition of each type');
    if (r.conditions.some((c) => c.type === 'first_message') && !direct) issue('conditions', 'first_message is for direct messages: set trigger.scope to "direct"');
    const menus = r.actions.filter((a) => a.type === 'menu').length;
    if (menus > 0 && !direct) issue('actions', 'a menu is for direct messages: set trigger.scope to "direct"');
    if (menus > 0 && r.actions.length > 1) issue('actions', 'a menu is the rule’s only action');
    if ((r.preset === 'menu') !== (menus > 0)) issue('preset', 'the menu preset is a rule with one menu action');
  });
export type RuleInput = z.input<typeof RuleInput>;
export const RuleOut = z.object({
  id: Id,
  groupId: Id.nullable(),
  policyId: Id.nullable(),
  name: z.string(),
  preset: z.enum(RULE_PRESETS),
  enabled: z.boolean(),
  priority: z.number(),
  stopAfterMatch: z.boolean(),
  trigger: Trigger,
  conditions: z.array(Condition),
  actions: z.array(Action),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type RuleOut = z.infer<typeof RuleOut>;
export const RuleQuery = z.object({ groupId: Id.optional(), policyId: Id.optional() });

/** What a new menu starts with, in the workspace's language (the console fills its editor with it). */
export const DEFAULT_MENU = {
  'zh-CN': {
    name: '私聊菜单',
    greeting: '你好 {nickname}，我是社群助手～回复数字即可：',
    keywords: ['菜单', 'menu', '?'],
    rules: { label: '了解群规', reply: '群规如下：\n{rules}' },
    pack: '领取资料包',
    join: '进群',
  },
  en: {
    name: 'Private menu',
    greeting: 'Hi {nickname}, I am the community assistant. Reply with a number:',
    keywords: ['menu', '菜单', '?'],
    rules: { label: 'Group rules', reply: 'Our rules:\n{rules}' },
    pack: 'Get the starter pack',
    join: 'Join a group',
  },
} as const;

// ── direct messages (the assistant and one member) ──────────────────────────────────────────
export const DirectConversation = z.object({
  /** The member's identity on the channel: the conversation's key. */
  identityId: Id,
  contactId: Id,
  channelAccountId: Id,
  channelKind: ChannelKind,
  platformUserId: z.string(),
  displayName: z.string(),
  messageCount: z.number(),
  lastMessage: Message,
});
export type DirectConversation = z.infer<typeof DirectConversation>;
export const DirectConversationPage = z.object({ items: z.array(DirectConversation), total: z.number() });
export const DirectIdentityParams = z.object({ identityId: Id });

// ── moderation: sensitive-word lists ──────────────────────────────────────────────────────────
export const WORDS_PER_LIST_MAX = 20_000;
export const ModerationAction = z.enum(['block', 'warn', 'alert']);
export const WordInput = z.object({ word: z.string().trim().min(1).max(50), action: ModerationAction });
export type WordInput = z.input<typeof WordInput>;
export const WordList = z.object({ id: Id, groupId: Id.nullable(), policyId: Id.nullable(), name: z.string(), wordCount: z.number(), createdAt: z.number(), updatedAt: z.number() });
export type WordList = z.infer<typeof WordList>;
/** groupId and policyId null: a workspace-wide list; at most one of them is set. */
export const WordListCreate = z
  .object({ groupId: Id.nullable().default(null), policyId: Id.nullable().default(null), name: Name, words: z.array(WordInput).max(WORDS_PER_LIST_MAX).default([]) })
  .refine((l) => l.groupId === null || l.policyId === null, { path: ['policyId'], message: 'a list belongs to a group or to a template, not both' });
export const WordListPatch = z.object({ name: Name });
export const WordsPut = z.object({ words: z.array(WordInput).max(WORDS_PER_LIST_MAX) });
/** What a save did: words whose normal form repeats an earlier one are merged into it. */
export const WordsSaved = z.object({ list: WordList, merged: z.array(z.object({ word: z.string(), into: z.string() })) });
export const WordPage = z.object({ items: z.array(z.object({ word: z.string(), action: ModerationAction })), total: z.number() });
export const WordListQuery = z.object({ groupId: Id.optional(), policyId: Id.optional() });

/** What raised a case. */
export const CASE_KINDS = ['sensitive_word', 'ad', 'flood', 'raid', 'blacklisted_join', 'invite_not_allowed', 'pool_full', 'manual'] as const;
export const CaseKind = z.enum(CASE_KINDS);
export type CaseKind = z.infer<typeof CaseKind>;
/** What a case asked for / did: the word actions, plus what moderators and thresholds do. */
export const CaseAction = z.enum(['alert', 'warn', 'block', 'mute', 'kick', 'ban', 'refuse', 'lockdown']);
export type CaseAction = z.infer<typeof CaseAction>;
export const AdKindName = z.enum(['link', 'phone', 'wechat_id', 'invite_link', 'card']);
/** One thing a case did; undoing a case reverses each (a removal cannot be reversed: the member may rejoin). */
export const CaseEffect = z.discriminatedUnion('type', [
  z.object({ type: z.literal('deleted'), messageId: Id }),
  z.object({ type: z.literal('warned'), warningId: Id, points: z.number(), kickAt: z.number(), banAt: z.number() }),
  z.object({ type: z.literal('muted'), muteId: Id, until: z.number() }),
  z.object({ type: z.literal('removed'), groupId: Id, groupName: z.string() }),
  /** The channel cannot remove members there: a moderator must do it by hand. */
  z.object({ type: z.literal('removal_needed'), groupId: Id, groupName: z.string() }),
  z.object({ type: z.literal('blacklisted'), entryId: Id, expiresAt: z.number().nullable() }),
  z.object({ type: z.literal('lockdown'), groupId: Id, until: z.number() }),
]);
export type CaseEffect = z.infer<typeof CaseEffect>;
export const CaseStatus = z.enum(['open', 'resolved', 'undone']);
export const Case = z.object({
  id: Id,
  groupId: Id.nullable(),
  groupName: z.string().nullable(),
  member: z.object({ contactId: Id, identityId: Id, platformUserId: z.string(), name: z.string() }),
  kind: CaseKind,
  /** What the detection or the moderator asked for, and what the channel allowed. */
  action: CaseAction,
  applied: CaseAction,
  /** Who acted: "Shequn" for automatic actions, else the moderator or chat admin. */
  actor: z.string(),
  reason: z.string().nullable(),
  words: z.array(z.object({ word: z.string(), listId: Id, action: ModerationAction })),
  ads: z.array(z.object({ kind: AdKindName, text: z.string() })),
  effects: z.array(CaseEffect),
  evidence: z.object({ messageId: Id.nullable(), text: z.string().nullable(), deletedAt: z.number().nullable() }),
  status: CaseStatus,
  createdAt: z.number(),
  resolvedAt: z.number().nullable(),
  resolvedBy: z.string().nullable(),
});
export type Case = z.infer<typeof Case>;
export const CaseQuery = PageQuery.extend({ groupId: Id.optional(), status: CaseStatus.optional(), contactId: Id.optional(), kind: CaseKind.optional() });
export const CasePage = z.object({ items: z.array(Case), total: z.number() });

// ── enforcement: warnings, mutes, blacklist, admins ─────────────────────────────────────────
const Reason = z.string().trim().max(200);
export const WarnBody = z.object({ reason: Reason.default(''), messageId: Id.optional() });
export const MuteBody = z.object({ minutes: z.number().int().min(1).max(43_200), reason: Reason.default('') });
export const KickBody = z.object({ reason: Reason.default('') });
/** The result of a moderator's action: the case it wrote. */
export const ActionResult = z.object({ case: Case });
export type ActionResult = z.infer<typeof ActionResult>;

export const BlacklistEntry = z.object({
  id: Id,
  contact: z.object({ id: Id, name: z.string() }),
  /** null: every group of the workspace on every channel. */
  group: z.object({ id: Id, name: z.string() }).nullable(),
  reason: z.string(),
  evidence: z.object({ messageId: Id, text: z.string() }).nullable(),
  caseId: Id.nullable(),
  addedBy: z.string(),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  liftedAt: z.number().nullable(),
  liftedBy: z.string().nullable(),
  active: z.boolean(),
});
export type BlacklistEntry = z.infer<typeof BlacklistEntry>;
export const BlacklistCreate = z.object({
  contactId: Id,
  groupId: Id.nullable().default(null),
  reason: z.string().trim().min(1).max(200),
  evidenceMessageId: Id.optional(),
  /** Omitted: until lifted. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export const BlacklistQuery = PageQuery.extend({ active: z.enum(['true', 'false']).optional(), contactId: Id.optional() });
export const BlacklistPage = z.object({ items: z.array(BlacklistEntry), total: z.number() });

export const Warning = z.object({ id: Id, groupId: Id.nullable(), caseId: Id.nullable(), reason: z.string(), by: z.string(), createdAt: z.number(), expiresAt: z.number(), revokedAt: z.number().nullable() });
export type Warning = z.infer<typeof Warning>;
/** A contact's standing: warn points in force, mutes, blacklist entries. */
export const Standing = z.object({ points: z.number(), warnings: z.array(Warning), blacklist: z.array(BlacklistEntry), mutes: z.array(z.object({ id: Id, groupId: Id, until: z.number(), liftedAt: z.number().nullable() })) });
export type Standing = z.infer<typeof Standing>;

export const GroupAdmin = z.object({ id: Id, groupId: Id.nullable(), policyId: Id.nullable(), identityId: Id, contactId: Id, platformUserId: z.string(), name: z.string(), addedBy: z.string(), createdAt: z.number() });
export type GroupAdmin = z.infer<typeof GroupAdmin>;
/** groupId and policyId null: an admin of every group of the workspace (on the identity's channel); policyId: of every group following that template. */
export const GroupAdminCreate = z
  .object({ identityId: Id, groupId: Id.nullable().default(null), policyId: Id.nullable().default(null) })
  .strict()
  .refine((v) => v.groupId === null || v.policyId === null, { path: ['policyId'], message: 'an admin entry belongs to a group or to a template, not both' });
export type GroupAdminCreate = z.input<typeof GroupAdminCreate>;
export const GroupAdminQuery = z.object({ groupId: Id.optional(), policyId: Id.optional() });

// ── group settings and policy templates ──────────────────────────────────────────────────────
export const GroupSettingsOut = z.object({
  /** What is in force (defaults ← template ← overrides). */
  effective: GroupSettings,
  /** What the group would have without its overrides (defaults ← template): the "reset to template" values. */
  base: GroupSettings,
  /** What the group itself sets. */
  overrides: GroupSettingsPatch,
  policy: z.object({ id: Id, name: z.string() }).nullable(),
  /** Fields where the group differs from its template (or from the defaults without one). */
  differs: z.array(z.string()),
  lockedUntil: z.number().nullable(),
});
export type GroupSettingsOut = z.infer<typeof GroupSettingsOut>;
/** Replaces the group's overrides; `policyId` omitted keeps its template, null detaches it. */
export const GroupSettingsPut = z.object({ overrides: GroupSettingsPatch, policyId: Id.nullable().optional() }).strict();
export type GroupSettingsPut = z.input<typeof GroupSettingsPut>;

export const Policy = z.object({
  id: Id,
  name: z.string(),
  settings: GroupSettingsPatch,
  /** The welcome of its groups that have none of their own (null: none). */
  welcome: z.object({ enabled: z.boolean(), template: z.string() }).nullable(),
  /** The rules text (群规) of its groups that have none of their own. */
  rules: z.string(),
  groupCount: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Policy = z.infer<typeof Policy>;
/** A template stores only the fields it sets; the rest inherit the defaults. `rules` left out: kept as it is (empty for a new template). */
export const PolicyInput = z.object({ name: Name, settings: GroupSettingsPatch, rules: z.string().max(GROUP_RULES_MAX).optional() }).strict();
export type PolicyInput = z.input<typeof PolicyInput>;
export const PolicyApply = z.object({ groupIds: z.array(Id).min(1).max(5000), /** Drop the groups' own overrides so the template applies fully. */ resetOverrides: z.boolean().default(false) }).strict();
export type PolicyApply = z.input<typeof PolicyApply>;
/** What applying a template did to each group. */
export const PolicyApplied = z.object({
  items: z.array(
    z.object({
      groupId: Id,
      groupName: z.string(),
      /** The template the group had before (null: none). */
      previousPolicy: z.object({ id: Id, name: z.string() }).nullable(),
      /** Fields whose value in force changed. */
      changed: z.array(z.string()),
      /** Overrides dropped (resetOverrides), with `welcome` and `rules` where the group's own gave way to the template's. */
      reset: z.array(z.string()),
      /** Fields where the group still differs from the template (its overrides). */
      differs: z.array(z.string()),
    }),
  ),
});
export type PolicyApplied = z.infer<typeof PolicyApplied>;
export const PolicyGroups = z.object({
  items: z.array(
    z.object({
      groupId: Id,
      groupName: z.string(),
      overrides: z.array(z.string()),
      differs: z.array(z.string()),
      /** The group has its own welcome / rules text instead of the template's. */
      ownWelcome: z.boolean(),
      ownRules: z.boolean(),
      /** What the group adds of its own to the template's: keyword replies (and other rules), word lists, admins. */
      own: z.object({ keywordReplies: z.number(), wordLists: z.number(), admins: z.number() }),
    }),
  ),
});
export type PolicyGroups = z.infer<typeof PolicyGroups>;

/** Workspace-wide alert delivery. */
export const AlertSettings = z.object({
  /** POSTed a JSON body for every new case; empty: no webhook. */
  webhookUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(2000)]),
  /** HMAC-SHA256 key for the X-Shequn-Signature header; generated when the URL is first set. */
  secretSet: z.boolean(),
});
export const AlertSettingsPut = z.object({ webhookUrl: AlertSettings.shape.webhookUrl, rotateSecret: z.boolean().default(false) });
export const AlertSettingsOut = AlertSettings.extend({ secret: z.string().nullable() });

// ── audit log ────────────────────────────────────────────────────────────────────────────────
export const AuditEntry = z.object({
  id: Id,
  actor: z.object({ userId: Id.nullable(), name: z.string() }),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  summary: z.string(),
  createdAt: z.number(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const Items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

// ── web community (member-facing) ───────────────────────────────────────────────────────────
export const NICKNAME_MAX = 32;
export const Nickname = z
  .string()
  .trim()
  .min(1, 'nickname is required')
  .max(NICKNAME_MAX)
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'nickname contains control characters');
export const InviteCodeParams = z.object({ code: z.string().min(4).max(64) });
/** What the group's join gate asks of a newcomer (never its accepted answers). */
export const JoinGateInfo = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('off') }),
  /** Show the rules; joining needs `acceptRules: true`. */
  z.object({ mode: z.literal('accept_rules'), rules: z.string() }),
  /** Ask the question; joining needs an accepted `answer`. */
  z.object({ mode: z.literal('question'), question: z.string() }),
]);
export type JoinGateInfo = z.infer<typeof JoinGateInfo>;
export const InviteInfo = z.object({ group: z.object({ id: Id, name: z.string(), memberCount: z.number() }), gate: JoinGateInfo });
export type InviteInfo = z.infer<typeof InviteInfo>;
export const JoinBody = z.object({
  nickname: Nickname,
  /** The member ticked 我已阅读并同意群规 (a gate in `accept_rules` mode needs it). */
  acceptRules: z.boolean().optional(),
  /** The answer to the entry question (a gate in `question` mode needs one it accepts). */
  answer: z.string().max(200).optional(),
});
export type JoinBody = z.input<typeof JoinBody>;
/** Why a join gate refused (403 `join_gate`, in `details.reason`); `attemptsLeft` after a wrong answer. */
export const JoinGateRefusal = z.object({ reason: z.enum(['rules_not_accepted', 'answer_missing', 'answer_wrong']), attemptsLeft: z.number().optional() });
export type JoinGateRefusal = z.infer<typeof JoinGateRefusal>;
export const JoinResult = z.object({
  groupId: Id,
  member: z.object({ platformUserId: z.string(), nickname: z.string() }),
  /** Secret the member's browser keeps to speak as this member. */
  token: z.string(),
});
export type JoinResult = z.infer<typeof JoinResult>;
export const WebchatMember = z.object({ platformUserId: z.string(), nickname: z.string(), isBot: z.boolean() });
export type WebchatMember = z.infer<typeof WebchatMember>;
