/**
 * Deterministic data for the moderation matcher benchmark (bench/moderation.ts) and its tests:
 * sensitive-word lists and chat messages, after the data of shared/research/dependency-bench.md §1
 * (the measurement the DESIGN.md §6 target quotes), plus disguised words so the normalisation is
 * exercised.
 *
 * - Words: ~70 % Chinese of 2–6 ideographs from a pool of 2,500 CJK characters, ~30 % English
 *   pseudo-words of 4–8 letters from 90 syllables. All distinct and already in normal form. The
 *   first 1,000 of the 20,000 are the 1,000-word list.
 * - Messages: 20–200 UTF-16 units of CJK runs, English words, full- and half-width punctuation,
 *   digits and emoji (ZWJ sequences, flags, skin tones, keycaps, variation selectors). Message
 *   filler draws on the same character pool as the words, so short words also occur by chance (the
 *   20,000-word list is dense: most messages hit something), as in the research.
 * - A share of messages gets a dictionary word written in; a share of those is disguised: upper
 *   case, full-width, traditional characters, or spaces, punctuation, zero-width characters or emoji
 *   inserted between its characters.
 */
import TSCharacters from 'opencc-js/dict/TSCharacters';
import { normalizeText } from '../../src/core/moderation/normalize.ts';
import { int, pick, rng, type Rand } from './data.ts';

/** 2,500 ideographs from U+4E00 on that are their own normal form (simplified, no compatibility form). */
export const CJK_POOL: readonly string[] = (() => {
  const out: string[] = [];
  for (let cp = 0x4e00; out.length < 2500; cp++) {
    const ch = String.fromCodePoint(cp);
    if (normalizeText(ch) === ch) out.push(ch);
  }
  return out;
})();

const SYLLABLES: readonly string[] = 'bcdfghjklmnprstvwyz'
  .split('')
  .filter((c) => c !== 'y')
  .flatMap((c) => 'aeiou'.split('').map((v) => c + v));

const FILLER_WORDS = (
  'the and for you are this that with have from they will what when your about there their would make like time just know ' +
  'take people into year good some them see other than then now look only come over think also back after use two how our ' +
  'work first well way even new want because any these give day most hello thanks please price group link free today ' +
  'order ship check photo video share update class course teacher online weekend morning coupon discount sale buy pay app'
).split(' ');

const PUNCT = ['，', '。', '！', '？', '、', '：', '；', ',', '.', '!', '?', '~', '…', '（', '）', '"', '【', '】', '@', '#', '-'];
const EMOJI = ['😀', '👍', '🎉', '🙏', '😂', '🔥', '❤️', '👨‍👩‍👧', '🌸', '✅', '👍🏻', '🇨🇳', '1️⃣', '💥', '🧧'];
/** For disguises: no keycaps (1️⃣ is a digit 1 with marks, so it stays in the normal form). */
const SEPARATOR_EMOJI = EMOJI.filter((e) => !/\d/.test(e));

/** Simplified → one traditional form (reverse of OpenCC's TSCharacters), to disguise words. */
const S2T: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const pair of TSCharacters.split('|')) {
    const [t, s] = pair.split(' ');
    if (t && s && !m.has(s)) m.set(s, t);
  }
  return m;
})();

function chineseWord(r: Rand): string {
  const len = int(r, 2, 6);
  let w = '';
  for (let i = 0; i < len; i++) w += pick(r, CJK_POOL);
  return w;
}

function englishWord(r: Rand): string {
  const target = int(r, 4, 8);
  let w = '';
  while (w.length < target) w += pick(r, SYLLABLES);
  return w.slice(0, target);
}

/** `count` distinct words in normal form; prefixes are stable (the first 1,000 of 20,000 are the 1,000-word list). */
export function moderationWords(count: number, seed = 20261124): string[] {
  const r = rng(seed);
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < count) {
    const w = r() < 0.7 ? chineseWord(r) : englishWord(r);
    if (seen.has(w) || normalizeText(w) !== w) continue;
    seen.add(w);
    out.push(w);
  }
  return out;
}

