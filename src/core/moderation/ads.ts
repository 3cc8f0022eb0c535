/**
 * Advertising detection (ADR 0008): links (outside the group's allowed domains), invite links to other
 * groups, phone numbers, WeChat/QQ ids offered as a contact, and card-like messages (mini programs,
 * contact cards, QR codes). Pure: the settings come in, the hits go out; it runs on every group
 * message, so each detector starts with a cheap test that skips it on most messages.
 *
 * Every detector looks at a folded view of the text, because the evasions all fold:
 *
 *  - links: linkify-it over a "link view" (see `buildLinkView`): full-width letters, digits and URL
 *    signs folded to ASCII, zero-width characters dropped, evasive dots (。 ｡ ． 点 點 · [.] (dot) and
 *    " . ") rewritten to "." with the spaces around them, and a space between Chinese and Latin text,
 *    which linkify-it would otherwise read as one host (我在abc.com) or no link at all (访问http://…).
 *    An offset map gives each hit its span in the original text;
 *  - phones: regular expressions over a view of the same length (full-width digits and signs, circled
 *    digits, and runs of Chinese numerals written for digits, mapped to ASCII), so its offsets are
 *    the original's;
 *  - WeChat/QQ ids: the cue (微信, 薇信, V信, vx, QQ, 扣扣…) is found with the moderation matcher, whose
 *    normalisation already folds width, case, traditional characters and removes what is inserted
 *    between the characters (微💥信, Ｗ Ｘ); the id after it is read from the original, folding each
 *    character.
 *
 * Hits never overlap: where two would, the first of invite_link, link, wechat_id, phone is kept (a
 * phone inside a link is part of the link; 微信 13812345678 is a WeChat contact). A link that is not
 * a hit (an allowed domain, or links off) still covers what is inside it, so an order number in an
 * allowed shop's URL is not a phone.
 */
import { LinkifyIt } from 'linkify-it';
import type { MessageContent } from '../events.ts';
import { ModerationMatcher, type WordEntry } from './matcher.ts';
import { foldCodePoint } from './normalize.ts';

/**
 * 'link' includes e-mail addresses (a contact like a phone number; an allowed domain allows its
 * addresses). 'wechat_id' is the contact-id kind: WeChat ids, and QQ numbers after a QQ cue.
 * 'invite_link' is a link into another group; it is never also a 'link'.
 */
export type AdKind = 'link' | 'phone' | 'wechat_id' | 'invite_link' | 'card';

export interface AdHit {
  kind: AdKind;
  /** the matched text as written */
  text: string;
  start: number;
  end: number;
  /** links: the host, lower-case */
  host?: string;
}

/**
 * What detectAds reads of a group's `ads` settings (GroupSettings['ads'] in src/shared/group-settings.ts,
 * which builds on core, so core restates the fields instead of importing them).
 */
export interface AdSettings {
  action: 'off' | 'alert' | 'warn' | 'block';
  links: boolean;
  /** `example.com` (the host and its subdomains) or `*.example.com` (only subdomains), lower-case. */
  allowDomains: readonly string[];
  phones: boolean;
  wechatIds: boolean;
  inviteLinks: boolean;
  cards: boolean;
}

/** Message types that are an ad by what they are (where the channel reports them); an image is not. */
const CARD_TYPES: ReadonlySet<string> = new Set(['card', 'mini_program', 'contact_card', 'qr_code']);

/** When two candidates overlap, the lower rank is kept. */
const RANK: Record<AdKind, number> = { card: 0, invite_link: 1, link: 2, wechat_id: 3, phone: 4 };

/**
 * Every ad in a message, sorted by start, none overlapping. Each kind only when its switch is on;
 * nothing when the action is 'off'. `strict` (a member's first messages): links to allowed domains
 * are hits too; the switches still decide which kinds are looked for.
 */
export function detectAds(content: { type: MessageContent['type'] | string; text: string }, settings: AdSettings, opts?: { strict?: boolean }): AdHit[] {
  if (settings.action === 'off') return [];
  const text = content.text;
  if (settings.cards && CARD_TYPES.has(content.type)) {
    // The whole message is the ad; what its text says adds nothing.
    return [{ kind: 'card', text, start: 0, end: text.length }];
  }
  const wantLinks = settings.links || settings.inviteLinks;
  if (!wantLinks && !settings.phones && !settings.wechatIds) return [];

  const candidates: AdHit[] = [];
  /** Spans of every link found, hit or not: nothing inside a link is a phone or a WeChat id. */
  const covered: [number, number][] = [];
  findLinks(text, settings, opts?.strict === true, candidates, covered);
  if (settings.wechatIds) findContactIds(text, candidates);
  if (settings.phones) findPhones(text, candidates);
  return resolve(candidates, covered);
}

