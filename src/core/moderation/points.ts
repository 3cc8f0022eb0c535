/**
 * Warn points (pure). Each warning is one point for the person (the contact, across every group
 * and channel of the workspace) and expires on its own; thresholds turn the points in force into
 * actions: at `kickAt` the member is removed from the group, at `banAt` also blacklisted.
 */

const DAY_MS = 86_400_000;

/** The `warnings` section of a group's settings (src/shared/group-settings.ts). */
export interface WarnSettings {
  expireDays: number;
  kickAt: number;
  banAt: number;
  banDays: number;
}

export interface WarningRecord {
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

/** When a warning given now stops counting. */
export function warningExpiry(now: number, s: WarnSettings): number {
  return now + s.expireDays * DAY_MS;
}

/** Points in force at `now`: warnings not expired (expiry is exclusive) and not revoked. */
export function activePoints(warnings: readonly WarningRecord[], now: number): number {
  let n = 0;
  for (const w of warnings) if (w.revoked_at === null && w.expires_at > now && w.created_at <= now) n++;
  return n;
}

export interface Escalation {
  kick: boolean;
  ban: boolean;
  /** The threshold the member is measured against in the warning text (the next action's). */
  limit: number;
}

/** What `points` call for under the group's thresholds (0 disables a threshold). */
export function escalate(points: number, s: WarnSettings): Escalation {
  const kick = s.kickAt > 0 && points >= s.kickAt;
  const ban = s.banAt > 0 && points >= s.banAt;
  const limits = [s.kickAt, s.banAt].filter((x) => x > 0);
  const next = limits.filter((x) => x > points).sort((a, b) => a - b)[0];
  return { kick: kick || ban, ban, limit: next ?? (limits.length > 0 ? Math.max(...limits) : 0) };
}

/** A blacklisting's end under the group's settings (null: until lifted). */
export function banExpiry(now: number, s: WarnSettings): number | null {
  return s.banDays > 0 ? now + s.banDays * DAY_MS : null;
}
