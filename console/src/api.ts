/**
 * HTTP client for the console and the member pages. Types come from the shared API contract
 * (src/shared/api.ts); only types are imported here, so the member pages do not bundle zod.
 */
import type {
  ActionResult,
  AuditEntry,
  BlacklistEntry,
  Case,
  CaseKind,
  ContactHit,
  ContactProfile,
  DirectConversation,
  Group,
  GroupAdmin,
  GroupAdminCreate,
  GroupCreate,
  GroupPatch,
  GroupSettingsOut,
  GroupSettingsPut,
  InviteInfo,
  JoinBody,
  JoinResult,
  Locale,
  LoginBody,
  Member,
  Message,
  Policy,
  PolicyApplied,
  PolicyApply,
  PolicyGroups,
  PolicyInput,
  RuleInput,
  RuleOut,
  Session,
  SetupBody,
  Standing,
  TeamMember,
  TeamMemberCreate,
  User,
  WelcomePut,
  WordInput,
  WordList,
  Workspace,
} from '../../src/shared/api.ts';

/** A non-2xx answer (`{ error: { code, message } }`) or a network failure (status 0). */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Seconds, from the Retry-After header of a 429. */
  readonly retryAfter: number | null;
  constructor(status: number, code: string, message: string, details: unknown = undefined, retryAfter: number | null = null) {
    super(message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

interface CallOptions {
  body?: unknown;
  /** Web community member token (`Authorization: Bearer`). */
  bearer?: string | null;
  /** Whether a 401 sends the operator to the login page (not for the login itself). */
  redirectOn401?: boolean;
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** The CSRF token of the current console session, sent on every change. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** What to do when the server says the session is gone (the console goes to /login). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
  } catch (e) {
    throw new ApiRequestError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    const retry = Number(res.headers.get('retry-after'));
    const failure = new ApiRequestError(
      res.status,
      typeof err?.code === 'string' ? err.code : `http_${res.status}`,
      typeof err?.message === 'string' ? err.message : res.statusText || `HTTP ${res.status}`,
      err?.details,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
    if (res.status === 401 && opts.redirectOn401 !== false && onUnauthorized) onUnauthorized();
    throw failure;
  }
  return json as T;
}

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export type ModerationAction = WordInput['action'];
export interface WordsSaved {
  list: WordList;
  merged: { word: string; into: string }[];
}
export interface WordPage {
  items: { word: string; action: ModerationAction }[];
  total: number;
}

export interface MessagePage {
  items: Message[];
  nextBefore: string | null;
}

export interface CaseFilter {
  status?: Case['status'];
  groupId?: string;
  kind?: CaseKind;
  contactId?: string;
}

export interface BlacklistCreate {
  contactId: string;
  /** null: every group of the workspace. */
  groupId: string | null;
  reason: string;
  evidenceMessageId?: string;
  /** Omitted: until lifted. */
  expiresInDays?: number;
}

export interface AlertSettings {
  webhookUrl: string;
  secretSet: boolean;
  secret: string | null;
}

/** The operator console's API (session cookie + CSRF header). */
export const api = {
  setupStatus: () => call<{ needsOwner: boolean }>('GET', '/api/v1/setup'),
  setup: (body: SetupBody) => call<Session>('POST', '/api/v1/setup', { body }),
  login: (body: LoginBody) => call<Session>('POST', '/api/v1/auth/login', { body, redirectOn401: false }),
  logout: () => call<void>('POST', '/api/v1/auth/logout', { redirectOn401: false }),
  me: () => call<Session>('GET', '/api/v1/auth/me', { redirectOn401: false }),
  patchMe: (locale: Locale) => call<User>('PATCH', '/api/v1/auth/me', { body: { locale } }),

  workspace: () => call<Workspace>('GET', '/api/v1/workspace'),
  patchWorkspace: (body: Partial<Pick<Workspace, 'name' | 'timezone' | 'locale'>>) => call<Workspace>('PATCH', '/api/v1/workspace', { body }),
  team: () => call<{ items: TeamMember[] }>('GET', '/api/v1/team'),
  addTeamMember: (body: TeamMemberCreate) => call<TeamMember>('POST', '/api/v1/team', { body }),
  setTeamRole: (userId: string, role: TeamMemberCreate['role']) => call<TeamMember>('PATCH', `/api/v1/team/${enc(userId)}`, { body: { role } }),
  auditLog: (offset: number, limit: number) => call<{ items: AuditEntry[] }>('GET', `/api/v1/audit-log${query({ offset, limit })}`),

  groups: () => call<{ items: Group[] }>('GET', '/api/v1/groups'),
  group: (id: string) => call<Group>('GET', `/api/v1/groups/${enc(id)}`),
  createGroup: (body: GroupCreate) => call<Group>('POST', '/api/v1/groups', { body }),
  patchGroup: (id: string, body: GroupPatch) => call<Group>('PATCH', `/api/v1/groups/${enc(id)}`, { body }),
  putWelcome: (id: string, body: WelcomePut) => call<Group>('PUT', `/api/v1/groups/${enc(id)}/welcome`, { body }),
  /** Drops the group's own welcome: its template's applies again. */
  resetWelcome: (id: string) => call<Group>('DELETE', `/api/v1/groups/${enc(id)}/welcome`),
  rotateInvite: (id: string) => call<Group>('POST', `/api/v1/groups/${enc(id)}/invite/rotate`),
  members: (id: string, offset: number, limit: number) => call<{ items: Member[]; total: number }>('GET', `/api/v1/groups/${enc(id)}/members${query({ offset, limit })}`),
  messages: (id: string, before?: string, limit = 50) => call<MessagePage>('GET', `/api/v1/groups/${enc(id)}/messages${query({ before, limit })}`),
  sendMessage: (id: string, text: string) => call<{ outboxId: string }>('POST', `/api/v1/groups/${enc(id)}/messages`, { body: { text } }),
  /** Moderation: queued (202); the live feed says when it is done (`message_deleted`, `membership`). */
  deleteMessage: (id: string, messageId: string) => call<{ outboxId: string }>('POST', `/api/v1/groups/${enc(id)}/messages/${enc(messageId)}/delete`),
  /** Member actions: each writes a case and answers with it (its effects say what happened). */
  removeMember: (id: string, memberId: string, reason = '') => call<ActionResult>('POST', `/api/v1/groups/${enc(id)}/members/${enc(memberId)}/remove`, { body: { reason } }),
  warnMember: (id: string, memberId: string, body: { reason: string; messageId?: string }) => call<ActionResult>('POST', `/api/v1/groups/${enc(id)}/members/${enc(memberId)}/warn`, { body }),
  muteMember: (id: string, memberId: string, body: { minutes: number; reason: string }) => call<ActionResult>('POST', `/api/v1/groups/${enc(id)}/members/${enc(memberId)}/mute`, { body }),
  unmuteMember: (id: string, memberId: string) => call<{ lifted: number }>('POST', `/api/v1/groups/${enc(id)}/members/${enc(memberId)}/unmute`),

  rules: (scope: { groupId: string } | { policyId: string }) => call<{ items: RuleOut[] }>('GET', `/api/v1/rules${query(scope)}`),
  createRule: (body: RuleInput) => call<RuleOut>('POST', '/api/v1/rules', { body }),
  replaceRule: (id: string, body: RuleInput) => call<RuleOut>('PUT', `/api/v1/rules/${enc(id)}`, { body }),
  deleteRule: (id: string) => call<void>('DELETE', `/api/v1/rules/${enc(id)}`),

  /** With policyId: that template's own lists. */
  wordLists: (policyId?: string) => call<{ items: WordList[] }>('GET', `/api/v1/word-lists${query({ policyId })}`),
  createWordList: (body: { groupId: string | null; policyId: string | null; name: string; words: WordInput[] }) => call<WordsSaved>('POST', '/api/v1/word-lists', { body }),
  renameWordList: (id: string, name: string) => call<WordList>('PATCH', `/api/v1/word-lists/${enc(id)}`, { body: { name } }),
  deleteWordList: (id: string) => call<void>('DELETE', `/api/v1/word-lists/${enc(id)}`),
  words: (id: string, offset: number, limit: number) => call<WordPage>('GET', `/api/v1/word-lists/${enc(id)}/words${query({ offset, limit })}`),
  putWords: (id: string, words: WordInput[]) => call<WordsSaved>('PUT', `/api/v1/word-lists/${enc(id)}/words`, { body: { words } }),
  cases: (offset: number, limit: number, filter: CaseFilter = {}) => call<{ items: Case[]; total: number }>('GET', `/api/v1/cases${query({ offset, limit, ...filter })}`),
  resolveCase: (id: string) => call<Case>('POST', `/api/v1/cases/${enc(id)}/resolve`),
  undoCase: (id: string) => call<Case>('POST', `/api/v1/cases/${enc(id)}/undo`),

  blacklist: (offset: number, limit: number, filter: { active?: boolean; contactId?: string } = {}) =>
    call<{ items: BlacklistEntry[]; total: number }>('GET', `/api/v1/blacklist${query({ offset, limit, active: filter.active === undefined ? undefined : String(filter.active), contactId: filter.contactId })}`),
  addToBlacklist: (body: BlacklistCreate) => call<BlacklistEntry>('POST', '/api/v1/blacklist', { body }),
  liftBlacklist: (id: string) => call<BlacklistEntry>('POST', `/api/v1/blacklist/${enc(id)}/lift`),

  alerts: () => call<AlertSettings>('GET', '/api/v1/workspace/alerts'),
  putAlerts: (body: { webhookUrl: string; rotateSecret?: boolean }) => call<AlertSettings>('PUT', '/api/v1/workspace/alerts', { body }),

  groupSettings: (id: string) => call<GroupSettingsOut>('GET', `/api/v1/groups/${enc(id)}/settings`),
  putGroupSettings: (id: string, body: GroupSettingsPut) => call<GroupSettingsOut>('PUT', `/api/v1/groups/${enc(id)}/settings`, { body }),
  unlockGroup: (id: string) => call<GroupSettingsOut>('POST', `/api/v1/groups/${enc(id)}/settings/unlock`),
  policies: () => call<{ items: Policy[] }>('GET', '/api/v1/policies'),
  policy: (id: string) => call<Policy>('GET', `/api/v1/policies/${enc(id)}`),
  createPolicy: (body: PolicyInput) => call<Policy>('POST', '/api/v1/policies', { body }),
  replacePolicy: (id: string, body: PolicyInput) => call<Policy>('PUT', `/api/v1/policies/${enc(id)}`, { body }),
  deletePolicy: (id: string) => call<void>('DELETE', `/api/v1/policies/${enc(id)}`),
  putPolicyWelcome: (id: string, body: WelcomePut) => call<Policy>('PUT', `/api/v1/policies/${enc(id)}/welcome`, { body }),
  applyPolicy: (id: string, body: PolicyApply) => call<PolicyApplied>('POST', `/api/v1/policies/${enc(id)}/apply`, { body }),
  policyGroups: (id: string) => call<PolicyGroups>('GET', `/api/v1/policies/${enc(id)}/groups`),
  /** With groupId: the admins in force in that group (its own, its template's, the workspace-wide ones); with policyId: that template's own. */
  admins: (scope: { groupId?: string; policyId?: string }) => call<{ items: GroupAdmin[] }>('GET', `/api/v1/admins${query(scope)}`),
  addAdmin: (body: GroupAdminCreate) => call<GroupAdmin>('POST', '/api/v1/admins', { body }),
  removeAdmin: (id: string) => call<void>('DELETE', `/api/v1/admins/${enc(id)}`),

  contact: (id: string) => call<ContactProfile>('GET', `/api/v1/contacts/${enc(id)}`),
  searchContacts: (q: string) => call<{ items: ContactHit[] }>('GET', `/api/v1/contacts${query({ q, limit: 20 })}`),
  standing: (id: string) => call<Standing>('GET', `/api/v1/contacts/${enc(id)}/standing`),

  directConversations: (offset: number, limit: number) => call<{ items: DirectConversation[]; total: number }>('GET', `/api/v1/direct-conversations${query({ offset, limit })}`),
  directMessages: (identityId: string, before?: string, limit = 50) => call<MessagePage>('GET', `/api/v1/direct-conversations/${enc(identityId)}/messages${query({ before, limit })}`),
  sendDirect: (identityId: string, text: string) => call<{ outboxId: string }>('POST', `/api/v1/direct-conversations/${enc(identityId)}/messages`, { body: { text } }),
  allRules: () => call<{ items: RuleOut[] }>('GET', '/api/v1/rules'),
};

/** The web community's member API (bearer token kept in localStorage). */
export const webchatApi = {
  invite: (code: string) => call<InviteInfo>('GET', `/api/v1/webchat/invites/${enc(code)}`),
  join: (code: string, body: JoinBody, token: string | null) => call<JoinResult>('POST', `/api/v1/webchat/invites/${enc(code)}/join`, { body, bearer: token }),
  messages: (groupId: string, token: string, before?: string, limit = 50) =>
    call<MessagePage>('GET', `/api/v1/webchat/groups/${enc(groupId)}/messages${query({ before, limit })}`, { bearer: token }),
  /** The private chat with the assistant, opened from a group the member is in. */
  directMessages: (groupId: string, token: string, before?: string, limit = 50) =>
    call<MessagePage>('GET', `/api/v1/webchat/direct/messages${query({ groupId, before, limit })}`, { bearer: token }),
};

/** WebSocket URL on the page's own origin (ws:// or wss://). */
export function wsUrl(path: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}`;
}
