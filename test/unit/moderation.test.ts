// The moderation word matcher: its normalisation on a table of evasions, the automaton's
// completeness (overlaps, dictionary suffixes, astral characters), the offset map back to the
// original message, and a randomized differential test against "normalise, then indexOf every word".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModerationMatcher, type ModerationAction, type ModerationHit, type WordEntry } from '../../src/core/moderation/matcher.ts';
import { BMP_FOLD, computeFold, foldCodePoint, normalFingerprint, normalize, normalizeText, originalSpan, SLOW, toSimplified } from '../../src/core/moderation/normalize.ts';
import { int, pick, rng } from '../../bench/lib/data.ts';

const entry = (word: string, listId = 'list-a', action: ModerationAction = 'block'): WordEntry => ({ word, action, listId });
const matcher = (...words: string[]) => new ModerationMatcher(words.map((w) => entry(w)));
/** The words hit, sorted, once each. */
const wordsIn = (m: ModerationMatcher, text: string) => [...new Set(m.match(text).map((h) => h.word))].sort();

describe('moderation normalisation', () => {
  const cases: [string, string, string][] = [
    ['full-width Latin and digits', 'ＷｅｉＸｉｎ１２３', 'weixin123'],
    ['half-width katakana', 'ｶﾀｶﾅ', 'カタカナ'],
    ['upper and mixed case', 'SpAm', 'spam'],
    ['full case folding', 'STRAßE', 'strasse'],
    ['compatibility forms', '①② ㎏ ﬁ 𝐀', '12kgfia'],
    ['zero-width and format characters', '微\u200b信\u200c号\u200d码\ufeff\u2060\u00ad', '微信号码'],
    ['variation selectors', '傻\ufe0f逼\ufe0e', '傻逼'],
    ['Hangul filler', '微\u3164信', '微信'],
    ['spaces of every kind', '微 信\u3000号\u00a0码\t\n', '微信号码'],
    ['punctuation and symbols', '微.信-号*码·！？【】@#$+=', '微信号码'],
    ['emoji between the characters', '微💥信👨‍👩‍👧号🇨🇳码1️⃣', '微信号码1'],
    ['combining marks', 'café s̶p̶a̶m̶ e\u0301', 'cafespame'],
    ['kana voicing marks stay (decomposed, as ｶﾞ and カ゛ can only be)', 'が ｶﾞ カ゛', 'か\u3099カ\u3099カ\u3099'],
    ['traditional → simplified', '發票 微信號 開戶 銀行', '发票微信号开户银行'],
    ['regional variant forms (台灣 裡, 香港 温)', '裡 溫 温', '里温温'],
    ['already simplified characters are kept', '么台著干', '么台著干'],
    ['astral ideographs are kept', '𠮷野家', '𠮷野家'],
    ['mixed', 'Ｖ 信：加我 WeiXin ❤️ 發 票', 'v信加我weixin发票'],
  ];
  for (const [name, input, want] of cases) {
    test(name, () => assert.equal(normalizeText(input), want));
  }

  test('normalize() gives each normalised unit the span of the original code point it came from', () => {
    const text = 'a𠮷 發ﬁ';
    const n = normalize(text);
    assert.equal(n.text, 'a𠮷发fi');
    assert.deepEqual([...n.start], [0, 1, 1, 4, 5, 5]);
    assert.deepEqual([...n.end], [1, 3, 3, 5, 6, 6]);
    assert.deepEqual(originalSpan(n, 1, 4), { start: 1, end: 5 });
    assert.equal(text.slice(originalSpan(n, 1, 4).start, originalSpan(n, 1, 4).end), '𠮷 發');
  });

  test('folding is idempotent and the BMP table agrees with the general path for every code point', () => {
    for (let u = 0; u < 0x10000; u++) {
      if (u >= 0xd800 && u <= 0xdfff) {
        assert.equal(BMP_FOLD[u], SLOW);
        continue;
      }
      const f = foldCodePoint(u);
      if (f !== computeFold(u)) assert.fail(`U+${u.toString(16)}: table ${JSON.stringify(f)} vs ${JSON.stringify(computeFold(u))}`);
      if (normalizeText(f) !== f) assert.fail(`U+${u.toString(16)}: fold ${JSON.stringify(f)} is not in normal form`);
    }
    for (const cp of [0x1d400, 0x1f600, 0x20bb7, 0x2a6a5, 0x1f1e8, 0xe0041]) assert.equal(normalizeText(foldCodePoint(cp)), foldCodePoint(cp));
  });

  test('traditional → simplified follows chained entries to the end', () => {
    assert.equal(String.fromCodePoint(toSimplified('薴'.codePointAt(0)!)), '苎');
    assert.equal(String.fromCodePoint(toSimplified('發'.codePointAt(0)!)), '发');
  });

  test('lone surrogates are kept, not dropped or merged', () => {
    assert.equal(normalizeText('a\ud800b\udc00'), 'a\ud800b\udc00');
  });

  test('a text longer than any before (the scratch buffer grows) is normalised whole', () => {
    assert.equal(normalizeText('Ａ'.repeat(300_000)), 'a'.repeat(300_000));
    assert.equal(normalize('Ｂ'.repeat(600_000)).text, 'b'.repeat(600_000));
  });

  test('the fingerprint is the normal form’s length and FNV-1a hash, without building it', () => {
    const fnv = (s: string) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
      return h >>> 0;
    };
    for (const text of ['', '  ', 'Hello 世界!!', 'ＨＥＬＬＯ 世界', '發票 ﬁ ㎏ が', 'a\ud800b', '👍🏻 加 微.信', 'x'.repeat(5000)]) {
      const norm = normalizeText(text);
      assert.deepEqual(normalFingerprint(text), { length: norm.length, hash: fnv(norm) }, text);
    }
    assert.deepEqual(normalFingerprint('Hello 世界!!'), normalFingerprint('ＨＥＬＬＯ世界'), 'evasions repeat');
  });
});

