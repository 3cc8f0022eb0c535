import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  AuditEntry,
  ChannelAccount,
  ContactHit,
  ContactProfile,
  ContactSearchQuery,
  IdParams,
  Items,
  Locale,
  LoginBody,
  PageQuery,
  Session,
  SetupBody,
  SetupStatus,
  TeamMember,
  TeamMemberCreate,
  TeamMemberPatch,
  User,
  UserPatch,
  Workspace,
  WorkspacePatch,
  type Role,
} from '../../shared/api.ts';
import {
  countUsers,
  createSession,
  deleteSession,
  findUserByEmail,
  findUserWorkspace,
  getTeamMember,
  getWorkspace,
  listTeam,
  setRole,
  updateUser,
  updateWorkspace,
} from '../../store/repos/accounts.ts';
import { listAudit, writeAudit } from '../../store/repos/audit.ts';
import { listChannelAccounts } from '../../store/repos/channels.ts';
import { listContactMessages } from '../../store/repos/messages.ts';
import { getContact, listContactIdentities, listContactMemberships, searchContacts } from '../../store/repos/people.ts';
import { hashPassword, newToken, SESSION_COOKIE, SESSION_TTL_MS, tokenHash, verifyPassword } from '../auth.ts';
import { messageDto } from '../dto.ts';
import { auth, HttpError, notFound, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import { addTeamMember, createOwner } from '../services/setup.ts';

const NoContent = z.null();

export function accountRoutes(app: ZodApp, rt: Runtime) {
  const { store } = rt;
  // Unknown emails are checked against this, at the same cost as a real hash, so timing reveals nothing.
  const dummyHash = hashPassword(randomUUID(), rt.config.passwordCost);

  /** Starts a session and sets its cookie; returns what the console needs to know about it. */
  async function openSession(reply: FastifyReply, userId: string): Promise<Session> {
    const membership = await findUserWorkspace(store.db, userId);
    if (!membership) throw new HttpError(403, 'no_workspace', 'this account belongs to no workspace');
    const token = newToken();
    const csrfToken = newToken();
    await createSession(store.db, { id: tokenHash(token), userId, workspaceId: membership.workspace_id, csrfToken, now: rt.now(), ttlMs: SESSION_TTL_MS });
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: rt.config.secureCookies, path: '/', maxAge: SESSION_TTL_MS / 1000 });
    return sessionView(userId, membership.workspace_id, membership.role as Role, csrfToken);
  }

  async function sessionView(userId: string, workspaceId: string, role: Role, csrfToken: string): Promise<Session> {
    const user = await store.db.selectFrom('users').select(['id', 'email', 'name', 'locale']).where('id', '=', userId).executeTakeFirstOrThrow();
    const ws = await getWorkspace(store.db, workspaceId);
    if (!ws) throw notFound('workspace');
    return {
      user: { id: user.id, email: user.email, name: user.name, locale: Locale.parse(user.locale) },
      workspace: { id: ws.id, name: ws.name, timezone: ws.timezone, locale: Locale.parse(ws.locale) },
      role,
      csrfToken,
    };
  }

  app.route({
    method: 'GET',
    url: '/api/v1/setup',
    config: { permission: 'public' },
    schema: { tags: ['auth'], summary: 'Whether the first owner account still has to be created', response: { 200: SetupStatus } },
    handler: async () => ({ needsOwner: (await countUsers(store.db)) === 0 }),
  });

  app.route({
    method: 'POST',
    url: '/api/v1/setup',
    config: { permission: 'public' },
    schema: { tags: ['auth'], summary: 'Create the owner account and the workspace (first visit only)', body: SetupBody, response: { 201: Session } },
    handler: async (req, reply) => {
      const now = rt.now();
      const { user, account } = await store.transaction((trx) => createOwner(trx, { ...req.body, passwordCost: rt.config.passwordCost, now }));
      await rt.connect(account);
      const session = await openSession(reply, user.id);
      return reply.status(201).send(session);
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/auth/login',
    config: { permission: 'public' },
    schema: { tags: ['auth'], summary: 'Sign in; sets the session cookie', body: LoginBody, response: { 200: Session } },
    handler: async (req, reply) => {
      const { email, password } = req.body;
      const now = rt.now();
      const wait = rt.throttle.retryAfter(req.ip, email, now);
      if (wait > 0) {
        reply.header('retry-after', Math.ceil(wait / 1000));
        throw new HttpError(429, 'too_many_attempts', `too many failed sign-ins; try again in ${Math.ceil(wait / 60_000)} min`);
      }
      const user = await findUserByEmail(store.db, email);
      // Verify against a dummy hash for unknown emails too, so timing does not reveal who has an account.
      const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash));
      if (!user || !ok) {
        rt.throttle.fail(req.ip, email, now);
        throw new HttpError(401, 'invalid_credentials', 'wrong email or password');
      }
      rt.throttle.succeed(req.ip, email);
      return openSession(reply, user.id);
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/auth/logout',
    config: { permission: 'authenticated' },
    schema: { tags: ['auth'], summary: 'Sign out', response: { 204: NoContent } },
    handler: async (req, reply) => {
      await deleteSession(store.db, auth(req).sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/auth/me',
    config: { permission: 'authenticated' },
    schema: { tags: ['auth'], summary: 'The signed-in user, workspace and role', response: { 200: Session } },
    handler: async (req) => {
      const a = auth(req);
      return sessionView(a.userId, a.workspaceId, a.role, a.csrfToken);
    },
  });

  app.route({
    method: 'PATCH',
    url: '/api/v1/auth/me',
    config: { permission: 'authenticated' },
    schema: { tags: ['auth'], summary: 'Change your own preferences', body: UserPatch, response: { 200: User } },
    handler: async (req) => {
      const a = auth(req);
      await updateUser(store.db, a.userId, { locale: req.body.locale });
      return { id: a.userId, email: a.email, name: a.name, locale: req.body.locale };
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/workspace',
    config: { permission: 'workspace:read' },
    schema: { tags: ['workspace'], response: { 200: Workspace } },
    handler: async (req) => {
      const ws = await getWorkspace(store.db, auth(req).workspaceId);
      if (!ws) throw notFound('workspace');
      return { id: ws.id, name: ws.name, timezone: ws.timezone, locale: Locale.parse(ws.locale) };
    },
  });

  app.route({
    method: 'PATCH',
    url: '/api/v1/workspace',
    config: { permission: 'workspace:write' },
    schema: { tags: ['workspace'], body: WorkspacePatch, response: { 200: Workspace } },
    handler: async (req) => {
      const a = auth(req);
      const ws = await store.transaction(async (trx) => {
        const before = await getWorkspace(trx, a.workspaceId);
        if (!before) throw notFound('workspace');
        await updateWorkspace(trx, a.workspaceId, req.body);
        await writeAudit(trx, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action: 'workspace.update', targetType: 'workspace', targetId: a.workspaceId, summary: `changed ${Object.keys(req.body).join(', ')}`, details: { before, after: req.body }, now: rt.now() });
        return { ...before, ...req.body };
      });
      // The locale of automatic messages (moderation warnings) follows the workspace.
      rt.engine.invalidate(a.workspaceId);
      return { id: ws.id, name: ws.name, timezone: ws.timezone, locale: Locale.parse(ws.locale) };
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/team',
    config: { permission: 'team:read' },
    schema: { tags: ['workspace'], summary: 'People who operate this workspace', response: { 200: Items(TeamMember) } },
    handler: async (req) => ({ items: (await listTeam(store.db, auth(req).workspaceId)).map(teamDto) }),
  });

  app.route({
    method: 'POST',
    url: '/api/v1/team',
    config: { permission: 'team:write' },
    schema: { tags: ['workspace'], body: TeamMemberCreate, response: { 201: TeamMember } },
    handler: async (req, reply) => {
      const a = auth(req);
      const now = rt.now();
      const member = await store.transaction(async (trx) => {
        const user = await addTeamMember(trx, { workspaceId: a.workspaceId, ...req.body, passwordCost: rt.config.passwordCost, now });
        await writeAudit(trx, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action: 'team.add', targetType: 'user', targetId: user.id, summary: `added ${user.email} as ${req.body.role}`, now });
        return getTeamMember(trx, a.workspaceId, user.id);
      });
      if (!member) throw notFound('team member');
      return reply.status(201).send(teamDto(member));
    },
  });

  app.route({
    method: 'PATCH',
    url: '/api/v1/team/:id',
    config: { permission: 'team:write' },
    schema: { tags: ['workspace'], params: IdParams, body: TeamMemberPatch, response: { 200: TeamMember } },
    handler: async (req) => {
      const a = auth(req);
      const member = await store.transaction(async (trx) => {
        const before = await getTeamMember(trx, a.workspaceId, req.params.id);
        if (!before) throw notFound('team member');
        if (before.role === 'owner') throw new HttpError(409, 'owner_role', "the owner's role cannot be changed");
        await setRole(trx, a.workspaceId, req.params.id, req.body.role);
        await writeAudit(trx, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action: 'team.role', targetType: 'user', targetId: before.user_id, summary: `${before.email}: ${before.role} → ${req.body.role}`, now: rt.now() });
        return { ...before, role: req.body.role };
      });
      return teamDto(member);
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/channel-accounts',
    config: { permission: 'workspace:read' },
    schema: { tags: ['workspace'], summary: 'Connected channels and what each can do', response: { 200: Items(ChannelAccount) } },
    handler: async (req) => {
      const rows = await listChannelAccounts(store.db, auth(req).workspaceId);
      return {
        items: rows.flatMap((r) => {
          const c = rt.connector(r.id);
          if (!c) return [];
          return [{ id: r.id, kind: c.kind, name: r.name, status: r.status as ChannelAccount['status'], capabilities: c.capabilities, createdAt: r.created_at }];
        }),
      };
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/audit-log',
    config: { permission: 'audit:read' },
    schema: { tags: ['workspace'], summary: 'Configuration changes, newest first', querystring: PageQuery, response: { 200: Items(AuditEntry) } },
    handler: async (req) => {
      const rows = await listAudit(store.db, auth(req).workspaceId, req.query.offset, req.query.limit);
      return {
        items: rows.map((r) => ({ id: r.id, actor: { userId: r.user_id, name: r.actor_name }, action: r.action, targetType: r.target_type, targetId: r.target_id, summary: r.summary, createdAt: r.created_at })),
      };
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/contacts',
    config: { permission: 'contacts:read' },
    schema: { tags: ['contacts'], summary: 'Find contacts by name (any of their channel names contains q), with the groups they are in now', querystring: ContactSearchQuery, response: { 200: Items(ContactHit) } },
    handler: async (req) => ({ items: await searchContacts(store.db, auth(req).workspaceId, req.query.q, req.query.limit) }),
  });

  app.route({
    method: 'GET',
    url: '/api/v1/contacts/:id',
    config: { permission: 'contacts:read' },
    schema: { tags: ['contacts'], summary: "A member's profile across groups and channels", params: IdParams, response: { 200: ContactProfile } },
    handler: async (req) => {
      const contact = await getContact(store.db, req.params.id);
      if (!contact || contact.workspace_id !== auth(req).workspaceId) throw notFound('contact');
      const [identities, memberships, messages] = await Promise.all([
        listContactIdentities(store.db, contact.id),
        listContactMemberships(store.db, contact.id),
        listContactMessages(store.db, contact.id, 20),
      ]);
      return {
        id: contact.id,
        displayName: contact.display_name,
        createdAt: contact.created_at,
        identities: identities.map((i) => ({ id: i.id, channelAccountId: i.channel_account_id, channelKind: i.kind as ChannelAccount['kind'], platformUserId: i.platform_user_id, displayName: i.display_name })),
        memberships: memberships.map((m) => ({
          memberId: m.id,
          groupId: m.group_id,
          groupName: m.group_name,
          status: m.status as 'active' | 'left' | 'removed',
          role: m.role as 'member' | 'admin' | 'owner',
          joinedAt: m.joined_at,
          leftAt: m.left_at,
          messageCount: m.message_count,
        })),
        recentMessages: messages.map(messageDto),
      };
    },
  });
}

function teamDto(r: { user_id: string; email: string; name: string; role: string; created_at: number }) {
  return { userId: r.user_id, email: r.email, name: r.name, role: r.role as Role, createdAt: r.created_at };
}
