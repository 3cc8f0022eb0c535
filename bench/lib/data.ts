/**
 * Deterministic benchmark data: keywords for automation rules and chat messages in mixed Chinese
 * and English. The same seed gives the same data on every machine and every run.
 *
 * Keyword hits are controlled, so that the share of messages that fire a rule stays at the chosen
 * rate whatever the number of rules:
 * - Chinese keywords (2–4 ideographs) always contain at least one ideograph from a reserved block
 *   that message filler never uses;
 * - English keywords (4–8 letters, built from syllables) always contain one of q, x, z, j, and the
 *   filler vocabulary has none of those letters.
 * So a message contains a keyword only where one was put in on purpose (or, rarely, where a put-in
 * keyword and its neighbours form another one); the benchmarks count the real hits and report them.
 */

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

// ---- alphabets ----------------------------------------------------------------------------------

/** Message filler ideographs: U+4E00…U+55FF (2,048 common-block characters). */
export const FILLER_CJK: readonly string[] = Array.from({ length: 0x800 }, (_, i) => String.fromCodePoint(0x4e00 + i));
/** Ideographs reserved for keywords: U+5600…U+57FF (512 characters). */
export const KEYWORD_CJK: readonly string[] = Array.from({ length: 0x200 }, (_, i) => String.fromCodePoint(0x5600 + i));

/** Everyday English without q, x, z or j. */
const FILLER_WORDS = (
  'the and for you are this that with have from they will what when your about there their would make ' +
  'like time just know take people into year good some them see other than then now look only come its over ' +
  'think also back after use two how our work first well way even new want because any these give day most ' +
  'hello thanks please price group link free today tomorrow order ship check photo video share update class ' +
  'course teacher student homework lesson meeting online offline weekend morning evening member admin bot ' +
  'coupon discount sale buy sell cost pay money bank card app phone email web site page post read write ' +
  'open close start stop help ask answer yes no maybe okay sure great nice cool love happy sorry wait soon ' +
  'later again here where who why which while still never always often sometimes every each all both'
)
  .split(' ')
  .filter((w) => !/[qxzj]/.test(w));

export const SYLLABLES = 'ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu wa we wi da de di do du ga go gu pa pe pi po'.split(' ');
export const RARE_SYLLABLES = 'qa qi qu xa xe xi xo za ze zi zo zu ja je ji jo ju'.split(' ');

const PUNCT = ['，', '。', '！', '？', '、', '：', ',', '.', '!', '?', '~', '…', '（', '）', '"'];
const EMOJI = ['😀', '👍', '🎉', '🙏', '😂', '🔥', '❤️', '👨‍👩‍👧', '🌸', '✅'];
const NAME_CJK = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红'.split('');
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'.split('');
const EN_NAMES = ['Amy', 'Ben', 'Cathy', 'David', 'Emma', 'Frank', 'Grace', 'Henry', 'Ivy', 'Kevin', 'Lily', 'Mike', 'Nancy', 'Oscar', 'Peter', 'Rose', 'Sam', 'Tina', 'Vivian', 'Will'];

// ---- keywords and rules -------------------------------------------------------------------------

function cjkKeyword(r: Rand): string {
  const len = int(r, 2, 4);
  const reserved = int(r, 0, len - 1);
  let w = '';
  for (let i = 0; i < len; i++) w += i === reserved || r() < 0.3 ? pick(r, KEYWORD_CJK) : pick(r, FILLER_CJK);
  return w;
}

function englishKeyword(r: Rand): string {
  const target = int(r, 4, 8);
  const parts: string[] = [pick(r, RARE_SYLLABLES)];
  let len = 2;
  while (len < target) {
    const s = pick(r, SYLLABLES);
    parts.splice(int(r, 0, parts.length), 0, s);
    len += 2;
  }
  return parts.join('').slice(0, target);
}

export interface KeywordRuleSpec {
  /** 1–3 distinct keywords, already lower case. */
  keywords: string[];
  /** null: workspace-wide. 'group': the benchmark group's own rule (about 1 in 10). */
  scope: 'workspace' | 'group';
  priority: number;
  reply: string;
}

const REPLIES = ['{nickname} 你好，资料在群公告里', 'Hi {nickname}, the link is pinned in {group}', '请看群规：{rules}', '收到，稍后私信你', '{nickname} 价格表已发，请查收'];

