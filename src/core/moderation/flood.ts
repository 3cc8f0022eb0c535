/**
 * Flood and raid detection: one member posting too fast or the same text again and again,
 * and a whole group receiving too many joins or messages at once. Pure (the time comes in with each
 * call) and bounded: at most `maxKeys` members and `maxKeys` groups are tracked, the least recently
 * seen forgotten first, and each keeps a few capped arrays or a fixed 60-slot counter.
 *
 * Each crossing is reported once per window, not on every message after it: a member who keeps
 * flooding is reported again one window (perSeconds, repeatSeconds, 60 s for raids) after the last
 * report, if still over the limit then. What to do about it (warn, mute, lock down) is the caller's.
 */
import { normalFingerprint } from './normalize.ts';

export type FloodKind = 'rate' | 'repeat';

/** What FloodTracker reads of a group's `flood` settings (GroupSettings['flood']; core restates it, as src/shared builds on core). */
export interface FloodSettings {
  action: 'off' | 'alert' | 'warn' | 'block';
  maxMessages: number;
  perSeconds: number;
  maxRepeats: number;
  repeatSeconds: number;
}

/** What FloodTracker reads of a group's `raid` settings (GroupSettings['raid']). */
export interface RaidSettings {
  enabled: boolean;
  joinsPerMinute: number;
  messagesPerMinute: number;
}

/** Texts shorter than this (normalised) are not compared: "1" and "+1" (接龙 sign-ups), "好", "?", emoji-only messages. */
const MIN_REPEAT_LENGTH = 2;
/** How many recent texts a member's repeat check looks back over, at least and at most. */
const MIN_HISTORY = 16;
const MAX_HISTORY = 64;
const MINUTE = 60_000;

interface MemberState {
  /** Times of the latest messages, oldest first, at most maxMessages + 1 of them. */
  times: number[];
  /** (hash, time) of the latest texts, oldest first, flattened: [h0, t0, h1, t1, …]. */
  texts: number[];
  /** Latest time seen: time never goes back for a member (events can arrive out of order). */
  last: number;
  rateReportedAt: number;
  repeatReportedAt: number;
}

const slotOf = (sec: number) => ((sec % 60) + 60) % 60;

/**
 * Counts events over the last 60 s in one-second slots with a running total: 240 bytes and O(1) per
 * event whatever the rate (a group may be allowed 100,000 messages a minute), exact to the second.
 */
class MinuteCounter {
  readonly #count = new Uint32Array(60);
  #total = 0;
  /** The latest second counted: slots for the 59 seconds before it and for it are current. */
  #second = -Infinity;
  #reportedAt = -Infinity;

