/**
 * Row types of every table, as Kysely sees them. One schema for SQLite and PostgreSQL: ids are
 * text (UUIDv7, time-ordered), times are epoch milliseconds, flags are 0/1 integers, and
 * structured values are JSON text, so both engines store and return the same shapes.
 */
type Flag = number;

export interface WorkspacesTable {
  id: string;
  name: string;
  timezone: string;
  locale: string;
  /** JSON: workspace-wide settings (the alert webhook). */
  settings: string;
  created_at: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  locale: string;
  created_at: number;
}

export interface WorkspaceMembersTable {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  workspace_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

export interface ChannelAccountsTable {
  id: string;
  workspace_id: string;
  kind: string;
  name: string;
  config: string;
  status: string;
  created_at: number;
}

export interface GroupsTable {
  id: string;
  workspace_id: string;
  channel_account_id: string;
  platform_group_id: string;
  name: string;
  rules: string;
  invite_code: string | null;
  /** JSON: this group's overrides of its settings (a GroupSettingsPatch). */
  settings: string;
  policy_id: string | null;
  /** Raid lockdown: joins are refused or gated until then. */
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface ContactsTable {
  id: string;
  workspace_id: string;
  display_name: string;
  created_at: number;
  updated_at: number;
}

export interface IdentitiesTable {
  id: string;
  workspace_id: string;
  channel_account_id: string;
  platform_user_id: string;
  contact_id: string;
  display_name: string;
  is_bot: Flag;
  created_at: number;
  updated_at: number;
}

export interface MembershipsTable {
  id: string;
  workspace_id: string;
  group_id: string;
  identity_id: string;
  role: string;
  status: string;
  joined_at: number;
  left_at: number | null;
  inviter_identity_id: string | null;
  message_count: number;
  last_message_at: number | null;
}

export interface MessagesTable {
  id: string;
  workspace_id: string;
  channel_account_id: string;
  group_id: string | null;
  identity_id: string | null;
  direction: string;
  platform_message_id: string;
  content_type: string;
  text: string;
  mentions: string;
  reply_to_id: string | null;
  event_id: string | null;
  outbox_id: string | null;
  created_at: number;
  /** Set when the message was deleted on the platform (moderation); the text is kept as evidence. */
  deleted_at: number | null;
  /** A direct message: the member the assistant talks with (sender of an incoming one, recipient of a reply); null in groups. */
  direct_identity_id: string | null;
}

export interface InboundEventsTable {
  id: string;
  workspace_id: string;
  channel_account_id: string;
  kind: string;
  payload: string;
  received_at: number;
}

export interface RulesTable {
  id: string;
  workspace_id: string;
  group_id: string | null;
  /** The template the rule belongs to (then group_id is null); both null: workspace-wide. */
  policy_id: string | null;
  name: string;
  preset: string;
  enabled: Flag;
  priority: number;
  stop_after_match: Flag;
  trigger: string;
  conditions: string;
  actions: string;
  created_at: number;
  updated_at: number;
}

export interface OutboxTable {
  id: string;
  workspace_id: string;
  idempotency_key: string;
  channel_account_id: string;
  group_id: string | null;
  rule_id: string | null;
  kind: string;
  payload: string;
  /** The id the sent message gets; fixed when first claimed so a retry reuses it. */
  message_id: string | null;
  priority: number;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface DeliveriesTable {
  id: string;
  outbox_id: string;
  attempt: number;
  status: string;
  platform_message_id: string | null;
  error: string | null;
  started_at: number;
  finished_at: number;
}

export interface AuditLogTable {
  id: string;
  workspace_id: string;
  user_id: string | null;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string | null;
  summary: string;
  details: string;
  created_at: number;
}

export interface WebchatUsersTable {
  id: string;
  channel_account_id: string;
  token_hash: string;
  nickname: string;
  created_at: number;
}

export interface WordListsTable {
  id: string;
  workspace_id: string;
  group_id: string | null;
  /** The template the list belongs to (then group_id is null); both null: workspace-wide. */
  policy_id: string | null;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface WordListWordsTable {
  list_id: string;
  word: string;
  action: string;
}

export interface CasesTable {
  id: string;
  workspace_id: string;
  group_id: string | null;
  identity_id: string;
  message_id: string | null;
  /** What raised it: see CaseKind in shared/api.ts. */
  kind: string;
  /** What the rule asked for, and what the channel allowed (block without delete → warn). */
  action: string;
  applied: string;
  details: string;
  /** JSON: what was done (CaseEffect[]), so it can be undone. */
  effects: string;
  /** Who acted: 'Shequn' for automatic actions, else the admin or moderator. */
  actor_name: string;
  status: string;
  created_at: number;
  resolved_at: number | null;
  resolved_by_name: string | null;
}

export interface PoliciesTable {
  id: string;
  workspace_id: string;
  name: string;
  /** JSON: a GroupSettingsPatch. */
  settings: string;
  /** The group rules text (群规) of groups that have none of their own. */
  rules: string;
  created_at: number;
  updated_at: number;
}

export interface GroupAdminsTable {
  id: string;
  workspace_id: string;
  /** null: admin of every group in the workspace (or, with policy_id, of the template's groups). */
  group_id: string | null;
  policy_id: string | null;
  identity_id: string;
  added_by_name: string;
  created_at: number;
}

export interface WarningsTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  group_id: string | null;
  case_id: string | null;
  reason: string;
  created_by_name: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface BlacklistEntriesTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  /** null: the whole workspace (every group, every channel). */
  group_id: string | null;
  reason: string;
  evidence_message_id: string | null;
  case_id: string | null;
  added_by_user_id: string | null;
  added_by_name: string;
  created_at: number;
  expires_at: number | null;
  lifted_at: number | null;
  lifted_by_name: string | null;
}

export interface MutesTable {
  id: string;
  workspace_id: string;
  group_id: string;
  identity_id: string;
  case_id: string | null;
  until: number;
  created_by_name: string;
  created_at: number;
  lifted_at: number | null;
}

export interface AlertDeliveriesTable {
  id: string;
  workspace_id: string;
  case_id: string;
  url: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  workspace_members: WorkspaceMembersTable;
  sessions: SessionsTable;
  channel_accounts: ChannelAccountsTable;
  groups: GroupsTable;
  contacts: ContactsTable;
  identities: IdentitiesTable;
  memberships: MembershipsTable;
  messages: MessagesTable;
  inbound_events: InboundEventsTable;
  rules: RulesTable;
  outbox: OutboxTable;
  deliveries: DeliveriesTable;
  audit_log: AuditLogTable;
  webchat_users: WebchatUsersTable;
  word_lists: WordListsTable;
  word_list_words: WordListWordsTable;
  cases: CasesTable;
  policies: PoliciesTable;
  group_admins: GroupAdminsTable;
  warnings: WarningsTable;
  blacklist_entries: BlacklistEntriesTable;
  mutes: MutesTable;
  alert_deliveries: AlertDeliveriesTable;
}
