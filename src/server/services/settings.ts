import { GroupSettingsPatch, resolveSettings, type GroupSettings } from '../../shared/group-settings.ts';
import type { Db } from '../../store/index.ts';

/** A stored patch (JSON text); one that no longer validates (an older shape) counts as empty rather than breaking moderation. */
export function parsePatch(json: string | null | undefined): GroupSettingsPatch {
  if (!json) return {};
  try {
    const r = GroupSettingsPatch.safeParse(JSON.parse(json));
    return r.success ? r.data : {};
  } catch {
    return {};
  }
}

/** The settings in force in a group: defaults ← its policy template ← its own overrides. */
export async function loadGroupSettings(db: Db, groupId: string): Promise<{ effective: GroupSettings; base: GroupSettings; overrides: GroupSettingsPatch; policy: { id: string; name: string } | null; lockedUntil: number | null }> {
  const row = await db
    .selectFrom('groups as g')
    .leftJoin('policies as p', 'p.id', 'g.policy_id')
    .select(['g.settings', 'g.locked_until', 'p.id as policy_id', 'p.name as policy_name', 'p.settings as policy_settings'])
    .where('g.id', '=', groupId)
    .executeTakeFirstOrThrow();
  const template = parsePatch(row.policy_settings);
  const overrides = parsePatch(row.settings);
  return {
    base: resolveSettings(template),
    effective: resolveSettings(template, overrides),
    overrides,
    policy: row.policy_id && row.policy_name ? { id: row.policy_id, name: row.policy_name } : null,
    lockedUntil: row.locked_until,
  };
}

