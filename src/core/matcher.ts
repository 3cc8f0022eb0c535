import { AhoCorasick } from '@monyone/aho-corasick/fast';

/**
 * Keyword matching for automation rules. All "contains" keywords of a rule set go into one
 * double-array Aho–Corasick automaton (ADR 0004), so the cost of a message does not grow with the
 * number of rules; "exact" keywords are a hash lookup.
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
  readonly #automaton: AhoCorasick | null;
  readonly #contains = new Map<string, T[]>();
  readonly #exact = new Map<string, T[]>();

  constructor(entries: Iterable<KeywordEntry<T>>) {
    for (const e of entries) {
      const key = normalizeKeywordText(e.keyword);
      if (key === '') continue;
      const table = e.mode === 'exact' ? this.#exact : this.#contains;
      const list = table.get(key);
      if (list) list.push(e.value);
      else table.set(key, [e.value]);
    }
    this.#automaton = this.#contains.size > 0 ? new AhoCorasick([...this.#contains.keys()]) : null;
  }

  get size(): number {
    return this.#contains.size + this.#exact.size;
  }

  /** Every entry whose keyword occurs in the text, each value once, ordered by where it first occurs. */
  match(text: string): KeywordHit<T>[] {
    const normalized = normalizeKeywordText(text);
    const hits = new Map<T, KeywordHit<T>>();
    for (const value of this.#exact.get(normalized) ?? []) hits.set(value, { value, keyword: normalized, position: 0 });
    if (this.#automaton) {
      // The automaton reports matches by where they end; a value keeps its earliest start.
      for (const m of this.#automaton.matchInText(normalized)) {
        for (const value of this.#contains.get(m.keyword) ?? []) {
          const seen = hits.get(value);
          if (!seen || m.begin < seen.position) hits.set(value, { value, keyword: m.keyword, position: m.begin });
        }
      }
    }
    return [...hits.values()].sort((a, b) => a.position - b.position);
  }
}
