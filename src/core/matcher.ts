import { buildAutomaton, OUT, step, type Automaton } from './automaton.ts';

/**
 * Keyword matching for automation rules. All "contains" keywords of a rule set go into one
 * double-array Aho–Corasick automaton (ADR 0004; the one the moderation matcher uses,
 * automaton.ts), so the cost of a message does not grow with the number of rules; "exact" keywords
 * are a hash lookup.
 *
 * Both sides go through the same normalisation: NFKC (full-width → half-width, compatibility
 * forms), lower case, and zero-width / format characters removed, so ＺＩＬＩＡＯ, Ziliao and
 * zi\u200bliao all match "ziliao".
 */
const FORMAT_CHARS = /\p{Cf}/gu;

export function normalizeKeywordText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(FORMAT_CHARS, '').trim();
}

export type KeywordMode = 'contains' | 'exact';

export interface KeywordEntry<T> {
  keyword: string;
  mode: KeywordMode;
  value: T;
}

export interface KeywordHit<T> {
  value: T;
  keyword: string;
  /** Offset of the first occurrence in the normalised text (0 for exact matches). */
  position: number;
}

export class KeywordMatcher<T> {
  readonly #automaton: Automaton | null;
  /** The "contains" keywords (normalised), indexed as the automaton reports them, with their values and lengths. */
  readonly #words: string[];
  readonly #values: T[][];
  readonly #lengths: Int32Array;
  readonly #exact = new Map<string, T[]>();

  constructor(entries: Iterable<KeywordEntry<T>>) {
    const contains = new Map<string, T[]>();
    for (const e of entries) {
      const key = normalizeKeywordText(e.keyword);
      if (key === '') continue;
      const table = e.mode === 'exact' ? this.#exact : contains;
      const list = table.get(key);
      if (list) list.push(e.value);
      else table.set(key, [e.value]);
    }
    this.#words = [...contains.keys()];
    this.#values = [...contains.values()];
    this.#lengths = Int32Array.from(this.#words, (w) => w.length);
    this.#automaton = this.#words.length > 0 ? buildAutomaton(this.#words) : null;
  }

  get size(): number {
    return this.#words.length + this.#exact.size;
  }

  /** Every entry whose keyword occurs in the text, each value once, ordered by where it first occurs. */
  match(text: string): KeywordHit<T>[] {
    return this.matchNormalized(normalizeKeywordText(text));
  }

  /** `match` of a text already normalised with normalizeKeywordText (to normalise once for several matchers). */
  matchNormalized(normalized: string): KeywordHit<T>[] {
    const hits = new Map<T, KeywordHit<T>>();
    for (const value of this.#exact.get(normalized) ?? []) hits.set(value, { value, keyword: normalized, position: 0 });
    const a = this.#automaton;
    if (a) {
      const { cls, da, outList } = a;
      let s = 0;
      for (let i = 0; i < normalized.length; i++) {
        const c = cls[normalized.charCodeAt(i)]!;
        if (c === 0) {
          s = 0;
          continue;
        }
        s = step(da, s, c);
        // The automaton reports keywords by where they end; a value keeps its earliest start.
        for (let k = da[s + OUT]!; k !== 0 && outList[k] !== -1; k++) {
          const w = outList[k]!;
          const begin = i + 1 - this.#lengths[w]!;
          for (const value of this.#values[w]!) {
            const seen = hits.get(value);
            if (!seen || begin < seen.position) hits.set(value, { value, keyword: this.#words[w]!, position: begin });
          }
        }
      }
    }
    return hits.size === 0 ? [] : [...hits.values()].sort((x, y) => x.position - y.position);
  }
}
