import { z } from 'zod';
import { replyTemplate, welcomeRule } from '../../core/rules.ts';
import { DEFAULT_WELCOME, Group, GroupCreate, GroupPatch, IdParams, Items, Locale, MemberPage, MessagePage, MessageQuery, OperatorSend, PageQuery, WelcomePut } from '../../shared/api.ts';
import type { Db } from '../../store/index.ts';
import { newId } from '../../store/ids.ts';
import { getWorkspace } from '../../store/repos/accounts.ts';
import { adminMembershipIds } from '../../store/repos/admins.ts';
import { writeAudit } from '../../store/repos/audit.ts';
import { getChannelAccount, listChannelAccounts } from '../../store/repos/channels.ts';
import { createGroup, listGroupsWithStats, updateGroup } from '../../store/repos/groups.ts';
import { listGroupMessages } from '../../store/repos/messages.ts';
import { enqueueIntents } from '../../store/repos/outbox.ts';
import { countMembers, listMembers } from '../../store/repos/people.ts';
import { getPolicy, listPolicies } from '../../store/repos/policies.ts';
import { deleteRule, findPolicyWelcomeRule, findWelcomeRule, insertRule, replaceRule, ruleFromRow } from '../../store/repos/rules.ts';
import { groupDto, memberDto, messageDto } from '../dto.ts';
import { auth, HttpError, notFound, type AuthContext, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import { ownGroup } from '../services/groups.ts';
import { newInviteCode } from '../services/setup.ts';

export function groupRoutes(app: ZodApp, rt: Runtime) {
  const { store } = rt;

  /** The group, if it belongs to the caller's workspace. */
  async function view(db: Db, workspaceId: string, id: string): Promise<Group> {
    const [row] = await listGroupsWithStats(db, workspaceId, id);
    if (!row) throw notFound('group');
    const account = rt.account(row.channel_account_id);
    const policy = row.policy_id === null ? undefined : await getPolicy(db, row.policy_id);
    const welcomes = { own: await findWelcomeRule(db, id), policy: policy ? { id: policy.id, name: policy.name, rules: policy.rules, welcome: await findPolicyWelcomeRule(db, policy.id) } : null };
    return groupDto(row, (account?.kind ?? 'webchat') as Group['channelKind'], welcomes, rt.config.publicUrl);
  }

  function audit(db: Db, a: AuthContext, action: string, groupId: string, summary: string, details?: unknown) {
    return writeAudit(db, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action, targetType: 'group', targetId: groupId, summary, details, now: rt.now() });
  }

  app.route({
    method: 'GET',
    url: '/api/v1/groups',
    config: { permission: 'groups:read' },
    schema: { tags: ['groups'], summary: 'All groups of the workspace with member and message counts', response: { 200: Items(Group) } },
    handler: async (req) => {
      const a = auth(req);
      const rows = await listGroupsWithStats(store.db, a.workspaceId);
      const welcomes = (await store.db.selectFrom('rules').selectAll().where('workspace_id', '=', a.workspaceId).where('preset', '=', 'welcome').execute()).map(ruleFromRow);
      const byGroup = new Map(welcomes.flatMap((w) => (w.groupId === null ? [] : [[w.groupId, w] as const])));
      const byPolicy = new Map(welcomes.flatMap((w) => (w.policyId === null ? [] : [[w.policyId, w] as const])));
      const policies = new Map((await listPolicies(store.db, a.workspaceId)).map((p) => [p.id, { id: p.id, name: p.name, rules: p.rules, welcome: byPolicy.get(p.id) }]));
      return {
        items: rows.map((row) => {
          const welcome = { own: byGroup.get(row.id), policy: (row.policy_id === null ? undefined : policies.get(row.policy_id)) ?? null };
          return groupDto(row, (rt.account(row.channel_account_id)?.kind ?? 'webchat') as Group['channelKind'], welcome, rt.config.publicUrl);
        }),
      };
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/groups',
    config: { permission: 'groups:write' },
    schema: { tags: ['groups'], summary: 'Create a group on the built-in web community (other channels bring their own groups)', body: GroupCreate, response: { 201: Group } },
    handler: async (req, reply) => {
      const a = auth(req);
      const now = rt.now();
      const id = await store.transaction(async (trx) => {
        let accountId = req.body.channelAccountId;
        if (accountId === undefined) {
          accountId = (await listChannelAccounts(trx, a.workspaceId)).find((c) => c.kind === 'webchat')?.id;
          if (!accountId) throw new HttpError(409, 'no_webchat', 'this workspace has no web community channel');
        } else {
          const account = await getChannelAccount(trx, accountId);
          if (!account || account.workspace_id !== a.workspaceId) throw notFound('channel account');
          if (account.kind !== 'webchat') throw new HttpError(422, 'unsupported', `groups on ${account.kind} are created on the platform itself; Shequn picks them up when the bot is added`);
        }
        const ws = await getWorkspace(trx, a.workspaceId);
        const locale = Locale.catch('zh-CN').parse(ws?.locale);
        const group = await createGroup(trx, { workspaceId: a.workspaceId, channelAccountId: accountId, name: req.body.name, rules: req.body.rules, inviteCode: newInviteCode(), now });
        await insertRule(trx, a.workspaceId, welcomeRule({ id: newId(), groupId: group.id, template: DEFAULT_WELCOME[locale] }), now);
        await audit(trx, a, 'group.create', group.id, `created group ${group.name}`);
        return group.id;
      });
      rt.engine.invalidate(a.workspaceId);
      return reply.status(201).send(await view(store.db, a.workspaceId, id));
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/groups/:id',
    config: { permission: 'groups:read' },
    schema: { tags: ['groups'], params: IdParams, response: { 200: Group } },
    handler: async (req) => {
      const a = auth(req);
      await ownGroup(store.db, a, req.params.id);
      return view(store.db, a.workspaceId, req.params.id);
    },
  });

  app.route({
    method: 'PATCH',
    url: '/api/v1/groups/:id',
    config: { permission: 'groups:write' },
    schema: { tags: ['groups'], summary: 'Rename a group or change its rules (群规; empty: its template’s, if it follows one)', params: IdParams, body: GroupPatch, response: { 200: Group } },
    handler: async (req) => {
      const a = auth(req);
      await store.transaction(async (trx) => {
        const before = await ownGroup(trx, a, req.params.id);
        await updateGroup(trx, before.id, req.body, rt.now());
        await audit(trx, a, 'group.update', before.id, `changed ${Object.keys(req.body).join(', ')} of ${before.name}`, { before: { name: before.name, rules: before.rules }, after: req.body });
      });
      rt.engine.invalidate(a.workspaceId);
      return view(store.db, a.workspaceId, req.params.id);
    },
  });

  app.route({
    method: 'PUT',
    url: '/api/v1/groups/:id/welcome',
    config: { permission: 'rules:write' },
    schema: { tags: ['groups'], summary: 'Set the group’s own welcome message (a preset automation rule; it replaces its template’s)', params: IdParams, body: WelcomePut, response: { 200: Group } },
    handler: async (req) => {
      const a = auth(req);
      const now = rt.now();
      await store.transaction(async (trx) => {
        const group = await ownGroup(trx, a, req.params.id);
        const existing = await findWelcomeRule(trx, group.id);
        const rule = welcomeRule({ id: existing?.id ?? newId(), groupId: group.id, template: req.body.template, enabled: req.body.enabled });
        if (existing) await replaceRule(trx, rule, now);
        else await insertRule(trx, a.workspaceId, rule, now);
        await audit(trx, a, 'group.welcome', group.id, `${req.body.enabled ? 'set' : 'disabled'} the welcome of ${group.name}`, { before: replyTemplate(existing) ?? null, after: req.body });
      });
      rt.engine.invalidate(a.workspaceId);
      return view(store.db, a.workspaceId, req.params.id);
    },
  });

  app.route({
    method: 'DELETE',
    url: '/api/v1/groups/:id/welcome',
    config: { permission: 'rules:write' },
    schema: { tags: ['groups'], summary: 'Reset the welcome to the template’s: drop the group’s own welcome', params: IdParams, response: { 200: Group } },
    handler: async (req) => {
      const a = auth(req);
      await store.transaction(async (trx) => {
        const group = await ownGroup(trx, a, req.params.id);
        if (group.policy_id === null) throw new HttpError(409, 'no_policy', `${group.name} follows no template; disable its welcome instead`);
        const existing = await findWelcomeRule(trx, group.id);
        if (!existing) throw new HttpError(409, 'no_welcome', `${group.name} already uses its template’s welcome`);
        await deleteRule(trx, existing.id);
        await audit(trx, a, 'group.welcome', group.id, `${group.name} now uses its template’s welcome`, { before: replyTemplate(existing) ?? null, after: null });
      });
      rt.engine.invalidate(a.workspaceId);
      return view(store.db, a.workspaceId, req.params.id);
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/groups/:id/invite/rotate',
    config: { permission: 'groups:write' },
    schema: { tags: ['groups'], summary: 'Replace the invite link (the old one stops working)', params: IdParams, response: { 200: Group } },
    handler: async (req) => {
      const a = auth(req);
      await store.transaction(async (trx) => {
        const group = await ownGroup(trx, a, req.params.id);
        if (group.invite_code === null) throw new HttpError(422, 'unsupported', 'this group has no invite link');
        await updateGroup(trx, group.id, { invite_code: newInviteCode() }, rt.now());
        await audit(trx, a, 'group.invite_rotate', group.id, `replaced the invite link of ${group.name}`);
      });
      return view(store.db, a.workspaceId, req.params.id);
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/groups/:id/members',
    config: { permission: 'groups:read' },
    schema: { tags: ['groups'], params: IdParams, querystring: PageQuery, response: { 200: MemberPage } },
    handler: async (req) => {
      const group = await ownGroup(store.db, auth(req), req.params.id);
      const [rows, total] = await Promise.all([listMembers(store.db, group.id, req.query), countMembers(store.db, group.id)]);
      // Shequn's own admins count as admins here too (the platform's group owner stays owner).
      const admins = await adminMembershipIds(store.db, group.id, rows.map((r) => r.id));
      return { items: rows.map((r) => memberDto(admins.has(r.id) && r.role !== 'owner' ? { ...r, role: 'admin' } : r)), total };
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/groups/:id/messages',
    config: { permission: 'groups:read' },
    schema: { tags: ['groups'], summary: 'Message log, a page at a time (oldest → newest within a page)', params: IdParams, querystring: MessageQuery, response: { 200: MessagePage } },
    handler: async (req) => {
      const group = await ownGroup(store.db, auth(req), req.params.id);
      const { rows, nextBefore } = await listGroupMessages(store.db, group.id, req.query);
      return { items: rows.map(messageDto), nextBefore };
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/groups/:id/messages',
    config: { permission: 'messages:send' },
    schema: { tags: ['groups'], summary: 'Send a message into the group as the bot', params: IdParams, body: OperatorSend, response: { 202: z.object({ outboxId: z.string() }) } },
    handler: async (req, reply) => {
      const a = auth(req);
      const now = rt.now();
      const connector = rt.connector((await ownGroup(store.db, a, req.params.id)).channel_account_id);
      if (!connector?.capabilities.sendToGroup) throw new HttpError(422, 'unsupported', 'this channel cannot send into groups');
      const [row] = await store.transaction(async (trx) => {
        const group = await ownGroup(trx, a, req.params.id);
        return enqueueIntents(
          trx,
          a.workspaceId,
          [
            {
              idempotencyKey: `manual:${newId()}`,
              ruleId: null,
              groupId: group.id,
              intent: { kind: 'send_message', channelAccountId: group.channel_account_id, platformGroupId: group.platform_group_id, platformUserId: null, content: { type: 'text', text: req.body.text, mentions: [] }, priority: 'interactive' },
            },
          ],
          now,
        );
      });
      rt.dispatcher.wake();
      return reply.status(202).send({ outboxId: row?.id ?? '' });
    },
  });
}