export type Disguise = 'none' | 'upper' | 'fullwidth' | 'traditional' | 'spaces' | 'punctuation' | 'zero-width' | 'emoji';
const DISGUISES: readonly Disguise[] = ['upper', 'fullwidth', 'traditional', 'spaces', 'punctuation', 'zero-width', 'emoji'];

const between = (w: string, sep: (i: number) => string) => [...w].map((ch, i) => (i === 0 ? ch : sep(i) + ch)).join('');

/** The word written in a disguise that the moderation normalisation undoes. */
export function disguise(r: Rand, w: string, how: Disguise): string {
  switch (how) {
    case 'none':
      return w;
    case 'upper':
      return /^[a-z]/.test(w) ? (r() < 0.5 ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1)) : between(w, () => ' ');
    case 'fullwidth':
      return [...w].map((ch) => (/[a-z0-9]/.test(ch) ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0).toUpperCase() : ch === ' ' ? '\u3000' : ch)).join('');
    case 'traditional': {
      const t = [...w].map((ch) => S2T.get(ch) ?? ch).join('');
      return t !== w ? t : between(w, () => '.');
    }
    case 'spaces':
      return between(w, () => (r() < 0.5 ? ' ' : '\u3000'));
    case 'punctuation':
      return between(w, () => pick(r, ['.', '-', '*', '·', '_', '/', '。']));
    case 'zero-width':
      return between(w, () => pick(r, ['\u200b', '\u200c', '\u200d', '\ufeff', '\ufe0f', '\u2060']));
    case 'emoji':
      return between(w, () => pick(r, SEPARATOR_EMOJI));
  }
}

const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

function filler(r: Rand, target: number): string {
  let s = '';
  while (s.length < target) {
    const x = r();
    if (x < 0.5) {
      const n = int(r, 2, 10);
      for (let i = 0; i < n; i++) s += pick(r, CJK_POOL);
    } else if (x < 0.72) {
      const w = r() < 0.8 ? pick(r, FILLER_WORDS) : englishWord(r);
      s += `${s.length > 0 && !s.endsWith(' ') ? ' ' : ''}${r() < 0.15 ? w[0]!.toUpperCase() + w.slice(1) : w} `;
    } else if (x < 0.87) s += pick(r, PUNCT);
    else if (x < 0.93) s += String(int(r, 1, 99999));
    else s += pick(r, EMOJI);
  }
  // Exactly `target` units, never half a surrogate pair.
  return isLow(s.charCodeAt(target)) ? s.slice(0, target - 1) : s.slice(0, target);
}

export interface ModerationMessage {
  text: string;
  /** The word written in on purpose (normal form) and how, or null. */
  injected: { word: string; disguise: Disguise } | null;
}

/**
 * `count` messages of 20–200 UTF-16 units (before a written-in word, which replaces part of the
 * filler and may be longer in disguise). The filler and the choice of messages depend only on the
 * seed; the written-in words come from `words`, so two word lists share their filler.
 */
export function moderationMessages(count: number, o: { words: readonly string[]; injectRate: number; disguiseRate: number; seed?: number }): ModerationMessage[] {
  const base = rng(o.seed ?? 4242);
  const inj = rng((o.seed ?? 4242) + 1);
  const out: ModerationMessage[] = [];
  for (let i = 0; i < count; i++) {
    let text = filler(base, int(base, 20, 200));
    let injected: ModerationMessage['injected'] = null;
    if (base() < o.injectRate && o.words.length > 0) {
      const word = pick(inj, o.words);
      const how = inj() < o.disguiseRate ? pick(inj, DISGUISES) : 'none';
      const written = disguise(inj, word, how);
      let pos = int(inj, 0, Math.max(0, text.length - word.length));
      if (isLow(text.charCodeAt(pos))) pos--;
      let end = Math.min(text.length, pos + word.length);
      if (isLow(text.charCodeAt(end))) end++;
      text = text.slice(0, pos) + written + text.slice(end);
      injected = { word, disguise: how };
    }
    out.push({ text, injected });
  }
  return out;
}
