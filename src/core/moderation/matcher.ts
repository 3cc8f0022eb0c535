/**
 * The moderation word matcher (ADR 0007): every word of every word list in one Aho–Corasick
 * automaton over normalised text, with the normalisation (normalize.ts) fused into the scan.
 *
 * - The automaton (../automaton.ts, shared with the keyword matcher) is a double array over a compact alphabet: each
 *   UTF-16 unit that occurs in some normalised word gets a class 1…K (by frequency), every other
 *   unit is class 0 and sends the automaton back to its root.
 * - One Uint16Array of 65,536 entries, built per matcher from the module's BMP fold table, maps a
 *   code unit of the message straight to the class of its normal form, or says "ignore it"
 *   (spaces, punctuation, emoji, zero-width…) or "slow path" (a surrogate pair, or one of the few
 *   BMP characters whose fold is several units). So most characters cost one table lookup and one
 *   or two double-array probes, and no normalised string is ever built.
 * - Failure links are followed at scan time; each state's outputs include those of its
 *   dictionary-suffix states (flattened when the automaton is built), so every occurrence is
 *   reported, overlapping ones and words that end inside a longer partial match included
 *   ([微信号码, 信号] in 加我微信号 reports 信号).
 * - A ring buffer of the original offsets of the last normalised units gives each hit its span in
 *   the original message, including what was inserted between the characters (微 💥 信).
 *
 * Build once per word-list version (about as long as @monyone/aho-corasick/fast's build; measured
 * in bench/moderation.ts) and reuse; `match` allocates only the hits it returns.
 */
import { buildAutomaton, OUT, step } from '../automaton.ts';
import { BMP_FOLD, foldCodePoint, IGNORED, normalizeText, SLOW } from './normalize.ts';

export type ModerationAction = 'block' | 'warn' | 'alert';

export interface WordEntry {
  word: string;
  action: ModerationAction;
  listId: string;
}

export interface ModerationHit<E extends WordEntry = WordEntry> {
  /** The entry as it was given (a word in two lists gives two hits, one per entry). */
  entry: E;
  /** The entry's word in normal form (what was matched). */
  word: string;
  /** The span of the original text, UTF-16 offsets [start, end): `text.slice(start, end)` shows the evasive spelling. */
  start: number;
  end: number;
  /** The span in the normalised text (normalize(text).text), [normStart, normEnd). */
  normStart: number;
  normEnd: number;
}

/** Fused-table values above the classes (automaton.ts gives out at most MAX_CLASSES). */
const C_IGNORE = 0xffff;
const C_SLOW = 0xfffe;

export class ModerationMatcher<E extends WordEntry = WordEntry> {
  /** Message code unit → class of its fold (0: in no word), C_IGNORE or C_SLOW. */
  readonly #fused: Uint16Array;
  /** Normalised code unit → class (for the slow path). */
  readonly #cls: Uint16Array;
  /** base, check, fail, out per position (automaton.ts); out is the start of the state's output list in #outList (0: none; lists end with -1). */
  readonly #da: Int32Array;
  readonly #outList: Int32Array;
  readonly #words: string[];
  readonly #wordLen: Int32Array;
  readonly #entries: E[][];
  readonly #ring: Int32Array;
  readonly #ringMask: number;
  readonly #states: number;

  constructor(entries: Iterable<E>) {
    // ---- words in normal form; an entry whose word normalises to nothing is ignored ----
    const byWord = new Map<string, E[]>();
    for (const e of entries) {
      const w = normalizeText(e.word);
      if (w === '') continue;
      const list = byWord.get(w);
      if (list) list.push(e);
      else byWord.set(w, [e]);
    }
    const words = [...byWord.keys()];
    this.#words = words;
    this.#entries = [...byWord.values()];
    this.#wordLen = Int32Array.from(words, (w) => w.length);

    const a = buildAutomaton(words);
    this.#cls = a.cls;
    const fused = new Uint16Array(0x10000);
    for (let u = 0; u < 0x10000; u++) {
      const f = BMP_FOLD[u]!;
      fused[u] = f === IGNORED ? C_IGNORE : f === SLOW ? C_SLOW : a.cls[f]!;
    }
    this.#fused = fused;
    this.#states = a.states;
    this.#da = a.da;
    this.#outList = a.outList;

    let ring = 2;
    while (ring <= a.maxLength) ring *= 2;
    this.#ring = new Int32Array(ring);
    this.#ringMask = ring - 1;
  }

  /** Distinct words (in normal form). */
  get size(): number {
    return this.#words.length;
  }

  /** Automaton states (trie nodes, root included). */
  get states(): number {
    return this.#states;
  }

  /** Memory held by the automaton's arrays, in bytes. */
  get tableBytes(): number {
    return this.#fused.byteLength + this.#cls.byteLength + this.#da.byteLength + this.#outList.byteLength;
  }

  /** Every occurrence of every word in the text, ordered by where it ends (then longer first). */
  match(text: string): ModerationHit<E>[] {
    const hits: ModerationHit<E>[] = [];
    const fused = this.#fused;
    const da = this.#da;
    const ring = this.#ring;
    const mask = this.#ringMask;
    const len = text.length;
    let s = 0;
    let n = 0; // normalised units so far
    for (let i = 0; i < len; i++) {
      const c = fused[text.charCodeAt(i)]!;
      if (c >= C_SLOW) {
        if (c === C_IGNORE) continue;
        // Slow path: a surrogate pair, a lone surrogate, or a BMP character that folds to several units.
        const from = i;
        let cp = text.charCodeAt(i);
        if (cp <= 0xdbff && i + 1 < len) {
          const lo = text.charCodeAt(i + 1);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
            i++;
          }
        }
        const f = foldCodePoint(cp);
        for (let k = 0; k < f.length; k++) {
          const cc = this.#cls[f.charCodeAt(k)]!;
          ring[n & mask] = from;
          n++;
          s = cc === 0 ? 0 : step(da, s, cc);
          const o = da[s + OUT]!;
          if (o !== 0) this.#report(hits, o, n, i + 1);
        }
        continue;
      }
      ring[n & mask] = i;
      n++;
      if (c === 0) {
        s = 0;
        continue;
      }
      s = step(da, s, c);
      const o = da[s + OUT]!;
      if (o !== 0) this.#report(hits, o, n, i + 1);
    }
    return hits;
  }

  #report(hits: ModerationHit<E>[], o: number, n: number, end: number): void {
    const outList = this.#outList;
    for (let k = o; ; k++) {
      const w = outList[k]!;
      if (w === -1) return;
      const normStart = n - this.#wordLen[w]!;
      const start = this.#ring[normStart & this.#ringMask]!;
      const word = this.#words[w]!;
      for (const entry of this.#entries[w]!) hits.push({ entry, word, start, end, normStart, normEnd: n });
    }
  }
}
