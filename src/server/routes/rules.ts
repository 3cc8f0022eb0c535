import { z } from 'zod';
import type { Action, Rule } from '../../core/rules.ts';
import { IdParams, Items, RuleInput, RuleOut, RuleQuery } from '../../shared/api.ts';
import type { Db } from '../../store/index.ts';
import { newId } from '../../store/ids.ts';
import { writeAudit } from '../../store/repos/audit.ts';
import { deleteRule, getRule, insertRule, listRules, replaceRule } from '../../store/repos/rules.ts';
import { capabilityFor, missingCapabilities, type Capability } from '../../core/capabilities.ts';
import { ruleDto } from '../dto.ts';
import { auth, HttpError, notFound, type AuthContext, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import { ownScope } from '../services/groups.ts';

type RuleBody = z.output<typeof RuleInput>;

/** What the actions need of the channel (a menu's options included); `toGroup`: they answer in a group. */
function needs(actions: readonly Action[], toGroup: boolean): Capability[] {
  return actions.flatMap((a) => {
    switch (a.type) {
      case 'reply':
        return [capabilityFor('send_message', toGroup)];
      case 'invite':
        return [capabilityFor('send_message', toGroup && !a.privately)];
      case 'menu':
        return [capabilityFor('send_message', false), ...a.options.flatMap((o) => needs(o.actions, false))];
    }
  });
}

/** Every group an action invites into (a menu's options included). */
function poolGroups(actions: readonly Action[]): string[] {
  return actions.flatMap((a) => (a.type === 'invite' ? a.groupIds : a.type === 'menu' ? poolGroups(a.options.flatMap((o) => o.actions)) : []));
}

export function ruleRoutes(app: ZodApp, rt: Runtime) {
  const { store } = rt;

  /**
   * Checks a rule before it is saved: its group belongs to the workspace, every channel it can
   * run on can do what its actions need (DESIGN.md: capabilities are checked when a rule is saved),
   * and every group it invites into is the workspace's and has an invite link.
   */
  async function validated(db: Db, a: AuthContext, id: string, body: RuleBody): Promise<Rule> {
    const { group } = await ownScope(db, a, body);
    if (group) {
      const connector = rt.connector(group.channel_account_id);
      const toGroup = !(body.trigger.type === 'message' && body.trigger.scope === 'direct');
      const missing = connector ? missingCapabilities(connector.capabilities, needs(body.actions, toGroup)) : [];
      if (connector && missing.length > 0) {
        throw new HttpError(422, 'capability_missing', `${connector.kind} cannot do what this rule asks: missing ${missing.join(', ')}`, { channel: connector.kind, missing });
      }
    }
    const pool = [...new Set(poolGroups(body.actions))];
    if (pool.length > 0) {
      const found = await db.selectFrom('groups').select(['id', 'name', 'invite_code']).where('workspace_id', '=', a.workspaceId).where('id', 'in', pool).execute();
      const unknown = pool.filter((g) => !found.some((f) => f.id === g));
      if (unknown.length > 0) throw new HttpError(422, 'unknown_group', `no group ${unknown.join(', ')} in this workspace to invite into (deleted, or a wrong id)`, { groupIds: unknown });
      const linkless = found.filter((f) => f.invite_code === null);
      if (linkless.length > 0) throw new HttpError(422, 'no_invite_link', `${linkless.map((f) => f.name).join(', ')} has no invite link to send`, { groupIds: linkless.map((f) => f.id) });
    }
    const { policyId: _scope, ...rule } = body;
    return { id, ...rule };
  }

  const audit = (db: Db, a: AuthContext, action: string, ruleId: string, summary: string, details?: unknown) =>
    writeAudit(db, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action, targetType: 'rule', targetId: ruleId, summary, details, now: rt.now() });

  async function ownRule(db: Db, a: AuthContext, id: string) {
    const rule = await getRule(db, id);
    if (!rule || rule.workspaceId !== a.workspaceId) throw notFound('rule');
    return rule;
  }

  app.route({
    method: 'GET',
    url: '/api/v1/rules',
    config: { permission: 'groups:read' },
    schema: { tags: ['rules'], summary: 'Automation rules (keyword replies, welcomes …); with groupId or policyId, that group’s or template’s own', querystring: RuleQuery, response: { 200: Items(RuleOut) } },
    handler: async (req) => ({ items: (await listRules(store.db, auth(req).workspaceId, req.query.groupId, req.query.policyId)).map(ruleDto) }),
  });

  app.route({
    method: 'POST',
    url: '/api/v1/rules',
    config: { permission: 'rules:write' },
    schema: { tags: ['rules'], summary: 'Create a rule for one group (groupId), for every group following a template (policyId), or for every group (both null)', body: RuleInput, response: { 201: RuleOut } },
    handler: async (req, reply) => {
      const a = auth(req);
      const stored = await store.transaction(async (trx) => {
        const rule = await validated(trx, a, newId(), req.body);
        const saved = await insertRule(trx, a.workspaceId, rule, rt.now(), req.body.policyId);
        await audit(trx, a, 'rule.create', rule.id, `created rule ${rule.name}`, { after: req.body });
        return saved;
      });
      rt.engine.invalidate(a.workspaceId);
      return reply.status(201).send(ruleDto(stored));
    },
  });

  app.route({
    method: 'PUT',
    url: '/api/v1/rules/:id',
    config: { permission: 'rules:write' },
    schema: { tags: ['rules'], summary: 'Replace a rule', params: IdParams, body: RuleInput, response: { 200: RuleOut } },
    handler: async (req) => {
      const a = auth(req);
      const stored = await store.transaction(async (trx) => {
        const before = await ownRule(trx, a, req.params.id);
        if (before.preset === 'welcome') throw new HttpError(409, 'welcome_rule', 'change the welcome with PUT /api/v1/groups/{id}/welcome (a template’s: /api/v1/policies/{id}/welcome)');
        const rule = await validated(trx, a, before.id, req.body);
        await replaceRule(trx, rule, rt.now(), req.body.policyId);
        await audit(trx, a, 'rule.update', rule.id, `changed rule ${rule.name}`, { before: ruleDto(before), after: req.body });
        return ownRule(trx, a, rule.id);
      });
      rt.engine.invalidate(a.workspaceId);
      return ruleDto(stored);
    },
  });

  app.route({
    method: 'DELETE',
    url: '/api/v1/rules/:id',
    config: { permission: 'rules:write' },
    schema: { tags: ['rules'], params: IdParams, response: { 204: z.null() } },
    handler: async (req, reply) => {
      const a = auth(req);
      await store.transaction(async (trx) => {
        const before = await ownRule(trx, a, req.params.id);
        if (before.preset === 'welcome') throw new HttpError(409, 'welcome_rule', 'disable the welcome with PUT /api/v1/groups/{id}/welcome (a template’s: DELETE /api/v1/policies/{id}/welcome) instead');
        await deleteRule(trx, before.id);
        await audit(trx, a, 'rule.delete', before.id, `deleted rule ${before.name}`, { before: ruleDto(before) });
      });
      rt.engine.invalidate(a.workspaceId);
      return reply.status(204).send(null);
    },
  });
}