describe('ModerationMatcher: evasions', () => {
  const m = new ModerationMatcher([entry('微信'), entry('发票'), entry('spam'), entry('WeiXin'), entry('傻逼'), entry('加微')]);
  const table: [string, string, string[]][] = [
    ['plain', '加我微信吧', ['微信']],
    ['two words sharing a character', '加微信', ['加微', '微信']],
    ['full-width Latin', '加我ＷＥＩＸＩＮ', ['weixin']],
    ['upper case', 'SPAM SPAM', ['spam']],
    ['mixed case', 'this is SpAm', ['spam']],
    ['zero-width inside the word', '傻\u200b逼', ['傻逼']],
    ['variation selector inside the word', '傻\ufe0f逼', ['傻逼']],
    ['spaces inside', '微 信', ['微信']],
    ['ideographic space inside', '微\u3000信', ['微信']],
    ['punctuation inside', '微.信 / 微-信 / 微*信', ['微信']],
    ['emoji inside', '微💥信', ['微信']],
    ['ZWJ emoji inside', '微👨‍👩‍👧信', ['微信']],
    ['traditional', '開發票', ['发票']],
    ['traditional with spaces and full-width', '發　票 Ｓ．Ｐ．Ａ．Ｍ', ['spam', '发票']],
    ['mixed evasions', 'ｗ\u200bE i·X🔥i Ｎ', ['weixin']],
    ['nothing', '今天天气不错，大家早上好！', []],
  ];
  for (const [name, text, want] of table) {
    test(`${name}: ${JSON.stringify(text)}`, () => assert.deepEqual(wordsIn(m, text), [...want].sort()));
  }
});

