/** Date and time formatting in an explicit time zone (the workspace's, or the member's own). */

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ''}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, ...(timeZone ? { timeZone } : {}) });
    cache.set(key, f);
  }
  return f;
}

/** 2024-05-01 14:03 style, in the given zone. */
export function formatDateTime(ms: number, locale: string, timeZone?: string): string {
  return formatter(locale, timeZone, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(ms);
}

/** The time of day for today's messages, the date and time for older ones. */
export function formatChatTime(ms: number, locale: string, now = Date.now(), timeZone?: string): string {
  const day = formatter(locale, timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' });
  if (day.format(ms) === day.format(now)) return formatter(locale, timeZone, { hour: '2-digit', minute: '2-digit', hour12: false }).format(ms);
  return formatter(locale, timeZone, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(ms);
}
