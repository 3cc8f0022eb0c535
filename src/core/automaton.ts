/**
 * A double-array Aho–Corasick automaton over a compact alphabet (ADR 0007), shared by the
 * moderation word matcher (moderation/matcher.ts, which folds the message into the alphabet as it
 * scans) and the keyword matcher of the rules (matcher.ts, which scans text it normalised first).
 *
 * - Each UTF-16 unit that occurs in some word gets a class 1…K (by frequency, so frequent units get
 *   small classes and the double array stays dense); every other unit is class 0, where a scan
 *   goes back to the root.
 * - The automaton lives in one Int32Array, four fields per double-array position p at 4p: base,
 *   check (the parent's index), fail (the failure state's index) and out (start of the state's
 *   output list), so a transition touches one cache line. A state is named by its index 4p; the
 *   root is 0.
 * - Each state's output list holds the word ending there and those of its dictionary-suffix states
 *   (flattened when built, longer words first), so a scan reports every occurrence, overlapping
 *   and nested ones included.
 */

export const BASE = 0;
export const CHECK = 1;
export const FAIL = 2;
export const OUT = 3;

/** The most classes a build gives out; the moderation matcher keeps the values above for its own marks. */
const MAX_CLASSES = 0xfffd;
const FREE = -1;

export interface Automaton {
  /** UTF-16 unit → class 1…K; 0 for a unit in no word. */
  readonly cls: Uint16Array;
  /** K, the number of classes. */
  readonly classes: number;
  /** base, check, fail, out per position (see BASE…OUT). */
  readonly da: Int32Array;
  /** The output lists: word indexes, each list ended by -1; a state's out is the start of its list (0: none). */
  readonly outList: Int32Array;
  /** Trie nodes, root included. */
  readonly states: number;
  /** The longest word, in UTF-16 units (at least 1). */
  readonly maxLength: number;
}

/** One transition on class c (> 0) from state s, following failure links. */
export function step(da: Int32Array, s: number, c: number): number {
  for (;;) {
    const t = (da[s + BASE]! + c) << 2;
    if (da[t + CHECK] === s) return t;
    if (s === 0) return 0;
    s = da[s + FAIL]!;
  }
}

/** The automaton over `words` (distinct, none empty); word i is reported as i. */
export function buildAutomaton(words: readonly string[]): Automaton {
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
  if (units.length > MAX_CLASSES) throw new Error(`too many distinct characters in the words (${units.length})`);
  const K = units.length;
  const cls = new Uint16Array(0x10000);
  units.forEach((u, i) => (cls[u] = i + 1));

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
  return { cls, classes: K, da, outList: Int32Array.from(outList), states: nodeCount, maxLength: maxLen };
}