/** Keeps the best-ranked of overlapping candidates (then the earlier, then the longer); sorted by start. */
function resolve(candidates: AdHit[], covered: readonly [number, number][]): AdHit[] {
  if (candidates.length === 0) return candidates;
  candidates.sort((a, b) => RANK[a.kind] - RANK[b.kind] || a.start - b.start || b.end - a.end);
  const kept: AdHit[] = [];
  for (const c of candidates) {
    if (c.kind !== 'link' && c.kind !== 'invite_link' && covered.some(([s, e]) => c.start < e && s < c.end)) continue;
    if (kept.some((k) => c.start < k.end && k.start < c.end)) continue;
    kept.push(c);
  }
  return kept.sort((a, b) => a.start - b.start);
}

// ---- links ---------------------------------------------------------------------------------------

/**
 * TLDs added to linkify-it's fuzzy list (which has every two-letter country code, com, net, org, info,
 * biz, shop and a few more): new generic TLDs that link spam uses, several of them Chinese registries'.
 */
const EXTRA_TLDS = [
  'top', 'xyz', 'vip', 'club', 'site', 'online', 'app', 'dev', 'store', 'tech', 'live', 'life', 'fun', 'icu', 'cyou',
  'work', 'link', 'click', 'win', 'bid', 'ltd', 'group', 'mobi', 'ink', 'space', 'website', 'cloud', 'pub', 'red',
  'kim', 'ren', 'xin', 'wang', 'run', 'plus', 'love', 'news', 'video', 'bet', 'lol', 'email', 'chat', 'team', 'zone',
];

/**
 * TLDs that make a link of a bare "word.word" (no scheme, no www., no path): the shape also occurs in
 * prose (Mr.Li, ok.me), so it needs a TLD that is seldom anything else: no Chinese surnames, few words.
 */
const BARE_TLDS: ReadonlySet<string> = new Set([
  'com', 'net', 'org', 'cn', 'top', 'xyz', 'vip', 'cc', 'io', 'co', 'info', 'biz', 'club', 'site', 'online', 'shop',
  'store', 'app', 'icu', 'cyou', 'ltd', 'asia', 'mobi', 'xin', 'tk', 'ml', 'ga', 'cf', 'gq', 'hk', 'tw', 'la', 'ly',
  'gg', 'tv', 'ws', 'pw', 'jp', 'kr', 'uk', 'ru', 'sg', 'de',
]);
/**
 * TLDs that make a link of one written with a dot we rewrote (example。com, example 点 com, x . com):
 * 。 and spaced dots are everywhere in chat ("free 。 online", "ok . app"), so no English words at all.
 */
const EVADED_TLDS: ReadonlySet<string> = new Set([
  'com', 'net', 'org', 'cn', 'cc', 'xyz', 'icu', 'cyou', 'info', 'biz', 'io', 'ltd', 'xin', 'asia', 'hk', 'tw', 'la',
  'tk', 'ml', 'ga', 'cf', 'gq',
]);

/** urlAuth: http://user@host is read as the host it is (http://google.com@evil.cn goes to evil.cn). */
const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: true, urlAuth: true }).tlds(EXTRA_TLDS, true);

/**
 * Cheap test before building the link view, on the original: a Latin letter (as every TLD but рф
 * starts) right after a dot (zero-width characters allowed), after a spaced " . ", or after an
 * evasive dot (spaces allowed); a bracketed dot; or "//" (http://localhost). Most Chinese messages
 * have a 。, few have one before a Latin letter; "ok. see you" does not pass.
 */
