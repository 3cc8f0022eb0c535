/**
 * What the inbound pipeline benchmark (bench/pipeline.ts) adds to the keyword corpus of data.ts: a
 * sensitive-word list, and the words and ads that members write into a share of the messages.
 *
 * The list is built so that only the messages a word was written into hit it. The previous
 * synthetic list (moderation-data.ts, made for the matcher benchmark) draws its words from the same
 * characters as the messages, so its many two-character words occur by chance and about a quarter
 * of all messages hit something: every message would go through enforcement, which is not what a
 * group sees. Here:
 * - Chinese words (2–5 ideographs, ~55 %) are mostly made of the message filler's own characters,
 *   so the automaton does walk partial matches through ordinary text, but each has one ideograph
 *   from a block that neither the filler nor the keywords use (nor fold into: traditional forms in
 *   the filler are mapped to simplified ones by the moderation normalisation);
 * - mixed words (~25 %, 加v看片 / vx号 style) pair a short Latin part with ideographs, one of them
 *   from that block;
 * - English pseudo-words (~20 %, 5–8 letters) have two letters of q, x, z, j, which the filler
 *   never has and a keyword (one such letter) cannot supply.
 */
import { normalizeText } from '../../src/core/moderation/normalize.ts';
import { adText } from './ads-data.ts';
import { FILLER_CJK, int, KEYWORD_CJK, pick, RARE_SYLLABLES, rng, SYLLABLES, type MessageSpec, type Rand } from './data.ts';
import { disguise, type Disguise } from './moderation-data.ts';

export type WordAction = 'block' | 'warn' | 'alert';

export interface SensitiveWord {
  word: string;
  action: WordAction;
}

/** Filler ideographs that are their own normal form (a word must be, to be listed as written). */
const PLAIN_FILLER = FILLER_CJK.filter((ch) => normalizeText(ch) === ch);

/**
 * Ideographs for sensitive words only: U+5800 on, in normal form, and not the normal form of any
 * filler or keyword character, so ordinary messages cannot produce them even after folding.
 */
const RESERVED_CJK: readonly string[] = (() => {
  const reachable = new Set([...FILLER_CJK, ...KEYWORD_CJK].map(normalizeText));
  const out: string[] = [];
  for (let cp = 0x5800; out.length < 1500; cp++) {
    const ch = String.fromCodePoint(cp);
    if (normalizeText(ch) === ch && !reachable.has(ch)) out.push(ch);
  }
  return out;
})();

const LATIN_PARTS = ['v', 'vx', 'wx', 'qq', 'tg', 'q', 'wei', 'app', 'vip', '18', '520', 'ok'];

function chinese(r: Rand): string {
  const len = int(r, 2, 5);
  const reserved = int(r, 0, len - 1);
  let w = '';
  for (let i = 0; i < len; i++) w += i === reserved ? pick(r, RESERVED_CJK) : pick(r, PLAIN_FILLER);
  return w;
}

function mixed(r: Rand): string {
  const cjk = int(r, 1, 3);
  const reserved = int(r, 0, cjk - 1);
  let han = '';
  for (let i = 0; i < cjk; i++) han += i === reserved ? pick(r, RESERVED_CJK) : pick(r, PLAIN_FILLER);
  const latin = pick(r, LATIN_PARTS);
  return r() < 0.5 ? latin + han : han + latin;
}

function english(r: Rand): string {
  const target = int(r, 5, 8);
  const parts = [pick(r, RARE_SYLLABLES), pick(r, RARE_SYLLABLES)];
  let len = 4;
  while (len < target) {
    parts.splice(int(r, 0, parts.length), 0, pick(r, SYLLABLES));
    len += 2;
  }
  return parts.join('').slice(0, target);
}

/** `count` distinct words in normal form with their actions (block 60 %, warn 25 %, alert 15 %, as lists tend to be). */
export function sensitiveWords(count: number, seed = 20261125): SensitiveWord[] {
  const r = rng(seed);
  const seen = new Set<string>();
  const out: SensitiveWord[] = [];
  while (out.length < count) {
    const x = r();
    const word = x < 0.55 ? chinese(r) : x < 0.8 ? mixed(r) : english(r);
    if (seen.has(word) || normalizeText(word) !== word) continue;
    seen.add(word);
    const a = r();
    out.push({ word, action: a < 0.6 ? 'block' : a < 0.85 ? 'warn' : 'alert' });
  }
  return out;
}

export interface PlantedMessage extends MessageSpec {
  /** The sensitive word written in (normal form) and its disguise, if any. */
  word: { word: string; disguise: Disguise } | null;
  /** An ad written in (a link, an invite link, a phone number, a WeChat or QQ id after a cue). */
  ad: boolean;
}

const DISGUISES: readonly Disguise[] = ['upper', 'fullwidth', 'traditional', 'spaces', 'punctuation', 'zero-width', 'emoji'];

/**
 * The corpus with a sensitive word written into `wordRate` of the messages (`disguiseRate` of those
 * disguised as members do: spaces, punctuation, emoji or zero-width characters between the
 * characters, full-width or upper case, traditional characters) and an ad into `adRate`. Both are
 * put at the start or the end of the message, so a keyword written in before stays whole. Which
 * messages get them depends only on the seed, so the moderation outcome is the same at every rule
 * count.
 */
export function plant(corpus: readonly MessageSpec[], o: { words: readonly SensitiveWord[]; wordRate: number; disguiseRate: number; adRate: number; seed?: number }): PlantedMessage[] {
  const r = rng(o.seed ?? 99);
  return corpus.map((m) => {
    let text = m.text;
    let word: PlantedMessage['word'] = null;
    const put = (s: string) => (text = r() < 0.5 ? `${s} ${text}` : `${text} ${s}`);
    if (r() < o.wordRate) {
      const w = pick(r, o.words).word;
      const how = r() < o.disguiseRate ? pick(r, DISGUISES) : 'none';
      put(disguise(r, w, how));
      word = { word: w, disguise: how };
    }
    const ad = r() < o.adRate;
    if (ad) put(adText(r));
    return { ...m, text, word, ad };
  });
}