  /**
   * Adds one event at `now` (clamped to the latest seen, as events can arrive out of order); true when
   * the count over the last 60 s exceeds `limit` and the last such report is 60 s old or more.
   */
  crossing(now: number, limit: number): boolean {
    const sec = Math.max(Math.floor(now / 1000), this.#second);
    // Empty the slots of the seconds that passed since the last event (all of them after a minute).
    const passed = Math.min(sec - this.#second, 60);
    for (let k = 1; k <= passed; k++) {
      const slot = slotOf(sec - passed + k);
      this.#total -= this.#count[slot]!;
      this.#count[slot] = 0;
    }
    this.#second = sec;
    this.#count[slotOf(sec)]!++;
    this.#total++;
    if (this.#total <= limit || sec * 1000 - this.#reportedAt < MINUTE) return false;
    this.#reportedAt = sec * 1000;
    return true;
  }
}

interface GroupState {
  messages: MinuteCounter | null;
  joins: MinuteCounter | null;
}

export class FloodTracker {
  readonly #maxKeys: number;
  /** Map order is recency order: a key is moved to the end on every use, evicted from the front. */
  readonly #members = new Map<string, MemberState>();
  readonly #groups = new Map<string, GroupState>();

  /** `maxKeys`: members tracked at most, and groups tracked at most (default 100,000 each). */
  constructor(opts?: { maxKeys?: number }) {
    const maxKeys = opts?.maxKeys ?? 100_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError(`maxKeys must be a positive integer, got ${maxKeys}`);
    this.#maxKeys = maxKeys;
  }

  /**
   * A member's message in a group: returns what it crosses, if anything. `text` is compared after
   * the moderation normaliser (so "hi!!" and "ＨＩ" repeat).
   *
   * 'rate': more than maxMessages within perSeconds (a sliding window). 'repeat': the same text
   * (normalised, at least two characters) seen maxRepeats - 1 times before within repeatSeconds.
   * Either is reported once per its window; when one message crosses both, 'repeat' is returned and
   * both count as reported.
   */
  message(groupId: string, memberId: string, text: string, now: number, s: FloodSettings): FloodKind | null {
    if (s.action === 'off') return null;
    const m = this.#member(`${groupId}\u0000${memberId}`);
    const t = Math.max(now, m.last);
    m.last = t;

    // ---- rate ----
    const rateWindow = s.perSeconds * 1000;
    const times = m.times;
    let drop = 0;
    while (drop < times.length && times[drop]! <= t - rateWindow) drop++;
    times.push(t);
    if (times.length - drop > s.maxMessages + 1) drop = times.length - (s.maxMessages + 1);
    if (drop > 0) times.splice(0, drop);
    const rate = times.length > s.maxMessages && t - m.rateReportedAt >= rateWindow;

    // ---- repeat ----
    let repeat = false;
    // By hash: a collision needs two different texts from one member within minutes, 1 in 2³².
    const norm = normalFingerprint(text);
    if (norm.length >= MIN_REPEAT_LENGTH) {
      const repeatWindow = s.repeatSeconds * 1000;
      const h = norm.hash;
      const texts = m.texts;
      let first = 0;
      while (first < texts.length && texts[first + 1]! <= t - repeatWindow) first += 2;
      const cap = 2 * Math.min(MAX_HISTORY, Math.max(MIN_HISTORY, 4 * s.maxRepeats));
      if (texts.length - first + 2 > cap) first = texts.length + 2 - cap;
      if (first > 0) texts.splice(0, first);
      let seen = 0;
      for (let i = 0; i < texts.length; i += 2) if (texts[i] === h) seen++;
      texts.push(h, t);
      repeat = seen >= s.maxRepeats - 1 && t - m.repeatReportedAt >= repeatWindow;
    }

    if (repeat) {
      m.repeatReportedAt = t;
      if (rate) m.rateReportedAt = t;
      return 'repeat';
    }
    if (rate) {
      m.rateReportedAt = t;
      return 'rate';
    }
    return null;
  }

  /**
   * Group-wide velocity: true when this message makes the group exceed s.messagesPerMinute within the
   * last 60 s (counted in one-second slots), at most once per 60 s while it stays above.
   */
  groupMessage(groupId: string, now: number, s: RaidSettings): boolean {
    if (!s.enabled) return false;
    const g = this.#group(groupId);
    g.messages ??= new MinuteCounter();
    return g.messages.crossing(now, s.messagesPerMinute);
  }

  /** true when this join makes the group exceed s.joinsPerMinute within the last 60 s, at most once per 60 s while it stays above. */
  join(groupId: string, now: number, s: RaidSettings): boolean {
    if (!s.enabled) return false;
    const g = this.#group(groupId);
    g.joins ??= new MinuteCounter();
    return g.joins.crossing(now, s.joinsPerMinute);
  }

  /** Forget a member (e.g. after they were removed) */
  forget(groupId: string, memberId: string): void {
    this.#members.delete(`${groupId}\u0000${memberId}`);
  }

  #member(key: string): MemberState {
    let m = this.#members.get(key);
    if (m) this.#members.delete(key);
    else {
      m = { times: [], texts: [], last: -Infinity, rateReportedAt: -Infinity, repeatReportedAt: -Infinity };
      evictOne(this.#members, this.#maxKeys);
    }
    this.#members.set(key, m);
    return m;
  }

  #group(groupId: string): GroupState {
    let g = this.#groups.get(groupId);
    if (g) this.#groups.delete(groupId);
    else {
      g = { messages: null, joins: null };
      evictOne(this.#groups, this.#maxKeys);
    }
    this.#groups.set(groupId, g);
    return g;
  }
}

/** Makes room for one more key: drops the least recently used when the map is full. */
function evictOne(map: Map<string, unknown>, max: number): void {
  if (map.size < max) return;
  const oldest = map.keys().next();
  if (!oldest.done) map.delete(oldest.value);
}