describe('ModerationMatcher: every occurrence', () => {
  test('a word that is a suffix of a longer partial match (mint-filter misses it)', () => {
    assert.deepEqual(wordsIn(matcher('微信号码', '信号'), '加我微信号'), ['信号']);
    assert.deepEqual(wordsIn(matcher('abcd', 'bc'), 'xabce'), ['bc']);
  });

  test('overlapping words and words inside words, each occurrence with its position', () => {
    const m = matcher('微信', '信号', '微信号', '号', 'aa');
    const hits = m.match('微信号 aaa').map((h) => `${h.word}@${h.normStart}-${h.normEnd}`);
    assert.deepEqual(hits.sort(), ['aa@3-5', 'aa@4-6', '号@2-3', '信号@1-3', '微信@0-2', '微信号@0-3'].sort());
  });

  test('hits come in order of where they end', () => {
    const hits = matcher('ab', 'b', 'abc', 'c').match('abc');
    assert.deepEqual(
      hits.map((h) => h.normEnd),
      [...hits.map((h) => h.normEnd)].sort((a, b) => a - b),
    );
  });

  test('astral characters: emoji and CJK extension B in words and texts', () => {
    const m = matcher('𠮷野', '野家', '😀');
    assert.deepEqual(wordsIn(m, 'a𠮷野家b'), ['野家', '𠮷野']);
    assert.deepEqual(wordsIn(m, '𠮷 野'), ['𠮷野']);
    // An emoji-only word normalises to nothing (emoji are removed), so it is ignored.
    assert.equal(m.size, 2);
    assert.deepEqual(wordsIn(m, 'hi 😀'), []);
    // A different astral character with the same high surrogate is not a match.
    assert.deepEqual(wordsIn(matcher('𠮷'), '𠮸'), []);
  });

  test('empty and whitespace-only words are ignored', () => {
    const m = new ModerationMatcher([entry(''), entry('   '), entry('\u200b'), entry('！？'), entry('ok')]);
    assert.equal(m.size, 1);
    assert.deepEqual(wordsIn(m, '  ！？ ok'), ['ok']);
    assert.deepEqual(new ModerationMatcher([]).match('anything at all'), []);
  });

  test('the same word in two lists (or spelled two ways) gives one hit per entry', () => {
    const a = entry('发票', 'workspace', 'block');
    const b = entry('發票', 'group-7', 'alert');
    const c = entry('发 票', 'group-7', 'warn');
    const m = new ModerationMatcher([a, b, c]);
    assert.equal(m.size, 1);
    const hits = m.match('代开发票');
    assert.equal(hits.length, 3);
    assert.deepEqual(
      hits.map((h) => h.entry),
      [a, b, c],
    );
    assert.ok(hits.every((h) => h.word === '发票' && h.start === 2 && h.end === 4));
  });

  test('the caller\'s entry type comes back in the hits', () => {
    const m = new ModerationMatcher([{ word: 'x1', action: 'warn' as const, listId: 'l', id: 42 }]);
    const [hit] = m.match('X1');
    assert.equal(hit?.entry.id, 42);
  });
});

describe('ModerationMatcher: spans in the original text', () => {
  const m = matcher('微信', '发票', 'spam', '𠮷野', '信号');
  const cases: [string, string, string][] = [
    ['加我微 信吧', '微信', '微 信'],
    ['加我微💥信吧', '微信', '微💥信'],
    ['加我微\u200b信', '微信', '微\u200b信'],
    ['代開發　票！', '发票', '發　票'],
    ['buy Ｓ ｐ ａ Ｍ now', 'spam', 'Ｓ ｐ ａ Ｍ'],
    ['x𠮷 野y', '𠮷野', '𠮷 野'],
    ['😀😀信😀号😀', '信号', '信😀号'],
  ];
  for (const [text, word, shown] of cases) {
    test(`${JSON.stringify(text)} → ${JSON.stringify(shown)}`, () => {
      const hit = m.match(text).find((h) => h.word === word);
      assert.ok(hit, `no hit for ${word}`);
      assert.equal(text.slice(hit.start, hit.end), shown);
      // The normalised span is where the word is in normalize(text), and maps back to the same span.
      const n = normalize(text);
      assert.equal(n.text.slice(hit.normStart, hit.normEnd), word);
      assert.deepEqual(originalSpan(n, hit.normStart, hit.normEnd), { start: hit.start, end: hit.end });
    });
  }

  test('masking every hit in the original text', () => {
    const text = '加我微 信，开發票找我';
    const masked = [...text];
    for (const h of m.match(text)) for (let i = h.start; i < h.end; i++) masked[i] = '*';
    assert.equal(masked.join(''), '加我***，开**找我');
  });
});

