import type { Action, Condition, Rule, RulePreset, Trigger } from '../../core/rules.ts';
import type { Db } from '../index.ts';
import type { RulesTable } from '../schema.ts';

export interface StoredRule extends Rule {
  workspaceId: string;
  createdAt: number;
  updatedAt: number;
}

export function ruleFromRow(row: RulesTable): StoredRule {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    groupId: row.group_id,
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

function columns(rule: Rule) {
  return {
    group_id: rule.groupId,
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

export async function insertRule(db: Db, workspaceId: string, rule: Rule, now: number): Promise<StoredRule> {
  const row: RulesTable = { id: rule.id, workspace_id: workspaceId, ...columns(rule), created_at: now, updated_at: now };
  await db.insertInto('rules').values(row).execute();
  return ruleFromRow(row);
}

export async function replaceRule(db: Db, rule: Rule, now: number): Promise<void> {
  await db.updateTable('rules').set({ ...columns(rule), updated_at: now }).where('id', '=', rule.id).execute();
}

export async function deleteRule(db: Db, id: string): Promise<void> {
  await db.deleteFrom('rules').where('id', '=', id).execute();
}

export async function getRule(db: Db, id: string): Promise<StoredRule | undefined> {
  const row = await db.selectFrom('rules').selectAll().where('id', '=', id).executeTakeFirst();
  return row && ruleFromRow(row);
}

/** Rules of a workspace; with a group, that group's own rules only. */
export async function listRules(db: Db, workspaceId: string, groupId?: string): Promise<StoredRule[]> {
  let q = db.selectFrom('rules').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id');
  if (groupId !== undefined) q = q.where('group_id', '=', groupId);
  return (await q.execute()).map(ruleFromRow);
}

/** Every rule that applies in a group: its own and the workspace-wide ones. */
export async function listEffectiveRules(db: Db, workspaceId: string, groupId: string | null): Promise<StoredRule[]> {
  const rows = await db
    .selectFrom('rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => (groupId === null ? eb('group_id', 'is', null) : eb.or([eb('group_id', 'is', null), eb('group_id', '=', groupId)])))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(ruleFromRow);
}

export async function findWelcomeRule(db: Db, groupId: string): Promise<StoredRule | undefined> {
  const row = await db.selectFrom('rules').selectAll().where('group_id', '=', groupId).where('preset', '=', 'welcome').executeTakeFirst();
  return row && ruleFromRow(row);
}
