// The keyword matcher behind keyword rules: one automaton for every "contains" keyword, a hash
// lookup for "exact" ones, and the same normalisation on both sides.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeywordMatcher, normalizeKeywordText, type KeywordEntry, type KeywordMode } from '../../src/core/matcher.ts';

const contains = (keyword: string, value: string): KeywordEntry<string> => ({ keyword, mode: 'contains', value });
const exact = (keyword: string, value: string): KeywordEntry<string> => ({ keyword, mode: 'exact', value });

/** The values that match, sorted, so a test states the set and not an order. */
const values = (m: KeywordMatcher<string>, text: string) => m.match(text).map((h) => h.value).sort();

describe('normalizeKeywordText', () => {
  test('folds full-width forms, case and zero-width characters, and trims', () => {
    assert.equal(normalizeKeywordText('ＺＩＬＩＡＯ'), 'ziliao');
    assert.equal(normalizeKeywordText('ZiLiAo'), 'ziliao');
    assert.equal(normalizeKeywordText('zi\u200bli\u200dao\ufeff'), 'ziliao');
    assert.equal(normalizeKeywordText('  资料\u00a0'), '资料');
    assert.equal(normalizeKeywordText('１２３ＡＢＣ！'), '123abc!');
  });

  test('leaves CJK and emoji as they are', () => {
    assert.equal(normalizeKeywordText('加我微信😀'), '加我微信😀');
  });
});

describe('KeywordMatcher: contains', () => {
  test('finds a keyword anywhere in the text, and nothing when it is absent', () => {
    const m = new KeywordMatcher([contains('资料', 'r1')]);
    assert.deepEqual(values(m, '请问有资料吗？'), ['r1']);
    assert.deepEqual(values(m, '资料'), ['r1']);
    assert.deepEqual(values(m, '请问有资源吗？'), []);
    assert.deepEqual(values(m, ''), []);
  });

  test('normalises the text: full-width, upper case and zero-width characters inside the word', () => {
    const m = new KeywordMatcher([contains('ziliao', 'r1')]);
    for (const text of ['ＺＩＬＩＡＯ', 'ZILIAO', 'ZiLiao', '求zi\u200bliao', 'zi\u200cli\u200dao!', 'ｚｉ\u200bＬＩＡＯ', '要\ufeffziliao']) {
      assert.deepEqual(values(m, text), ['r1'], `"${text}" should match`);
    }
    assert.deepEqual(values(m, 'zi liao'), [], 'a real space is not removed');
    assert.deepEqual(values(m, 'zilia'), []);
  });

  test('normalises the keyword too: a full-width upper-case keyword matches plain text', () => {
    const m = new KeywordMatcher([contains('ＶＩＰ群', 'r1'), contains('Q\u200bQ', 'r2')]);
    assert.deepEqual(values(m, '怎么进vip群'), ['r1']);
    assert.deepEqual(values(m, '加qq'), ['r2']);
  });

  test('several keywords: every matching value once, each with its keyword and position', () => {
    const m = new KeywordMatcher([contains('资料', 'a'), contains('报名', 'b'), contains('价格', 'c')]);
    const hits = m.match('报名后有资料吗？资料在哪');
    assert.deepEqual(
      hits.map((h) => [h.value, h.keyword, h.position]).sort(),
      [
        ['a', '资料', 4],
        ['b', '报名', 0],
      ],
    );
  });

  test('a value with several keywords is reported once', () => {
    const m = new KeywordMatcher([contains('资料', 'r'), contains('课件', 'r'), contains('ppt', 'r')]);
    const hits = m.match('资料、课件和PPT都要');
    assert.equal(hits.length, 1);
    assert.equal(hits[0]?.value, 'r');
  });

  test('overlapping keywords and suffixes: 信号 is found inside 加我微信号 although 微信号码 is not there', () => {
    const m = new KeywordMatcher([contains('微信号码', 'long'), contains('信号', 'short')]);
    const hits = m.match('加我微信号');
    assert.deepEqual(hits, [{ value: 'short', keyword: '信号', position: 3 }]);
    assert.deepEqual(values(m, '加我微信号码'), ['long', 'short'], 'both when the long one is complete');
  });

  test('nested keywords: a keyword that is a suffix, prefix or middle of another are all found', () => {
    const m = new KeywordMatcher([contains('abcd', 'whole'), contains('bc', 'middle'), contains('cd', 'suffix'), contains('ab', 'prefix')]);
    const hits = m.match('xabcdx');
    assert.deepEqual(
      hits.map((h) => [h.value, h.position]).sort(),
      [
        ['middle', 2],
        ['prefix', 1],
        ['suffix', 3],
        ['whole', 1],
      ],
    );
  });

  test('positions are UTF-16 offsets into the normalised text, also after emoji (astral characters)', () => {
    const m = new KeywordMatcher([contains('😀好', 'emoji'), contains('礼包', 'gift'), contains('𠮷野家', 'astral')]);
    const hits = m.match('嗨😀好的，礼包呢？𠮷野家');
    const byValue = Object.fromEntries(hits.map((h) => [h.value, h.position]));
    const text = '嗨😀好的，礼包呢？𠮷野家';
    assert.deepEqual(byValue, { emoji: text.indexOf('😀好'), gift: text.indexOf('礼包'), astral: text.indexOf('𠮷野家') });
    assert.deepEqual(values(m, '😀 好'), [], 'an emoji alone is not the keyword');
  });

  test('a value’s position is where the first of its keywords begins, and hits come in that order', () => {
    // R's long keyword starts at 0; its short keyword and S's keyword end earlier than the long
    // one but start later. R occurs first in the text.
    const m = new KeywordMatcher([contains('abcdef', 'R'), contains('cde', 'R'), contains('bc', 'S')]);
    const hits = m.match('abcdef');
    assert.deepEqual(
      hits.map((h) => [h.value, h.position]),
      [
        ['R', 0],
        ['S', 1],
      ],
    );
  });

  test('empty and blank keywords are ignored (they would match every message)', () => {
    const m = new KeywordMatcher([contains('', 'empty'), contains('   ', 'blank'), contains('\u200b', 'zw'), exact('', 'exact-empty'), contains('资料', 'real')]);
    assert.equal(m.size, 1);
    assert.deepEqual(values(m, '随便说点什么'), []);
    assert.deepEqual(values(m, ''), []);
    assert.deepEqual(values(m, '资料'), ['real']);
  });

  test('no keywords at all: nothing ever matches', () => {
    const m = new KeywordMatcher<string>([]);
    assert.equal(m.size, 0);
    assert.deepEqual(m.match('资料'), []);
  });
});

