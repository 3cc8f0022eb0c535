/**
 * Timing helpers shared by the benchmarks. Every loop here is bounded by a count or a time budget,
 * and every figure is a median of timed repetitions that follow an untimed warm-up.
 */

export const now = (): number => performance.now();

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface Rate {
  /** Median items per second over the timed repetitions. */
  perSec: number;
  /** Every repetition's items per second, in run order. */
  reps: number[];
  /** Items processed per repetition (the median's repetition may differ slightly for time-bounded runs). */
  items: number;
}

export function rateOf(reps: number[], items: number): Rate {
  return { perSec: median(reps), reps, items };
}

/** Releases garbage between phases when the process was started with --expose-gc (bench/run.ts does). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/**
 * Synchronous, time-bounded throughput: calls `step(i)` for i = 0, 1, 2 … until `budgetMs` has
 * passed (checked every `checkEvery` calls) or `maxItems` is reached, then returns items/s.
 */
export function timeBounded(step: (i: number) => void, budgetMs: number, maxItems: number, checkEvery = 16): { perSec: number; items: number } {
  const t0 = now();
  let i = 0;
  let elapsed = 0;
  while (i < maxItems) {
    const stop = Math.min(i + checkEvery, maxItems);
    for (; i < stop; i++) step(i);
    elapsed = now() - t0;
    if (elapsed >= budgetMs) break;
  }
  return { perSec: (i / Math.max(elapsed, 1e-3)) * 1000, items: i };
}

/** Warm-up once, then `reps` timed, time-bounded repetitions; the median items/s. */
export function measureSync(step: (i: number) => void, o: { reps: number; budgetMs: number; maxItems: number; warmupMs?: number }): Rate {
  timeBounded(step, o.warmupMs ?? Math.min(o.budgetMs, 200), o.maxItems);
  const reps: number[] = [];
  let items = 0;
  for (let r = 0; r < o.reps; r++) {
    collectGarbage();
    const x = timeBounded(step, o.budgetMs, o.maxItems);
    reps.push(x.perSec);
    items = Math.max(items, x.items);
  }
  return rateOf(reps, items);
}

// ---- formatting ---------------------------------------------------------------------------------

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12345.6 → "12,346"; small values keep significant digits. */
export function fmtRate(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x >= 100) return grouped.format(Math.round(x));
  return x.toPrecision(3);
}

/** An integer count with thousands separators. */
export function fmtInt(x: number): string {
  return grouped.format(Math.round(x));
}

/** Microseconds with 3 significant digits ("48.2", "1,234"). */
export function fmtUs(us: number): string {
  if (!Number.isFinite(us)) return 'n/a';
  if (us >= 1000) return grouped.format(Math.round(us));
  return us.toPrecision(3);
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 100) return grouped.format(Math.round(ms));
  return ms.toPrecision(3);
}

/** A ratio as "0.42×" or "1,234×". */
export function fmtRatio(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x >= 100) return `${grouped.format(Math.round(x))}×`;
  if (x >= 10) return `${x.toFixed(1)}×`;
  return `${x.toFixed(2)}×`;
}

export function fmtPct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

/** min–max of the repetitions, to show the spread next to a median. */
export function fmtSpread(reps: readonly number[]): string {
  if (reps.length === 0) return '';
  return `${fmtRate(Math.min(...reps))}–${fmtRate(Math.max(...reps))}`;
}
