/**
 * Wrong answers at a group's join gate, counted so the entry question cannot be guessed by trying:
 * per group, at most 5 wrong answers in 10 minutes from one member (their web community token, or
 * their address when they have none yet), and 20 from one address whatever the tokens (so fresh
 * tokens do not buy fresh tries). In memory, like the sign-in throttle: a restart forgets them.
 */
const WINDOW_MS = 10 * 60_000;
const PER_MEMBER = 5;
const PER_ADDRESS = 20;
const MAX_TRACKED = 10_000;

export interface Asker {
  ip: string;
  /** The web community member behind the request's token, when it has a valid one. */
  memberId: string | null;
}

export class JoinGateGuard {
  readonly #failures = new Map<string, number[]>();

  /** Milliseconds until this asker may answer the group's question again; 0 when now. */
  retryAfter(groupId: string, who: Asker, now: number): number {
    let wait = 0;
    for (const [key, max] of this.#limits(groupId, who)) {
      const recent = this.#recent(key, now);
      if (recent.length >= max) wait = Math.max(wait, (recent[recent.length - max] ?? now) + WINDOW_MS - now);
    }
    return wait;
  }

  /** Counts a wrong answer; returns how many tries the asker has left in the window. */
  wrong(groupId: string, who: Asker, now: number): number {
    if (this.#failures.size > MAX_TRACKED) this.#prune(now);
    let left = Number.POSITIVE_INFINITY;
    for (const [key, max] of this.#limits(groupId, who)) {
      const recent = [...this.#recent(key, now), now];
      this.#failures.set(key, recent);
      left = Math.min(left, max - recent.length);
    }
    return Math.max(0, left);
  }

  #limits(groupId: string, who: Asker): [string, number][] {
    return [
      [who.memberId ? `${groupId}|member:${who.memberId}` : `${groupId}|ip:${who.ip}`, PER_MEMBER],
      [`${groupId}|address:${who.ip}`, PER_ADDRESS],
    ];
  }

  #prune(now: number): void {
    for (const [key, times] of this.#failures) if (!times.some((t) => t > now - WINDOW_MS)) this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
  }
}
