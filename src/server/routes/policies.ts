import { z } from 'zod';
import { replyTemplate, welcomeRule } from '../../core/rules.ts';
import { DEFAULT_WELCOME, GroupSettingsOut, GroupSettingsPut, IdParams, Items, Policy, PolicyApplied, PolicyApply, PolicyGroups, PolicyInput, WelcomePut } from '../../shared/api.ts';
import { compactPatch, differences, patchFields, resolveSettings, unsupportedSettings, type GroupSettingsPatch } from '../../shared/group-settings.ts';
import type { Db } from '../../store/index.ts';
import { writeAudit } from '../../store/repos/audit.ts';
import { applyPolicy, createPolicy, deletePolicy, dropDefaultWelcomes, findPolicyByName, getPolicy, listPolicies, listPolicyGroups, resetGroupTexts, setGroupSettings, updatePolicy } from '../../store/repos/policies.ts';
import { setLockedUntil } from '../../store/repos/groups.ts';
import { deleteRule, findPolicyWelcomeRule, insertRule, replaceRule, ruleFromRow, type StoredRule } from '../../store/repos/rules.ts';
import { newId } from '../../store/ids.ts';
import { auth, HttpError, notFound, type AuthContext, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import { ownGroup, ownPolicy } from '../services/groups.ts';
import { loadGroupSettings, parsePatch } from '../services/settings.ts';

/** How many unknown ids an error message names (the details carry them all). */
const NAMED_IDS = 10;

/** What a template's row and welcome rule look like through the API. */
function policyDto(p: { id: string; name: string; settings: string; rules: string; group_count: number | null; created_at: number; updated_at: number }, welcome: StoredRule | undefined): Policy {
  return {
    id: p.id,
    name: p.name,
    settings: parsePatch(p.settings),
    welcome: welcome ? { enabled: welcome.enabled, template: replyTemplate(welcome) ?? '' } : null,
    rules: p.rules,
    groupCount: Number(p.group_count ?? 0),
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}

/**
 * A group's settings (its template and its own overrides, the lockdown) and the policy templates
 * many groups follow: create, edit (settings, welcome, rules text), apply to many groups at once,
 * see which groups differ. A template's keyword replies, word lists and admins are the rules,
 * word-list and admin routes with a policyId. Every change is audited in its transaction and
 * drops the engine's caches.
 */
export function policyRoutes(app: ZodApp, rt: Runtime) {
  const { store } = rt;

  async function settingsView(db: Db, groupId: string): Promise<GroupSettingsOut> {
    const s = await loadGroupSettings(db, groupId);
    return {
      effective: s.effective,
      base: s.base,
      overrides: s.overrides,
      policy: s.policy,
      differs: differences(s.base, s.effective),
      lockedUntil: s.lockedUntil !== null && s.lockedUntil > rt.now() ? s.lockedUntil : null,
    };
  }

  async function policyView(db: Db, a: AuthContext, id: string): Promise<Policy> {
    const [p] = await listPolicies(db, a.workspaceId, id);
    if (!p) throw notFound('policy');
    return policyDto(p, await findPolicyWelcomeRule(db, p.id));
  }

  /** Template names are what operators pick from: one name, one template. */
  async function requireFreeName(db: Db, a: AuthContext, name: string, self?: string) {
    const other = await findPolicyByName(db, a.workspaceId, name);
    if (other && other.id !== self) throw new HttpError(409, 'name_taken', `a template named ${name} already exists`, { policyId: other.id });
  }

  const audit = (db: Db, a: AuthContext, f: { action: string; targetType: 'group' | 'policy'; targetId: string; summary: string; details?: unknown }) =>
    writeAudit(db, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, now: rt.now(), ...f });

  /**
   * Refuses (422, rolling the change back) settings that a group's channel cannot carry out, where
   * the group or its template sets them explicitly; defaults adapt by themselves (a block becomes a
   * warn where the channel cannot delete). The error names each group, field and the alternative.
   */
  async function refuseUnsupported(db: Db, groupIds: readonly string[]) {
    if (groupIds.length === 0) return;
    const groups = await db.selectFrom('groups').select(['id', 'name', 'channel_account_id']).where('id', 'in', [...groupIds]).execute();
    const problems: { groupId: string; groupName: string; field: string; needs: string; instead: string }[] = [];
    for (const g of groups) {
      const caps = rt.account(g.channel_account_id)?.capabilities;
      if (!caps) continue;
      const s = await loadGroupSettings(db, g.id);
      const template = s.policy ? parsePatch((await getPolicy(db, s.policy.id))?.settings) : {};
      const explicit = new Set([...patchFields(template), ...patchFields(s.overrides)]);
      for (const u of unsupportedSettings(s.effective, caps)) if (explicit.has(u.field)) problems.push({ groupId: g.id, groupName: g.name, ...u });
    }
    if (problems.length === 0) return;
    const first = problems[0]!;
    throw new HttpError(
      422,
      'capability_missing',
      `${first.groupName}: its channel cannot ${first.needs === 'deleteMessage' ? 'delete messages' : first.needs === 'kick' ? 'remove members' : 'gate joins'}, so ${first.field} cannot be used there; choose ${first.instead} (moderators are alerted through cases instead)${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`,
      { problems },
    );
  }

  /** `a, b, c (+4 more)` for audit summaries. */
  const few = (fields: readonly string[]) => (fields.length === 0 ? 'nothing' : fields.length <= 5 ? fields.join(', ') : `${fields.slice(0, 5).join(', ')} (+${fields.length - 5} more)`);

  // ── one group's settings ──────────────────────────────────────────────────────────────────
  app.route({
    method: 'GET',
    url: '/api/v1/groups/:id/settings',
    config: { permission: 'groups:read' },
    schema: { tags: ['policies'], summary: 'The settings in force in a group, what it overrides of its template, and a raid lockdown in force', params: IdParams, response: { 200: GroupSettingsOut } },
    handler: async (req) => {
      const group = await ownGroup(store.db, auth(req), req.params.id);
      return settingsView(store.db, group.id);
    },
  });

  app.route({
    method: 'PUT',
    url: '/api/v1/groups/:id/settings',
    config: { permission: 'policies:write' },
    schema: {
      tags: ['policies'],
      summary: 'Replace the group’s own overrides and, with policyId, choose its template (null: none)',
      description: 'Overrides are a partial of the settings: fields left out follow the template (or the defaults). Unknown fields are refused.',
      params: IdParams,
      body: GroupSettingsPut,
      response: { 200: GroupSettingsOut },
    },
    handler: async (req) => {
      const a = auth(req);
      const out = await store.transaction(async (trx) => {
        const group = await ownGroup(trx, a, req.params.id);
        const before = await loadGroupSettings(trx, group.id);
        const policyId = req.body.policyId === undefined ? group.policy_id : req.body.policyId;
        if (policyId !== null && policyId !== group.policy_id) await ownPolicy(trx, a, policyId);
        const overrides = compactPatch(req.body.overrides);
        await setGroupSettings(trx, group.id, { settings: JSON.stringify(overrides), policyId, now: rt.now() });
        await refuseUnsupported(trx, [group.id]);
        const after = await settingsView(trx, group.id);
        const changed = differences(before.effective, after.effective);
        const template = policyId === group.policy_id ? '' : `; template ${before.policy?.name ?? 'none'} → ${after.policy?.name ?? 'none'}`;
        await audit(trx, a, {
          action: 'group.settings',
          targetType: 'group',
          targetId: group.id,
          summary: `settings of ${group.name}: changed ${few(changed)}${template}`,
          details: { before: { policyId: group.policy_id, overrides: before.overrides }, after: { policyId, overrides } },
        });
        return after;
      });
      rt.engine.invalidate(a.workspaceId);
      return out;
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/groups/:id/settings/unlock',
    config: { permission: 'moderation:act' },
    schema: { tags: ['policies'], summary: 'End a raid lockdown early: joins are accepted again', params: IdParams, response: { 200: GroupSettingsOut } },
    handler: async (req) => {
      const a = auth(req);
      const out = await store.transaction(async (trx) => {
        const group = await ownGroup(trx, a, req.params.id);
        const now = rt.now();
        if (group.locked_until === null || group.locked_until <= now) throw new HttpError(409, 'not_locked', `${group.name} is not locked down`);
        await setLockedUntil(trx, group.id, null, now);
        await audit(trx, a, { action: 'group.unlock', targetType: 'group', targetId: group.id, summary: `ended the lockdown of ${group.name}`, details: { lockedUntil: group.locked_until } });
        return settingsView(trx, group.id);
      });
      rt.engine.invalidate(a.workspaceId);
      return out;
    },
  });

  // ── templates ─────────────────────────────────────────────────────────────────────────────
  app.route({
    method: 'GET',
    url: '/api/v1/policies',
    config: { permission: 'groups:read' },
    schema: { tags: ['policies'], summary: 'Policy templates, by name, with how many groups follow each', response: { 200: Items(Policy) } },
    handler: async (req) => {
      const a = auth(req);
      const rows = await listPolicies(store.db, a.workspaceId);
      const welcomes = await store.db.selectFrom('rules').selectAll().where('workspace_id', '=', a.workspaceId).where('policy_id', 'is not', null).where('preset', '=', 'welcome').execute();
      const byPolicy = new Map(welcomes.map((w) => [w.policy_id, ruleFromRow(w)]));
      return { items: rows.map((p) => policyDto(p, byPolicy.get(p.id))) };
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/policies',
    config: { permission: 'policies:write' },
    schema: { tags: ['policies'], summary: 'Create a template: the settings it sets (the rest follow the defaults) and its rules text', body: PolicyInput, response: { 201: Policy } },
    handler: async (req, reply) => {
      const a = auth(req);
      const settings = compactPatch(req.body.settings);
      const created = await store.transaction(async (trx) => {
        await requireFreeName(trx, a, req.body.name);
        const p = await createPolicy(trx, { workspaceId: a.workspaceId, name: req.body.name, settings: JSON.stringify(settings), rules: req.body.rules ?? '', now: rt.now() });
        await audit(trx, a, { action: 'policy.create', targetType: 'policy', targetId: p.id, summary: `created template ${p.name} (sets ${few(patchFields(settings))})`, details: { settings } });
        return policyView(trx, a, p.id);
      });
      return reply.status(201).send(created);
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/policies/:id',
    config: { permission: 'groups:read' },
    schema: { tags: ['policies'], params: IdParams, response: { 200: Policy } },
    handler: async (req) => policyView(store.db, auth(req), req.params.id),
  });

  app.route({
    method: 'PUT',
    url: '/api/v1/policies/:id',
    config: { permission: 'policies:write' },
    schema: {
      tags: ['policies'],
      summary: 'Replace a template’s name, settings and (when given) rules text; every group following it gets the change (except what it sets itself)',
      params: IdParams,
      body: PolicyInput,
      response: { 200: Policy },
    },
    handler: async (req) => {
      const a = auth(req);
      const settings = compactPatch(req.body.settings);
      const out = await store.transaction(async (trx) => {
        const before = await ownPolicy(trx, a, req.params.id);
        await requireFreeName(trx, a, req.body.name, before.id);
        const old = parsePatch(before.settings);
        const rules = req.body.rules ?? before.rules;
        await updatePolicy(trx, before.id, { name: req.body.name, settings: JSON.stringify(settings), rules, now: rt.now() });
        await refuseUnsupported(
          trx,
          (await trx.selectFrom('groups').select('id').where('policy_id', '=', before.id).execute()).map((g) => g.id),
        );
        const view = await policyView(trx, a, before.id);
        const changed = [...differences(resolveSettings(old), resolveSettings(settings)), ...(rules === before.rules ? [] : ['rules'])];
        const renamed = before.name === req.body.name ? '' : ` (renamed from ${before.name})`;
        await audit(trx, a, {
          action: 'policy.update',
          targetType: 'policy',
          targetId: before.id,
          summary: `template ${view.name}${renamed}: changed ${few(changed)} for ${view.groupCount} groups`,
          details: { before: { name: before.name, settings: old, rules: before.rules }, after: { name: view.name, settings, rules } },
        });
        return view;
      });
      rt.engine.invalidate(a.workspaceId);
      return out;
    },
  });

  app.route({
    method: 'DELETE',
    url: '/api/v1/policies/:id',
    config: { permission: 'policies:write' },
    schema: {
      tags: ['policies'],
      summary: 'Delete a template with its keyword replies, word lists and admins; its groups keep their own overrides and follow the defaults for the rest',
      params: IdParams,
      response: { 204: z.null() },
    },
    handler: async (req, reply) => {
      const a = auth(req);
      await store.transaction(async (trx) => {
        const p = await ownPolicy(trx, a, req.params.id);
        const detached = await deletePolicy(trx, p.id, rt.now());
        await audit(trx, a, { action: 'policy.delete', targetType: 'policy', targetId: p.id, summary: `deleted template ${p.name}; ${detached} groups no longer follow it`, details: { settings: parsePatch(p.settings), detached } });
      });
      rt.engine.invalidate(a.workspaceId);
      return reply.status(204).send(null);
    },
  });

  app.route({
    method: 'PUT',
    url: '/api/v1/policies/:id/welcome',
    config: { permission: 'rules:write' },
    schema: { tags: ['policies'], summary: 'Set the welcome of the template’s groups that have none of their own', params: IdParams, body: WelcomePut, response: { 200: Policy } },
    handler: async (req) => {
      const a = auth(req);
      const out = await store.transaction(async (trx) => {
        const policy = await ownPolicy(trx, a, req.params.id);
        const existing = await findPolicyWelcomeRule(trx, policy.id);
        const rule = welcomeRule({ id: existing?.id ?? newId(), groupId: null, template: req.body.template, enabled: req.body.enabled });
        if (existing) await replaceRule(trx, rule, rt.now(), policy.id);
        else await insertRule(trx, a.workspaceId, rule, rt.now(), policy.id);
        await audit(trx, a, {
          action: 'policy.welcome',
          targetType: 'policy',
          targetId: policy.id,
          summary: `${req.body.enabled ? 'set' : 'disabled'} the welcome of template ${policy.name}`,
          details: { before: replyTemplate(existing) ?? null, after: req.body },
        });
        return policyView(trx, a, policy.id);
      });
      rt.engine.invalidate(a.workspaceId);
      return out;
    },
  });

  app.route({
    method: 'DELETE',
    url: '/api/v1/policies/:id/welcome',
    config: { permission: 'rules:write' },
    schema: { tags: ['policies'], summary: 'Remove the template’s welcome: its groups without one of their own welcome nobody', params: IdParams, response: { 200: Policy } },
    handler: async (req) => {
      const a = auth(req);
      const out = await store.transaction(async (trx) => {
        const policy = await ownPolicy(trx, a, req.params.id);
        const existing = await findPolicyWelcomeRule(trx, policy.id);
        if (!existing) throw new HttpError(409, 'no_welcome', `template ${policy.name} has no welcome`);
        await deleteRule(trx, existing.id);
        await audit(trx, a, { action: 'policy.welcome', targetType: 'policy', targetId: policy.id, summary: `removed the welcome of template ${policy.name}`, details: { before: replyTemplate(existing) ?? null, after: null } });
        return policyView(trx, a, policy.id);
      });
      rt.engine.invalidate(a.workspaceId);
      return out;
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/policies/:id/apply',
    config: { permission: 'policies:write' },
    schema: {
      tags: ['policies'],
      summary:
        'Make groups follow this template (with resetOverrides, drop their own overrides too, and their own welcome and rules text where the template has them); says what changed in each',
      params: IdParams,
      body: PolicyApply,
      response: { 200: PolicyApplied },
    },
    handler: async (req) => {
      const a = auth(req);
      const ids = [...new Set(req.body.groupIds)];
      const reset = req.body.resetOverrides;
      const out = await store.transaction(async (trx) => {
        const policy = await ownPolicy(trx, a, req.params.id);
        const found = await trx.selectFrom('groups').select(['id', 'name', 'settings', 'policy_id', 'rules']).where('workspace_id', '=', a.workspaceId).where('id', 'in', ids).execute();
        const byId = new Map(found.map((g) => [g.id, g]));
        const missing = ids.filter((id) => !byId.has(id));
        if (missing.length > 0) {
          throw new HttpError(404, 'not_found', `group not found: ${missing.slice(0, NAMED_IDS).join(', ')}${missing.length > NAMED_IDS ? ` (+${missing.length - NAMED_IDS} more)` : ''}`, { missing });
        }
        const templates = new Map<string, { name: string; settings: GroupSettingsPatch }>();
        for (const p of await trx.selectFrom('policies').select(['id', 'name', 'settings']).where('workspace_id', '=', a.workspaceId).execute()) {
          templates.set(p.id, { name: p.name, settings: parsePatch(p.settings) });
        }
        // In the order asked for.
        const groups = ids.flatMap((id) => byId.get(id) ?? []);
        const template = parsePatch(policy.settings);
        const base = resolveSettings(template);
        const templateWelcome = (await findPolicyWelcomeRule(trx, policy.id)) !== undefined;
        const texts = { welcome: reset && templateWelcome, rules: reset && policy.rules !== '' };
        const ownRules = new Set(groups.filter((g) => g.rules !== '').map((g) => g.id));
        const ownWelcome = await resetGroupTexts(trx, ids, { ...texts, now: rt.now() });
        // A welcome nobody wrote (the default every new group starts with) gives way to the template's.
        const untouched = templateWelcome && !reset ? await dropDefaultWelcomes(trx, ids, Object.values(DEFAULT_WELCOME)) : new Set<string>();
        const items = groups.map((g) => {
          const overrides = parsePatch(g.settings);
          const previous = g.policy_id === null ? undefined : templates.get(g.policy_id);
          const kept = reset ? {} : overrides;
          const after = resolveSettings(template, kept);
          return {
            groupId: g.id,
            groupName: g.name,
            previousPolicy: previous && g.policy_id !== null ? { id: g.policy_id, name: previous.name } : null,
            changed: differences(resolveSettings(previous?.settings, overrides), after),
            reset: reset ? [...patchFields(overrides), ...(ownWelcome.has(g.id) ? ['welcome'] : []), ...(texts.rules && ownRules.has(g.id) ? ['rules'] : [])] : untouched.has(g.id) ? ['welcome'] : [],
            differs: differences(base, after),
          };
        });
        await applyPolicy(trx, policy.id, ids, reset, rt.now());
        await refuseUnsupported(trx, ids);
        const changedGroups = items.filter((i) => i.changed.length > 0).length;
        await audit(trx, a, {
          action: 'policy.apply',
          targetType: 'policy',
          targetId: policy.id,
          summary: `applied template ${policy.name} to ${ids.length} groups${reset ? ', overrides reset' : ''}; settings changed in ${changedGroups}`,
          details: { groupIds: ids, resetOverrides: reset },
        });
        return { items };
      });
      rt.engine.invalidate(a.workspaceId);
      return out;
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/policies/:id/groups',
    config: { permission: 'groups:read' },
    schema: {
      tags: ['policies'],
      summary: 'The groups following a template: what each overrides, where it differs from the template, whether it has its own welcome and rules text, and what it adds of its own',
      params: IdParams,
      response: { 200: PolicyGroups },
    },
    handler: async (req) => {
      const policy = await ownPolicy(store.db, auth(req), req.params.id);
      const template = parsePatch(policy.settings);
      const base = resolveSettings(template);
      const rows = await listPolicyGroups(store.db, policy.id);
      return {
        items: rows.map((g) => {
          const overrides = parsePatch(g.settings);
          return {
            groupId: g.id,
            groupName: g.name,
            overrides: patchFields(overrides),
            differs: differences(base, resolveSettings(template, overrides)),
            ownWelcome: Number(g.welcome_count ?? 0) > 0,
            ownRules: g.rules !== '',
            own: { keywordReplies: Number(g.rule_count ?? 0), wordLists: Number(g.word_list_count ?? 0), admins: Number(g.admin_count ?? 0) },
          };
        }),
      };
    },
  });
}