/**
 * `count` keyword-reply rule specs. Prefixes are stable: the first 10 of 10,000 are the 10-rule set,
 * so every rule count shares its data with the smaller ones. Keywords are unique across all rules.
 */
export function keywordRules(count: number, seed = 20261123): KeywordRuleSpec[] {
  const r = rng(seed);
  const used = new Set<string>();
  const out: KeywordRuleSpec[] = [];
  for (let i = 0; i < count; i++) {
    const n = int(r, 1, 3);
    const keywords: string[] = [];
    while (keywords.length < n) {
      const k = r() < 0.6 ? cjkKeyword(r) : englishKeyword(r);
      if (used.has(k)) continue;
      used.add(k);
      keywords.push(k);
    }
    out.push({ keywords, scope: r() < 0.1 ? 'group' : 'workspace', priority: int(r, 0, 5), reply: pick(r, REPLIES) });
  }
  return out;
}

// ---- people -------------------------------------------------------------------------------------

export interface MemberSpec {
  platformUserId: string;
  nickname: string;
}

export function members(count: number, seed = 7): MemberSpec[] {
  const r = rng(seed);
  return Array.from({ length: count }, (_, i) => ({
    platformUserId: `wc_${(i + 1).toString(36).padStart(6, '0')}`,
    nickname: r() < 0.7 ? pick(r, SURNAMES) + pick(r, NAME_CJK) + (r() < 0.5 ? pick(r, NAME_CJK) : '') : `${pick(r, EN_NAMES)}${int(r, 1, 99)}`,
  }));
}

// ---- messages -----------------------------------------------------------------------------------

export interface MessageSpec {
  text: string;
  /** Index into the member list. */
  sender: number;
  /** Whether a keyword was put into this message on purpose. */
  injected: boolean;
}

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Cuts at exactly `len` UTF-16 units; a surrogate pair that would be split becomes an ideograph. */
function cut(r: Rand, s: string, len: number): string {
  if (s.length <= len) return s;
  return isLowSurrogate(s.charCodeAt(len)) ? s.slice(0, len - 1) + pick(r, FILLER_CJK) : s.slice(0, len);
}

function filler(r: Rand, target: number): string {
  let s = '';
  while (s.length < target) {
    const x = r();
    if (x < 0.5) {
      const n = int(r, 2, 10);
      for (let i = 0; i < n; i++) s += pick(r, FILLER_CJK);
    } else if (x < 0.72) {
      const w = pick(r, FILLER_WORDS);
      s += (s.length > 0 && s[s.length - 1] !== ' ' ? ' ' : '') + (r() < 0.15 ? w[0]!.toUpperCase() + w.slice(1) : w) + ' ';
    } else if (x < 0.87) {
      s += pick(r, PUNCT);
    } else if (x < 0.93) {
      s += String(int(r, 1, 99999));
    } else {
      s += pick(r, EMOJI);
    }
  }
  return cut(r, s, target);
}

/**
 * `count` messages of 20–200 UTF-16 units. A fixed share (`hitRate`) gets a keyword written over
 * part of the filler (the message keeps its length); which messages those are depends only on the
 * seed, and the keyword is drawn from `keywords` (the current rule set's, so the filler and the
 * choice of messages are the same for every rule count). English keywords are capitalised one
 * time in three, so the matcher's normalisation is on the hot path.
 */
export function messages(count: number, o: { keywords: readonly string[]; hitRate: number; memberCount: number; seed?: number }): MessageSpec[] {
  const base = rng(o.seed ?? 42);
  const inject = rng((o.seed ?? 42) + 1);
  const out: MessageSpec[] = [];
  for (let i = 0; i < count; i++) {
    const len = int(base, 20, 200);
    let text = filler(base, len);
    const sender = int(base, 0, o.memberCount - 1);
    const injected = base() < o.hitRate;
    // The keyword choice uses its own stream, so the filler stays identical across keyword sets.
    if (injected && o.keywords.length > 0) {
      let k = pick(inject, o.keywords);
      if (/^[a-z]/.test(k) && inject() < 1 / 3) k = k[0]!.toUpperCase() + k.slice(1);
      let pos = int(inject, 0, Math.max(0, text.length - k.length));
      if (isLowSurrogate(text.charCodeAt(pos))) pos--;
      let end = pos + k.length;
      if (isLowSurrogate(text.charCodeAt(end))) end++;
      text = text.slice(0, pos) + k + text.slice(end);
    }
    out.push({ text, sender, injected });
  }
  return out;
}
