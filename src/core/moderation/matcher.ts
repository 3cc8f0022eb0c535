/**
 * The moderation word matcher (ADR 0007): every word of every word list in one Aho–Corasick
 * automaton over normalised text, with the normalisation (normalize.ts) fused into the scan.
 *
 * - The automaton is a double array (base/check over Int32Arrays) over a compact alphabet: each
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

/** Fused-table values above the classes. */
const C_IGNORE = 0xffff;
const C_SLOW = 0xfffe;
const MAX_CLASSES = 0xfffd;
const FREE = -1;

/**
 * The automaton lives in one Int32Array, four fields per double-array position p at 4p: base, check
 * (the parent's index), fail (the failure state's index) and out (start of the output list), so a
 * transition touches one cache line. A state is named by its index 4p; the root is 0.
 */
const BASE = 0;
const CHECK = 1;
const FAIL = 2;
const OUT = 3;

/** One automaton transition on class c (> 0) from state s, following failure links. */
function step(da: Int32Array, s: number, c: number): number {
  for (;;) {
    const t = (da[s + BASE]! + c) << 2;
    if (da[t + CHECK] === s) return t;
    if (s === 0) return 0;
    s = da[s + FAIL]!;
  }
}

export class ModerationMatcher<E extends WordEntry = WordEntry> {
  /** Message code unit → class of its fold (0: in no word), C_IGNORE or C_SLOW. */
  readonly #fused: Uint16Array;
  /** Normalised code unit → class (for the slow path). */
  readonly #cls: Uint16Array;
  /** base, check, fail, out per position (see BASE…OUT); out is the start of the state's output list in #outList (0: none; lists end with -1). */
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

    // ---- alphabet: classes by descending frequency (frequent units get small classes) ----
    const freq = new Map<number, number>();
    let maxLen = 1;
    for (const w of words) {
      if (w.length > maxLen) maxLen = w.length;
      for (let i = 0; i < w.length; i++) {
        const u = w.charCodeAt(i);
        freq.set(u, (freq.get(u) ?? 0) + 1);
      }
    }
    const units = [...freq.keys()].sort((a, b) => freq.get(b)! - freq.get(a)! || a - b);
    if (units.length > MAX_CLASSES) throw new Error(`too many distinct characters in the word lists (${units.length})`);
    const K = units.length;
    const cls = new Uint16Array(0x10000);
    units.forEach((u, i) => (cls[u] = i + 1));
    this.#cls = cls;
    const fused = new Uint16Array(0x10000);
    for (let u = 0; u < 0x10000; u++) {
      const f = BMP_FOLD[u]!;
      fused[u] = f === IGNORED ? C_IGNORE : f === SLOW ? C_SLOW : cls[f]!;
    }
    this.#fused = fused;

    // ---- trie (node 0 is the root) ----
    const edges = new Map<number, number>(); // node * 65536 + class → node
    const children: number[][] = [[]];
    const own: number[] = [-1]; // word ending at the node
    for (let wi = 0; wi < words.length; wi++) {
      const w = words[wi]!;
      let node = 0;
      for (let i = 0; i < w.length; i++) {
        const c = cls[w.charCodeAt(i)]!;
        const key = node * 0x10000 + c;
        let next = edges.get(key);
        if (next === undefined) {
          next = children.length;
          edges.set(key, next);
          children.push([]);
          own.push(-1);
          children[node]!.push(c);
        }
        node = next;
      }
      own[node] = wi;
    }
    const nodeCount = children.length;
    this.#states = nodeCount;

    // ---- failure links and flattened outputs, in breadth-first order ----
    const order = new Int32Array(nodeCount);
    const failNode = new Int32Array(nodeCount);
    const outStart = new Int32Array(nodeCount); // into outList, 0: none
    const outList: number[] = [-1]; // index 0 is the empty list
    let head = 0;
    let tail = 1; // order[0] = root
    while (head < tail) {
      const node = order[head++]!;
      const f = failNode[node]!;
      if (own[node]! >= 0) {
        outStart[node] = outList.length;
        outList.push(own[node]!);
        for (let k = outStart[f]!; k !== 0 && outList[k] !== -1; k++) outList.push(outList[k]!);
        outList.push(-1);
      } else {
        outStart[node] = node === 0 ? 0 : outStart[f]!;
      }
      for (const c of children[node]!) {
        const child = edges.get(node * 0x10000 + c)!;
        if (node !== 0) {
          let g = f;
          for (;;) {
            const t = edges.get(g * 0x10000 + c);
            if (t !== undefined) {
              failNode[child] = t;
              break;
            }
            if (g === 0) break; // failNode[child] stays 0
            g = failNode[g]!;
          }
        }
        order[tail++] = child;
      }
    }

    // ---- double array: positions 1…K stay free, so a leaf's base 0 never matches ----
    let size = Math.max(1024, 2 * (K + nodeCount + 1));
    let base = new Int32Array(size);
    let check = new Int32Array(size).fill(FREE);
    const pos = new Int32Array(nodeCount);
    check[0] = -2; // the root
    let firstFree = K + 1;
    let top = 0; // highest position used
    const ensure = (need: number) => {
      if (need < size) return;
      let s2 = size;
      while (s2 <= need) s2 *= 2;
      const b2 = new Int32Array(s2);
      b2.set(base);
      const c2 = new Int32Array(s2).fill(FREE);
      c2.set(check);
      base = b2;
      check = c2;
      size = s2;
    };
    for (let oi = 0; oi < nodeCount; oi++) {
      const node = order[oi]!;
      const cs = children[node]!;
      if (cs.length === 0) continue; // base 0
      cs.sort((a, b) => a - b);
      const c0 = cs[0]!;
      const last = cs[cs.length - 1]!;
      while (firstFree < size && check[firstFree] !== FREE) firstFree++;
      let f = firstFree;
      for (;;) {
        ensure(f - c0 + last + 1);
        if (check[f] === FREE) {
          const b = f - c0;
          let ok = true;
          for (let k = 1; k < cs.length; k++) {
            if (check[b + cs[k]!] !== FREE) {
              ok = false;
              break;
            }
          }
          if (ok) break;
        }
        f++;
      }
      const b = f - c0;
      const p = pos[node]!;
      base[p] = b;
      for (const c of cs) {
        const q = b + c;
        check[q] = p;
        pos[edges.get(node * 0x10000 + c)!] = q;
        if (q > top) top = q;
      }
    }
    // Lookups reach base + K at most; leave room for them beyond the last position.
    const length = top + K + 2;
    ensure(length);
    const da = new Int32Array(4 * length);
    for (let p = 0; p < length; p++) {
      da[4 * p + BASE] = base[p]!;
      da[4 * p + CHECK] = check[p]! < 0 ? -1 : 4 * check[p]!;
    }
    da[CHECK] = -2; // the root's own slot: never a child
    for (let node = 1; node < nodeCount; node++) {
      da[4 * pos[node]! + FAIL] = 4 * pos[failNode[node]!]!;
      da[4 * pos[node]! + OUT] = outStart[node]!;
    }
    this.#da = da;
    this.#outList = Int32Array.from(outList);

    let ring = 2;
    while (ring <= maxLen) ring *= 2;
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