// ---- differential test ----------------------------------------------------------------------------

/** The obvious implementation: normalise both sides, then indexOf every word at every position. */
function reference(words: string[], text: string): Set<string> {
  const norm = normalizeText(text);
  const out = new Set<string>();
  for (const raw of words) {
    const w = normalizeText(raw);
    if (w === '') continue;
    for (let at = norm.indexOf(w); at !== -1; at = norm.indexOf(w, at + 1)) out.add(`${w}@${at}`);
  }
  return out;
}

const asSet = (hits: ModerationHit[]) => new Set(hits.map((h) => `${h.word}@${h.normStart}`));

describe('ModerationMatcher: randomized differential test against normalise + indexOf', () => {
  // A small alphabet so words overlap, nest and repeat; with characters that fold or vanish.
  const ALPHABET = ['a', 'b', 'c', 'A', 'Ｂ', '微', '信', '號', '号', '码', '碼', '𠮷', '😀', ' ', '.', '\u200b', '\ufe0f', 'ß', 's', 'ﬁ', 'i', 'f', '①', '1', 'é', 'e\u0301', '発', '發', '发'];
  const randomString = (r: () => number, lo: number, hi: number) => {
    let s = '';
    const len = int(r, lo, hi);
    for (let i = 0; i < len; i++) s += pick(r, ALPHABET);
    return s;
  };

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    test(`seed ${seed}: same (word, normalised position) set on 300 messages`, () => {
      const r = rng(seed);
      const words = Array.from({ length: int(r, 5, 60) }, () => randomString(r, 1, 5));
      const m = new ModerationMatcher(words.map((w, i) => entry(w, `l${i % 3}`)));
      for (let k = 0; k < 300; k++) {
        const text = randomString(r, 0, 80);
        const got = asSet(m.match(text));
        const want = reference(words, text);
        assert.deepEqual([...got].sort(), [...want].sort(), `words ${JSON.stringify(words)} text ${JSON.stringify(text)}`);
        // Every reported span of the original text normalises to the word (or to a little more, when
        // the span starts or ends inside a character that folds to several, as ﬁ → fi).
        for (const h of m.match(text)) assert.ok(normalizeText(text.slice(h.start, h.end)).includes(h.word), `${h.word} in ${JSON.stringify(text)}`);
      }
    });
  }

  test('a realistic word list (1,000 words) on chat-like messages', async () => {
    const { moderationWords, moderationMessages } = await import('../../bench/lib/moderation-data.ts');
    const words = moderationWords(1000, 99);
    const m = new ModerationMatcher(words.map((w) => entry(w)));
    let hits = 0;
    for (const msg of moderationMessages(300, { words, injectRate: 0.5, disguiseRate: 0.5, seed: 7 })) {
      const got = asSet(m.match(msg.text));
      assert.deepEqual([...got].sort(), [...reference(words, msg.text)].sort(), msg.text);
      if (msg.injected) assert.ok([...got].some((k) => k.startsWith(`${msg.injected!.word}@`)), `${msg.injected.word} (${msg.injected.disguise}) in ${msg.text}`);
      hits += got.size;
    }
    assert.ok(hits > 150, `only ${hits} hits`);
  });
});