const LINK_HINT = /\.[\u200b-\u200d\u2060\ufeff]{0,3}[A-Za-zＡ-Ｚａ-ｚр]|\s\.\s{1,3}[A-Za-zＡ-Ｚａ-ｚ]|[。｡．点點·][\s\u200b-\u200d\u2060\ufeff]{0,3}[A-Za-zＡ-Ｚａ-ｚ]|[[(（【［{｛][ \u3000]?(?:[.。．点]|dot|ｄｏｔ)|[/／]{2}/i;
/** Cheap test before linkify-it, on the link view: a dot before a Latin letter (every TLD it takes), or "//". */
const LINKLIKE = /\.(?:[a-z]|рф)|\/\//i;

function findLinks(text: string, settings: AdSettings, strict: boolean, out: AdHit[], covered: [number, number][]): void {
  if (!LINK_HINT.test(text)) return;
  const view = buildLinkView(text);
  if (!LINKLIKE.test(view)) return;
  const matches = linkify.match(view);
  if (!matches) return;
  for (const m of matches) {
    const parts = splitLink(m.raw, m.schema);
    if (!parts) continue;
    const { host, path } = parts;
    const invite = isInvite(host, path);
    const tld = host.slice(host.lastIndexOf('.') + 1);
    // linkify-it takes any letters after the @ for a domain (123@哈哈.哈哈): an e-mail needs a real TLD.
    if (m.schema.toLowerCase() === 'mailto:' && !/^(?:[a-z]{2,}|xn--[a-z0-9-]+)$/.test(tld)) continue;
    if (!invite) {
      // Shapes that prose produces too: a dot we rewrote, a bare two-label host.
      if (!EVADED_TLDS.has(tld) && evasiveIn(m.index, m.lastIndex - path.length)) continue;
      if (!BARE_TLDS.has(tld) && m.schema === '' && path === '' && !host.startsWith('www.') && host.split('.').length === 2) continue;
    }
    const start = vStart[m.index]!;
    const end = vEnd[m.lastIndex - 1]!;
    covered.push([start, end]);
    const hit = { text: text.slice(start, end), start, end, host };
    if (invite && settings.inviteLinks) out.push({ kind: 'invite_link', ...hit });
    else if (settings.links && (strict || !allowed(host, settings.allowDomains))) out.push({ kind: 'link', ...hit });
  }
}

/** `example.com` allows the host and its subdomains; `*.example.com` only the subdomains. */
function allowed(host: string, allowDomains: readonly string[]): boolean {
  for (const d of allowDomains) {
    if (d.startsWith('*.')) {
      if (host.endsWith(d.slice(1))) return true;
    } else if (host === d || host.endsWith(`.${d}`)) return true;
  }
  return false;
}

/** Host (lower-case, no port, no user) and the rest ("/path?query", or "") of a linkify-it match; null when no host. */
function splitLink(raw: string, schema: string): { host: string; path: string } | null {
  if (schema.toLowerCase() === 'mailto:') {
    const at = raw.lastIndexOf('@');
    return at < 0 ? null : { host: raw.slice(at + 1).toLowerCase().replace(/\.$/, ''), path: '' };
  }
  let s = raw.slice(schema.length);
  if (s.startsWith('//')) s = s.slice(2);
  const cut = s.search(/[/?#]/);
  let host = cut < 0 ? s : s.slice(0, cut);
  const path = cut < 0 ? '' : s.slice(cut);
  host = host.slice(host.lastIndexOf('@') + 1).replace(/:\d*$/, '').replace(/\.$/, '').toLowerCase();
  return host === '' ? null : { host, path };
}

/** Hosts whose links lead into another group (or a contact's QR card), and the paths that do. */
const INVITE_PATHS: ReadonlyMap<string, RegExp> = new Map([
  ['t.me', /^\/(?:\+|joinchat\/|addlist\/)[\w-]/i],
  ['telegram.me', /^\/(?:\+|joinchat\/|addlist\/)[\w-]/i],
  ['telegram.dog', /^\/(?:\+|joinchat\/|addlist\/)[\w-]/i],
  ['chat.whatsapp.com', /^\/[\w-]/],
  ['discord.gg', /^\/[\w-]/],
  ['discord.com', /^\/invite\/[\w-]/i],
  ['discordapp.com', /^\/invite\/[\w-]/i],
  ['qm.qq.com', /^\/./],
  ['jq.qq.com', /^\/./],
  ['u.wechat.com', /^\/./],
  ['weixin.qq.com', /^\/g\/./i],
  ['work.weixin.qq.com', /^\/./],
]);

/** Shequn's own web community invites: /join/<code> on whatever host the community is served from. */
const JOIN_PATH = /^\/join\/[\w-]/i;

function isInvite(host: string, path: string): boolean {
  if (path === '') return false;
  if (JOIN_PATH.test(path)) return true;
  const re = INVITE_PATHS.get(host.startsWith('www.') ? host.slice(4) : host);
  return re !== undefined && re.test(path);
}

// ---- the link view -------------------------------------------------------------------------------

/**
 * The link view of the latest buildLinkView call: its units, and for each the original span it came
 * from and whether it is a dot rewritten from an evasive spelling. Reused from call to call (detectAds
 * reads them before it returns), so a message costs no allocation but the view string.
 */
let vUnits = new Uint16Array(512);
let vStart = new Int32Array(512);
let vEnd = new Int32Array(512);
let vEvasive = new Uint8Array(512);

function reserve(n: number): void {
  if (n <= vUnits.length) return;
  let size = vUnits.length;
  while (size < n) size *= 2;
  vUnits = new Uint16Array(size);
  vStart = new Int32Array(size);
  vEnd = new Int32Array(size);
  vEvasive = new Uint8Array(size);
}

const isAsciiLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isAsciiAlnum = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
/** Chinese, Japanese and Korean text, CJK punctuation, full-width forms left unfolded, astral characters. */
const isWide = (c: number) => (c >= 0x2e80 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xdfff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xffef);
/** Zero-width and invisible characters that evaders put inside a link (dropped from the view). */
const isInvisible = (c: number) => c === 0xad || (c >= 0x200b && c <= 0x200f) || (c >= 0x2060 && c <= 0x2064) || c === 0xfeff || c === 0x180e;
const isSpace = (c: number) => c === 0x20 || c === 0x3000 || c === 0xa0 || c === 0x09 || c === 0x0a || c === 0x0d;
/** Dots that are a link's dot only as an evasion: 。 ｡ ． 点 點 ·. */
const isEvasiveDot = (c: number) => c === 0x3002 || c === 0xff61 || c === 0xff0e || c === 0x70b9 || c === 0x9ede || c === 0xb7;
/**
 * Full-width letters and digits, the full-width signs a link is written with (／ ： ＠ ＋ － ＿) and the
 * ideographic space fold to ASCII. Full-width punctuation (，！？（）) stays: it ends a link in Chinese text.
 */
const foldWidth = (c: number) =>
  (c >= 0xff10 && c <= 0xff1a) || (c >= 0xff20 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a) || c === 0xff0f || c === 0xff0b || c === 0xff0d || c === 0xff3f
    ? c - 0xfee0
    : c === 0x3000
      ? 0x20
      : c;

/** [.] (.) 【.】 (dot) [点] …, in either width. */
const BRACKETED_DOT = /[[(（【［{｛][ \u3000]?(?:[.。．点]|dot|ｄｏｔ)[ \u3000]?[\])）】］}｝]/iy;

/** The next character after `i` that is not a space or invisible, folded, and where it is (-1: none within 4). */
function peek(text: string, i: number): { c: number; at: number } {
  for (let k = i, n = 0; k < text.length && n < 4; k++, n++) {
    const c = text.charCodeAt(k);
    if (isSpace(c) || isInvisible(c)) continue;
    return { c: foldWidth(c), at: k };
  }
  return { c: -1, at: -1 };
}

/**
 * Whether the view so far ends with a host: a label in BARE_TLDS after a dot (abc.com). Then an
 * evasive dot after it ends a sentence (www.abc.com。see you), rather than join another label.
 */
function endsHost(last: number): boolean {
  let k = last;
  while (k >= 0 && (isAsciiAlnum(vUnits[k]!) || vUnits[k] === 0x2d)) k--;
  if (k < 0 || vUnits[k] !== 0x2e || last - k > 6) return false;
  return BARE_TLDS.has(String.fromCharCode(...vUnits.subarray(k + 1, last + 1)).toLowerCase());
}

/** Writes one view unit; returns the next index. */
function put(n: number, c: number, from: number, to: number, evasive: number): number {
  vUnits[n] = c;
  vStart[n] = from;
  vEnd[n] = to;
  vEvasive[n] = evasive;
  return n + 1;
}

/** Whether view units [from, to) include a dot rewritten from an evasive spelling. */
function evasiveIn(from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (vEvasive[k] === 1) return true;
  return false;
}

/** Code unit classes for buildLinkView: most characters are copied as they are, and only need their class. */
const OTHER = 0;
const ALNUM = 1;
const WIDE = 2;
/** Invisible, foldable, a dot in any spelling, a bracket, a colon, a slash, a space: the slow path. */
const SPECIAL = 3;
const classOf = (c: number) => (isAsciiAlnum(c) ? ALNUM : isWide(c) ? WIDE : OTHER);
const LINK_CLASS = new Uint8Array(0x10000);
for (let u = 0; u < 0x10000; u++) {
  const special = isInvisible(u) || isEvasiveDot(u) || isSpace(u) || foldWidth(u) !== u || '.:/([{（［｛【'.includes(String.fromCharCode(u));
  LINK_CLASS[u] = special ? SPECIAL : classOf(u);
}

/**
 * The text as linkify-it should see it (the offset map back to the original is left in vStart/vEnd).
 * 1:1 except that invisible characters and the spaces around an evasive dot are dropped, a bracketed
 * dot becomes one ".", and a space is put between Latin letters or digits and CJK text (never inside
 * a link: links do not contain spaces).
 */
function buildLinkView(text: string): string {
  const len = text.length;
  reserve(2 * len + 8);
  let n = 0;
  let prevClass = OTHER; // class of the last unit written
  let lastSig = -1; // view index of the last unit that is not a space
  // Past the host, in a link's path: dots there are file names' (a.html), and a 。 ends the sentence.
  let inPath = false;
  for (let i = 0; i < len; i++) {
    const raw = text.charCodeAt(i);
    const cls = LINK_CLASS[raw]!;
    if (cls !== SPECIAL) {
      if ((cls === ALNUM && prevClass === WIDE) || (cls === WIDE && prevClass === ALNUM)) n = put(n, 0x20, i, i, 0);
      if (cls === WIDE) inPath = false;
      lastSig = n;
      n = put(n, raw, i, i + 1, 0);
      prevClass = cls;
      continue;
    }
    if (isInvisible(raw)) continue;
    let c = foldWidth(raw);
    let dotEnd = -1; // original end of an evasive dot starting at i
    if (isEvasiveDot(raw)) dotEnd = i + 1;
    else if (c === 0x28 || c === 0x5b || c === 0x7b || raw === 0xff08 || raw === 0xff3b || raw === 0xff5b || raw === 0x3010) {
      BRACKETED_DOT.lastIndex = i;
      if (BRACKETED_DOT.test(text)) dotEnd = BRACKETED_DOT.lastIndex;
    } else if (raw === 0x2e && isSpace(text.charCodeAt(i - 1)) && isSpace(text.charCodeAt(i + 1))) {
      // "example . com": a plain dot with spaces on both sides, which prose does not write.
      dotEnd = i + 1;
    }
    if (dotEnd >= 0 && !inPath && lastSig >= 0 && isAsciiAlnum(vUnits[lastSig]!) && !endsHost(lastSig)) {
      const next = peek(text, dotEnd);
      if (isAsciiAlnum(next.c)) {
        // Drop the spaces between the label and the dot, and those after it.
        n = put(lastSig + 1, 0x2e, i, dotEnd, 1);
        lastSig = n - 1;
        prevClass = OTHER;
        i = next.at - 1;
        continue;
      }
    }
    // A label's colon (微信:abc@qq.com, Email:abc@qq.com): linkify-it would take "微信:" for a scheme and
    // find nothing. Schemes are followed by "/", ports by digits; mailto:a@b.com still yields a@b.com.
    if (c === 0x3a && isAsciiLetter(foldWidth(text.charCodeAt(i + 1)))) c = 0x20;
    const folded = classOf(c);
    if ((folded === ALNUM && prevClass === WIDE) || (folded === WIDE && prevClass === ALNUM)) n = put(n, 0x20, i, i, 0);
    if (c === 0x2f) inPath ||= n > 0 && vUnits[n - 1] !== 0x2f && vUnits[n - 1] !== 0x3a && foldWidth(text.charCodeAt(i + 1)) !== 0x2f;
    else if (c === 0x20 || folded === WIDE) inPath = false;
    if (c !== 0x20) lastSig = n;
    n = put(n, c, i, i + 1, 0);
    prevClass = folded;
  }
  let view = '';
  for (let i = 0; i < n; i += 4096) view += String.fromCharCode.apply(null, vUnits.subarray(i, Math.min(n, i + 4096)) as unknown as number[]);
  return view;
}

// ---- phones --------------------------------------------------------------------------------------

/** Chinese numerals for each digit, as spelled in a phone number (幺 for 1, 两 for 2, the financial forms). */
const CN_NUMERAL: ReadonlyMap<string, number> = new Map(
  ['〇零', '一幺壹', '二两贰貳', '三叁參', '四肆', '五伍', '六陆陸', '七柒', '八捌', '九玖'].flatMap((chars, d) => [...chars].map((ch) => [ch, d] as const)),
);
const NUMERALS = [...CN_NUMERAL.keys()].join('');
/** Per code unit: 1 a digit (ASCII, full-width, circled), 2 a Chinese numeral, 0 anything else. */
const DIGIT_KIND = new Uint8Array(0x10000);
for (const ch of '0123456789０１２３４５６７８９①②③④⑤⑥⑦⑧⑨⓪') DIGIT_KIND[ch.charCodeAt(0)] = 1;
for (const ch of NUMERALS) DIGIT_KIND[ch.charCodeAt(0)] = 2;
/** A run of seven or more digits (any spelling), separators allowed in between. */
const NUMBER_RUN = new RegExp(`[0-9０-９${NUMERALS}](?:[ \\-.\u3000]{0,2}[0-9０-９${NUMERALS}]){6,}`, 'g');

/** What phoneView maps one for one: full-width digits and + - . ( ), the ideographic space, circled digits. */
const WIDE_PHONE_CHARS = /[０-９＋－．（）\u3000①-⑨⓪]/g;
const toAsciiPhoneChar = (ch: string) => {
  const c = ch.charCodeAt(0);
  if (c === 0x3000) return ' ';
  if (c === 0x24ea) return '0';
  if (c >= 0x2460 && c <= 0x2468) return String.fromCharCode(0x31 + c - 0x2460);
  return String.fromCharCode(c - 0xfee0);
};

/**
 * The text with every digit-like character as an ASCII digit and full-width signs as ASCII, of the same
 * length (so offsets are the original's). Chinese numerals count as digits only in a run of seven or more
 * digits with at least four numerals (一三八一二三四五六七八), never in running text (第一).
 */
function phoneView(text: string, numerals: number): string {
  let view = text.replace(WIDE_PHONE_CHARS, toAsciiPhoneChar);
  if (numerals < 4) return view;
  NUMBER_RUN.lastIndex = 0;
  for (let m = NUMBER_RUN.exec(text); m; m = NUMBER_RUN.exec(text)) {
    let numerals = 0;
    for (const ch of m[0]) if (CN_NUMERAL.has(ch)) numerals++;
    if (numerals < 4) continue;
    const run = m[0].replace(/./g, (ch) => (CN_NUMERAL.has(ch) ? String(CN_NUMERAL.get(ch)) : ch));
    view = view.slice(0, m.index) + run + view.slice(m.index + run.length);
  }
  return view;
}

/**
 * Every pattern stands alone: no digit right before or after it, nor across a dash or a dot, so order
 * numbers, long ids, decimals and dates do not match; across a space only when the number is not
 * itself written in space-separated groups (see findPhones), so "abc123 13812345678 24小时" has a phone.
 *
 * Mainland mobile numbers: 1[3-9] and 9 more digits, a separator (space, dash, dot, two spaces) allowed
 * between any two, +86 / 0086 / (+86) in front.
 */
const MOBILE = /(?<![\d+])(?<!\d[.-])(?:(?:\+|00) ?86[ -]?|\(\+?86\) ?)?1(?:[ -]| {2})?[3-9](?:(?:[ .-]| {2})?\d){9}(?![.-]?\d)/g;
/** Landlines with an area code set apart: 010-12345678, (0755) 1234567, 021 87654321, an extension after a dash or 转. */
const LANDLINE = /(?<![\d+])(?<!\d[.-])(?:\(0\d{2,3}\) ?|0\d{2,3}[ -])[1-9]\d{6,7}(?:[-转]\d{1,5})?(?![.-]?\d)/g;
/** 400 / 800 service numbers, with at least one separator: 400-123-4567, 400 1234567. */
const SERVICE = /(?<![\d+])(?<!\d[.-])[48]00(?:[ -]\d{3}[ -]?\d{4}|\d{3}[ -]\d{4})(?![.-]?\d)/g;
/** International numbers in E.164 form: + and 8–15 digits, spaces, dashes, dots or parentheses between groups. */
const E164 = /(?<![\w+])\+ ?[1-9](?:[ ().-]{0,2}\d){7,14}(?![.-]?\d)/g;
const CN_PREFIX = /^(?:(?:\+|00) ?86[ -]?|\(\+?86\) ?)/;

function findPhones(text: string, out: AdHit[]): void {
  // The cheap test: a digit, or four numerals (a run of them needs that many).
  let digits = 0;
  let numerals = 0;
  for (let i = 0; i < text.length; i++) {
    const k = DIGIT_KIND[text.charCodeAt(i)];
    if (k === 1) digits++;
    else if (k === 2) numerals++;
  }
  if (digits === 0 && numerals < 4) return;
  const view = phoneView(text, numerals);
  const starts = new Set<number>();
  for (const re of [MOBILE, LANDLINE, SERVICE, E164]) {
    re.lastIndex = 0;
    for (let m = re.exec(view); m; m = re.exec(view)) {
      const start = m.index;
      const end = start + m[0].length;
      // "+10000000" is a score or an amount, not a number anyone dials; +86 numbers are the patterns' above.
      if (re === E164 && (/0{5,}$/.test(m[0]) || starts.has(start))) continue;
      starts.add(start);
      // Dates and numbers next to each other (#154 2024-05-25) are not one phone number: a phone is written
      // with one kind of separator (138 1234 5678, 138-1234-5678, 1 3 8 …).
      if (re === MOBILE && new Set(m[0].replace(CN_PREFIX, '').match(/[ .-]/g)).size > 1) continue;
      // Digits in space-separated groups with another group next to them: part of a longer number (a bank card).
      if (/\d {1,2}\d/.test(m[0].replace(CN_PREFIX, '')) && (/^ {1,2}\d/.test(view.slice(end, end + 3)) || /\d {1,2}$/.test(view.slice(Math.max(0, start - 3), start)))) continue;
      out.push({ kind: 'phone', text: text.slice(start, end), start, end });
    }
  }
}

// ---- WeChat and QQ ids ---------------------------------------------------------------------------

type Cue = 'wechat' | 'qq' | 'v';
interface CueEntry extends WordEntry {
  cue: Cue;
}

/**
 * What announces a contact id. WeChat: its names and homophones (威信, 薇信, V信, vx, wx…), 加V/加微
 * (add me on WeChat), 私我 (message me). QQ: qq, 扣扣, 企鹅. 'v' alone counts only right after a "+"
 * (+V), which the normalisation removes. Matched after the moderation normalisation, so ＶＸ, 微 信,
 * 薇💥信 and 微信號 are cues too.
 */
const CUES: Record<Cue, string[]> = {
  wechat: ['微信', '威信', '薇信', '徽信', '维信', 'v信', 'vx', 'wx', 'weixin', 'wechat', '加v', '加微', '加薇', '加威', '私我'],
  qq: ['qq', '扣扣', '抠抠', '企鹅'],
  v: ['v'],
};
const cueMatcher = new ModerationMatcher<CueEntry>(
  (Object.entries(CUES) as [Cue, string[]][]).flatMap(([cue, words]) => words.map((word) => ({ word, cue, action: 'alert' as const, listId: 'ads' }))),
);

/** Cheap test: an id needs a Latin letter or a digit in some width. */
const ID_CHAR = /[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]/;
/** WeChat's internal ids (wxid_…) are a contact wherever they appear. */
const WXID = /(?<![\w-])wxid_[a-z0-9_-]{4,30}(?![\w-])/gi;
/** Words between a cue and the id: 微信号：abc, 微信是 abc, vx搜 abc; for QQ also 群 (QQ群 123456, a group number). */
const CONNECTORS: ReadonlySet<string> = new Set([...'号號是为為搜索加我同']);
const NUMBER_SEPARATORS: ReadonlySet<string> = new Set([...' -.\u3000－．']);
/** Connectors that say outright that an id follows (a pure-letter id needs one). */
const STRONG: ReadonlySet<string> = new Set([...':：号號']);

/** The fold of the code point at i: a lower-case ASCII letter or digit as its char code, else -1. */
function asciiAt(text: string, i: number): number {
  const f = foldCodePoint(text.codePointAt(i)!);
  if (f.length !== 1) return -1;
  const c = f.charCodeAt(0);
  return isAsciiAlnum(c) ? c : -1;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLetter = (c: number) => c >= 0x61 && c <= 0x7a;
const isIdPunct = (c: number) => c === 0x2d || c === 0x5f || c === 0xff0d || c === 0xff3f; // - _ － ＿

function findContactIds(text: string, out: AdHit[]): void {
  if (!ID_CHAR.test(text)) return;
  if (/wxid_/i.test(text)) {
    WXID.lastIndex = 0;
    for (let m = WXID.exec(text); m; m = WXID.exec(text)) out.push({ kind: 'wechat_id', text: m[0], start: m.index, end: m.index + m[0].length });
  }
  for (const hit of cueMatcher.match(text)) {
    const cue = hit.entry.cue;
    const latin = isLetter(hit.word.charCodeAt(0));
    // A Latin cue is a word of its own: not the end of one (wow x, ...qq in "tqq") nor the start of one (wxyz).
    if (latin && hit.start > 0 && asciiAt(text, hit.start - 1) >= 0) continue;
    let start = hit.start;
    if (cue === 'v') {
      // The "+" of +V is part of the cue (the normalisation dropped it).
      const before = Math.max(0, hit.start - 3);
      const plus = /[+＋]\s*$/.exec(text.slice(before, hit.start));
      if (!plus) continue;
      start = before + plus.index;
    }
    if (isLetter(hit.word.charCodeAt(hit.word.length - 1)) && hit.end < text.length && isLetter(asciiAt(text, hit.end))) continue;
    const id = readId(text, hit.end, cue);
    if (id) out.push({ kind: 'wechat_id', text: text.slice(start, id.end), start, end: id.end });
  }
}

/**
 * The id offered after a cue ending at `from`: past a few connectors (spaces, punctuation, emoji, 号, 是…),
 * a WeChat id ([a-z][-_a-z0-9]{5,19}, in any width, zero-width characters inside ignored) or a number
 * (WeChat: 6–15 digits, as ids bound to a phone or QQ number are; QQ: a QQ number, 5–11 digits). A
 * WeChat id of letters only must follow a strong connector (微信号：abc…) and end the phrase, so
 * "wechat: welcome to…" is not an id.
 */
function readId(text: string, from: number, cue: Cue): { end: number } | null {
  let i = from;
  let strong = false;
  for (let k = 0; k < 6 && i < text.length; k++) {
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (asciiAt(text, i) >= 0) break;
    if (foldCodePoint(cp) !== '' && !CONNECTORS.has(ch) && !(cue === 'qq' && ch === '群')) return null;
    strong ||= STRONG.has(ch);
    i += ch.length;
  }
  const first = i < text.length ? asciiAt(text, i) : -1;
  if (first < 0) return null;
  if (isDigit(first)) {
    // Digits, a space, dash or dot allowed between two of them.
    let digits = 0;
    let end = i;
    for (let k = i; k < text.length; ) {
      if (isDigit(asciiAt(text, k))) {
        digits++;
        k += text.codePointAt(k)! > 0xffff ? 2 : 1;
        end = k;
      } else if (NUMBER_SEPARATORS.has(text[k]!) && isDigit(asciiAt(text, k + 1))) k++;
      else break;
    }
    if (end < text.length && isLetter(asciiAt(text, end))) return null; // 123456abc is not a number
    if (cue === 'qq') return digits >= 5 && digits <= 11 && first !== 0x30 ? { end } : null;
    return digits >= 6 && digits <= 15 ? { end } : null;
  }
  if (cue === 'qq') return null;
  let len = 0;
  let hasDigitOrPunct = false;
  let end = i;
  for (let k = i; k < text.length; ) {
    const cp = text.codePointAt(k)!;
    const size = cp > 0xffff ? 2 : 1;
    if (isIdPunct(cp)) hasDigitOrPunct = true;
    else {
      const c = asciiAt(text, k);
      if (c < 0) {
        if (isInvisible(cp)) {
          k += size;
          continue;
        }
        break;
      }
      if (isDigit(c)) hasDigitOrPunct = true;
    }
    len++;
    k += size;
    end = k;
  }
  if (len < 6 || len > 20) return null;
  if (!hasDigitOrPunct) {
    if (!strong) return null;
    // Followed by more Latin words: a phrase, not an id.
    if (/^[ \u3000]+[A-Za-zＡ-Ｚａ-ｚ]/.test(text.slice(end, end + 3))) return null;
  }
  return { end };
}
