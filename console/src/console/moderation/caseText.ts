/**
 * Cases in words: what raised a case, what it did (its effects) and what undoing it reverses,
 * in the operator's language. Pure: the components render these strings.
 */
import type { Case, CaseEffect } from '../../../../src/shared/api.ts';
import type { Translate } from '../../i18n.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** "10 分钟", "1 小时", "3 天": the largest whole unit. */
export function durationText(t: Translate, minutes: number): string {
  if (minutes >= 1440 && minutes % 1440 === 0) return t('duration.days', { n: minutes / 1440 });
  if (minutes >= 60 && minutes % 60 === 0) return t('duration.hours', { n: minutes / 60 });
  return t('duration.minutes', { n: minutes });
}

/**
 * The threshold a warning is measured against ("2/3"): the next one above the points, else the
 * highest (the server's warning text says the same). 0: no thresholds.
 */
export function warnLimit(e: Extract<CaseEffect, { type: 'warned' }>): number {
  const limits = [e.kickAt, e.banAt].filter((x) => x > 0);
  const next = limits.filter((x) => x > e.points).sort((a, b) => a - b)[0];
  return next ?? (limits.length > 0 ? Math.max(...limits) : 0);
}

/** Whether undoing reverses this effect (a deletion and a removal stay). */
export const reversible = (e: CaseEffect) => e.type === 'warned' || e.type === 'muted' || e.type === 'blacklisted' || e.type === 'lockdown';

/** One effect, as done: "已警告（2/3）", "已移出", "已拉黑 7 天", "需手动移出". */
export function effectText(t: Translate, e: CaseEffect, c: Pick<Case, 'createdAt' | 'groupId'>, formatTime: (ms: number) => string): string {
  switch (e.type) {
    case 'deleted':
      return t('effect.deleted');
    case 'warned': {
      const limit = warnLimit(e);
      return limit > 0 ? t('effect.warned', { points: e.points, limit }) : t('effect.warnedNoLimit', { points: e.points });
    }
    case 'muted':
      return t('effect.muted', { duration: durationText(t, Math.max(1, Math.round((e.until - c.createdAt) / MINUTE))) });
    case 'removed':
      return e.groupId === c.groupId ? t('effect.removed') : t('effect.removedFrom', { group: e.groupName });
    case 'removal_needed':
      return e.groupId === c.groupId ? t('effect.removalNeeded') : t('effect.removalNeededIn', { group: e.groupName });
    case 'blacklisted':
      return e.expiresAt === null ? t('effect.blacklistedForever') : t('effect.blacklisted', { days: Math.max(1, Math.round((e.expiresAt - c.createdAt) / DAY)) });
    case 'lockdown':
      return t('effect.lockdown', { time: formatTime(e.until) });
  }
}

/** What undoing a case reverses, and what it cannot: for the confirmation. */
export function undoText(t: Translate, c: Case): { reverses: string[]; stays: string[] } {
  const reverses: string[] = [];
  const stays: string[] = [];
  const warned = c.effects.filter((e) => e.type === 'warned').length;
  if (warned > 0) reverses.push(t('undo.warned', { count: warned }));
  if (c.effects.some((e) => e.type === 'muted')) reverses.push(t('undo.muted'));
  if (c.effects.some((e) => e.type === 'blacklisted')) reverses.push(t('undo.blacklisted'));
  if (c.effects.some((e) => e.type === 'lockdown')) reverses.push(t('undo.lockdown'));
  if (c.effects.some((e) => e.type === 'deleted')) stays.push(t('undo.deletedStays'));
  if (c.effects.some((e) => e.type === 'removed')) stays.push(t('undo.removedStays'));
  return { reverses, stays };
}

/** The people-facing sentence for an action's result: "广告哥：已警告（2/3）". */
export function resultText(t: Translate, c: Case, formatTime: (ms: number) => string): string {
  const done = c.effects.map((e) => effectText(t, e, c, formatTime));
  return done.length > 0 ? t('act.result', { name: c.member.name, effects: done.join(t('list.separator')) }) : t('act.resultNone', { name: c.member.name });
}
