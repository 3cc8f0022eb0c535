import type { Action, Condition, Rule, RulePreset, Trigger } from '../../core/rules.ts';
import type { Db } from '../index.ts';
import type { RulesTable } from '../schema.ts';

export interface StoredRule extends Rule {
  workspaceId: string;
  /** The template the rule belongs to (then groupId is null). */
  policyId: string | null;
  createdAt: number;
  updatedAt: number;
}

export function ruleFromRow(row: RulesTable): StoredRule {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    groupId: row.group_id,
    policyId: row.policy_id,
    name: row.name,
    preset: row.preset as RulePreset,
    enabled: row.enabled === 1,
    priority: row.priority,
    stopAfterMatch: row.stop_after_match === 1,
    trigger: JSON.parse(row.trigger) as Trigger,
    conditions: JSON.parse(row.conditions) as Condition[],
    actions: JSON.parse(row.actions) as Action[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Where a rule, word list or admin entry applies: one group, one template's groups, or (both null) the whole workspace. */
export type Scope = { groupId: string | null; policyId: string | null };

/** A row is scoped to a group or to a template, never both (ADR 0012); the routes refuse it first. */
export function checkScope(scope: Scope): void {
  if (scope.groupId !== null && scope.policyId !== null) throw new Error('a row belongs to a group or to a template, not both');
}

function columns(rule: Rule, policyId: string | null) {
  checkScope({ groupId: rule.groupId, policyId });
  return {
    group_id: rule.groupId,
    policy_id: policyId,
    name: rule.name,
    preset: rule.preset,
    enabled: rule.enabled ? 1 : 0,
    priority: rule.priority,
    stop_after_match: rule.stopAfterMatch ? 1 : 0,
    trigger: JSON.stringify(rule.trigger),
    conditions: JSON.stringify(rule.conditions),
    actions: JSON.stringify(rule.actions),
  };
}

export async function insertRule(db: Db, workspaceId: string, rule: Rule, now: number, policyId: string | null = null): Promise<StoredRule> {
  const row: RulesTable = { id: rule.id, workspace_id: workspaceId, ...columns(rule, policyId), created_at: now, updated_at: now };
  await db.insertInto('rules').values(row).execute();
  return ruleFromRow(row);
}

export async function replaceRule(db: Db, rule: Rule, now: number, policyId: string | null = null): Promise<void> {
  await db.updateTable('rules').set({ ...columns(rule, policyId), updated_at: now }).where('id', '=', rule.id).execute();
}

export async function deleteRule(db: Db, id: string): Promise<void> {
  await db.deleteFrom('rules').where('id', '=', id).execute();
}

export async function getRule(db: Db, id: string): Promise<StoredRule | undefined> {
  const row = await db.selectFrom('rules').selectAll().where('id', '=', id).executeTakeFirst();
  return row && ruleFromRow(row);
}

/** Rules of a workspace; with a group or a template, its own rules only. */
export async function listRules(db: Db, workspaceId: string, groupId?: string, policyId?: string): Promise<StoredRule[]> {
  let q = db.selectFrom('rules').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id');
  if (groupId !== undefined) q = q.where('group_id', '=', groupId);
  if (policyId !== undefined) q = q.where('policy_id', '=', policyId);
  return (await q.execute()).map(ruleFromRow);
}

/**
 * Every rule that applies in a group: its own, its template's and the workspace-wide ones. A
 * group's own welcome replaces its template's.
 */
export async function listEffectiveRules(db: Db, workspaceId: string, groupId: string | null): Promise<StoredRule[]> {
  const rows = await db
    .selectFrom('rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => {
      const wide = eb.and([eb('group_id', 'is', null), eb('policy_id', 'is', null)]);
      if (groupId === null) return wide;
      return eb.or([wide, eb('group_id', '=', groupId), eb('policy_id', '=', eb.selectFrom('groups').select('policy_id').where('id', '=', groupId))]);
    })
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const ownWelcome = rows.some((r) => r.preset === 'welcome' && r.group_id !== null);
  return rows.filter((r) => !(ownWelcome && r.preset === 'welcome' && r.policy_id !== null)).map(ruleFromRow);
}

/** A group's own welcome. */
export async function findWelcomeRule(db: Db, groupId: string): Promise<StoredRule | undefined> {
  const row = await db.selectFrom('rules').selectAll().where('group_id', '=', groupId).where('preset', '=', 'welcome').executeTakeFirst();
  return row && ruleFromRow(row);
}

/** A template's welcome (for its groups without one of their own). */
export async function findPolicyWelcomeRule(db: Db, policyId: string): Promise<StoredRule | undefined> {
  const row = await db.selectFrom('rules').selectAll().where('policy_id', '=', policyId).where('preset', '=', 'welcome').executeTakeFirst();
  return row && ruleFromRow(row);
}