describe('KeywordMatcher: exact', () => {
  test('matches only the whole (normalised) message', () => {
    const m = new KeywordMatcher([exact('签到', 'checkin')]);
    assert.deepEqual(values(m, '签到'), ['checkin']);
    assert.deepEqual(values(m, '  签到 '), ['checkin'], 'surrounding blanks do not count');
    assert.deepEqual(values(m, '签\u200b到'), ['checkin']);
    assert.deepEqual(values(m, '我要签到'), []);
    assert.deepEqual(values(m, '签到了'), []);
  });

  test('case and width folding apply to exact keywords too', () => {
    const m = new KeywordMatcher([exact('Hello', 'hi')]);
    assert.deepEqual(values(m, 'ＨＥＬＬＯ'), ['hi']);
    assert.deepEqual(values(m, 'hello there'), []);
  });

  test('exact and contains on the same word: both values, each once', () => {
    const m = new KeywordMatcher([exact('资料', 'e'), contains('资料', 'c')]);
    assert.deepEqual(values(m, '资料'), ['c', 'e']);
    assert.deepEqual(values(m, '有资料吗'), ['c']);
  });

  test('the same value reached by exact and contains is reported once', () => {
    const m = new KeywordMatcher([exact('资料', 'v'), contains('资', 'v')]);
    assert.equal(m.match('资料').length, 1);
  });
});

describe('KeywordMatcher: scale', () => {
  test('10,000 keywords give the same hits as a naive scan', () => {
    const entries: KeywordEntry<number>[] = [];
    for (let i = 0; i < 10_000; i++) entries.push({ keyword: `kw${i}x`, mode: 'contains' as KeywordMode, value: i });
    const m = new KeywordMatcher(entries);
    assert.equal(m.size, 10_000);
    const text = '开头 kw7x 中间 KW42X 然后 kw9999x 以及 kw10000x';
    const naive = entries.filter((e) => text.toLowerCase().includes(e.keyword)).map((e) => e.value);
    assert.deepEqual(
      m
        .match(text)
        .map((h) => h.value)
        .sort((a, b) => a - b),
      naive.sort((a, b) => a - b),
    );
    assert.deepEqual(naive.sort((a, b) => a - b), [7, 42, 9999]);
  });
});

describe('KeywordMatcher: against a reference', () => {
  test('random keywords and texts over a small alphabet (overlaps, nesting, astral characters): the same values at the same positions as normalise + indexOf', () => {
    // A seeded generator, so a failure names the case that failed.
    let seed = 20261123;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const alphabet = ['a', 'b', 'A', 'c', '资', '料', '😀', '𠮷', 'Ｂ', '\u200b'];
    const word = (min: number, max: number) => Array.from({ length: min + Math.floor(rand() * (max - min + 1)) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    for (let round = 0; round < 200; round++) {
      const entries: KeywordEntry<string>[] = Array.from({ length: 1 + Math.floor(rand() * 12) }, (_, i) => ({ keyword: word(1, 4), mode: 'contains' as KeywordMode, value: `v${Math.floor(i / 2)}` }));
      const m = new KeywordMatcher(entries);
      for (let t = 0; t < 20; t++) {
        const text = word(0, 30);
        const normalized = normalizeKeywordText(text);
        const expected = new Map<string, number>();
        for (const e of entries) {
          const k = normalizeKeywordText(e.keyword);
          const at = k === '' ? -1 : normalized.indexOf(k);
          if (at >= 0 && (expected.get(e.value) ?? Infinity) > at) expected.set(e.value, at);
        }
        const hits = m.match(text);
        const what = `keywords ${JSON.stringify(entries.map((e) => e.keyword))}, text ${JSON.stringify(text)}`;
        assert.deepEqual(new Map(hits.map((h) => [h.value, h.position])), expected, what);
        assert.deepEqual(
          hits.map((h) => h.position),
          [...hits.map((h) => h.position)].sort((x, y) => x - y),
          `in order of position: ${what}`,
        );
        for (const h of hits) assert.equal(normalized.slice(h.position, h.position + h.keyword.length), h.keyword, `the keyword is where it is said to be: ${what}`);
      }
    }
  });
});
