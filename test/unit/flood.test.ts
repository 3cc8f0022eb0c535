// Flood and raid detection: the sliding rate window, repeats after normalisation, reporting once per
// window, group-wide message and join velocity, out-of-order times, and the memory bound (eviction
// of the least recently seen member or group).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FloodTracker, type FloodKind, type FloodSettings, type RaidSettings } from '../../src/core/moderation/flood.ts';
import { DEFAULT_GROUP_SETTINGS, type GroupSettings } from '../../src/shared/group-settings.ts';

// The schema's sections are what the tracker takes (checked by the compiler).
const _flood: FloodSettings = DEFAULT_GROUP_SETTINGS.flood satisfies GroupSettings['flood'];
const _raid: RaidSettings = DEFAULT_GROUP_SETTINGS.raid satisfies GroupSettings['raid'];

const flood = (o: Partial<GroupSettings['flood']> = {}): GroupSettings['flood'] => ({ ...DEFAULT_GROUP_SETTINGS.flood, ...o });
const raid = (o: Partial<GroupSettings['raid']> = {}): GroupSettings['raid'] => ({ ...DEFAULT_GROUP_SETTINGS.raid, ...o });
const s = (seconds: number) => seconds * 1000;
/** A high rate limit, so only repeats can cross. */
const REPEATS_ONLY = { maxMessages: 100, perSeconds: 1 };
/** Distinct texts, so only the rate can cross. */
const distinct = (i: number) => `message number ${i} ${'x'.repeat(i % 7)}`;

/** Sends `texts[i]` at `times[i]` seconds from one member; what each message returned. */
function run(settings: GroupSettings['flood'], times: number[], texts: (i: number) => string = distinct, tracker = new FloodTracker()): (FloodKind | null)[] {
  return times.map((t, i) => tracker.message('g1', 'm1', texts(i), s(t), settings));
}

describe('rate: more than maxMessages within perSeconds', () => {
  // maxMessages 3 per 10 s.
  const cases: [string, number[], (FloodKind | null)[]][] = [
    ['three in a window: fine', [0, 1, 2], [null, null, null]],
    ['the fourth within 10 s crosses', [0, 1, 2, 3], [null, null, null, 'rate']],
    ['a sliding window, not fixed buckets', [0, 8, 9, 11, 12], [null, null, null, null, 'rate']],
    ['a message exactly perSeconds old has left the window', [0, 1, 2, 10], [null, null, null, null]],
    ['slow and steady never crosses', [0, 4, 8, 12, 16, 20, 24, 28], [null, null, null, null, null, null, null, null]],
    ['a burst of four at the same instant', [5, 5, 5, 5], [null, null, null, 'rate']],
  ];
  for (const [name, times, want] of cases) test(name, () => assert.deepEqual(run(flood({ maxMessages: 3, perSeconds: 10 }), times), want));

  test('the defaults: 8 per 10 s', () => {
    const got = run(flood(), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(got, [null, null, null, null, null, null, null, null, 'rate']);
  });
});

describe('reported once per window', () => {
  test('a member who keeps flooding is reported again one window after the last report', () => {
    // 1 message per second, limit 3 per 10 s: crosses at t=3, then no report until t=13.
    const times = Array.from({ length: 25 }, (_, i) => i);
    const got = run(flood({ maxMessages: 3, perSeconds: 10 }), times);
    assert.deepEqual(
      got.flatMap((k, i) => (k ? [[times[i], k]] : [])),
      [
        [3, 'rate'],
        [13, 'rate'],
        [23, 'rate'],
      ],
    );
  });
  test('after a pause, only a new crossing is reported', () => {
    const got = run(flood({ maxMessages: 3, perSeconds: 10 }), [0, 1, 2, 3, 4, 30, 31, 32, 33]);
    assert.deepEqual(got, [null, null, null, 'rate', null, null, null, null, 'rate']);
  });
});

describe('repeat: the same normalised text maxRepeats times within repeatSeconds', () => {
  const settings = flood({ ...REPEATS_ONLY, maxRepeats: 3, repeatSeconds: 60 });
  const cases: [string, string[], number[], (FloodKind | null)[]][] = [
    ['the third time', ['buy now', 'buy now', 'buy now'], [0, 1, 2], [null, null, 'repeat']],
    ['after the normaliser: case, width, punctuation, spaces', ['hi there!!', 'ＨＩ ＴＨＥＲＥ', 'Hi, there.'], [0, 1, 2], [null, null, 'repeat']],
    ['traditional and simplified Chinese', ['加我微信发票', '加我微信發票', '加我 微信 发票！'], [0, 1, 2], [null, null, 'repeat']],
    ['other texts in between still count', ['spam', 'a', 'hello', 'spam', 'world', 'spam'], [0, 1, 2, 3, 4, 5], [null, null, null, null, null, 'repeat']],
    ['spread over more than repeatSeconds: no', ['spam', 'spam', 'spam'], [0, 40, 80], [null, null, null]],
    ['a text repeated exactly repeatSeconds later has left the window', ['spam', 'spam', 'spam'], [0, 30, 60], [null, null, null]],
    ['different texts: no', ['spam 1', 'spam 2', 'spam 3'], [0, 1, 2], [null, null, null]],
    ['one-character texts are not compared (接龙 "1", "+1")', ['1', '+1', '1', '1', '1'], [0, 1, 2, 3, 4], [null, null, null, null, null]],
    ['emoji-only texts are not compared', ['👍', '👍👍', '👍', '👍'], [0, 1, 2, 3], [null, null, null, null]],
    ['two characters are compared', ['好的', '好的', '好的'], [0, 1, 2], [null, null, 'repeat']],
  ];
  for (const [name, texts, times, want] of cases) test(name, () => assert.deepEqual(run(settings, times, (i) => texts[i]!), want));

  test('maxRepeats 2: the second time', () => {
    assert.deepEqual(run(flood({ ...REPEATS_ONLY, maxRepeats: 2 }), [0, 1], () => 'again'), [null, 'repeat']);
  });
  test('reported once per repeatSeconds while it goes on', () => {
    const times = Array.from({ length: 13 }, (_, i) => i * 10); // every 10 s for 2 minutes
    const got = run(flood({ ...REPEATS_ONLY, maxRepeats: 3, repeatSeconds: 60 }), times, () => 'same text');
    assert.deepEqual(
      got.flatMap((k, i) => (k ? [times[i]] : [])),
      [20, 80],
    );
  });
  test('when one message crosses both, it is a repeat, and the rate is not reported right after', () => {
    const settings = flood({ maxMessages: 2, perSeconds: 10, maxRepeats: 3, repeatSeconds: 60 });
    assert.deepEqual(run(settings, [0, 1, 2, 3], () => 'spam spam'), [null, null, 'repeat', null]);
  });
  test('the look-back is bounded: a text 100 messages ago is forgotten', () => {
    const tracker = new FloodTracker();
    const settings = flood({ ...REPEATS_ONLY, maxRepeats: 2, repeatSeconds: 3600 });
    assert.equal(tracker.message('g', 'm', 'the first text', 0, settings), null);
    for (let i = 0; i < 100; i++) assert.equal(tracker.message('g', 'm', distinct(i), s(1 + i), settings), null);
    assert.equal(tracker.message('g', 'm', 'the first text', s(200), settings), null);
    // …while one a few messages ago is not.
    assert.equal(tracker.message('g', 'm', distinct(99), s(201), settings), 'repeat');
  });
});

describe('members, groups and settings', () => {
  test('members are tracked per group', () => {
    const tracker = new FloodTracker();
    const settings = flood({ ...REPEATS_ONLY, maxRepeats: 2 });
    assert.equal(tracker.message('g1', 'm1', 'hello all', 0, settings), null);
    assert.equal(tracker.message('g2', 'm1', 'hello all', 1, settings), null);
    assert.equal(tracker.message('g1', 'm2', 'hello all', 2, settings), null);
    assert.equal(tracker.message('g1', 'm1', 'hello all', 3, settings), 'repeat');
  });
  test("action 'off': never anything, and nothing recorded", () => {
    const tracker = new FloodTracker();
    const off = flood({ action: 'off', maxMessages: 2 });
    for (let i = 0; i < 10; i++) assert.equal(tracker.message('g', 'm', 'same', s(i / 10), off), null);
    assert.equal(tracker.message('g', 'm', 'same', s(1), flood({ maxMessages: 2, maxRepeats: 2 })), null);
  });
  test('forget: the member starts afresh', () => {
    const tracker = new FloodTracker();
    const settings = flood({ ...REPEATS_ONLY, maxRepeats: 2 });
    tracker.message('g', 'm', 'spam spam', 0, settings);
    tracker.forget('g', 'm');
    assert.equal(tracker.message('g', 'm', 'spam spam', 1, settings), null);
    assert.equal(tracker.message('g', 'm', 'spam spam', 2, settings), 'repeat');
    tracker.forget('g', 'nobody'); // unknown: nothing happens
  });
  test('a message that arrives out of order counts at the latest time seen', () => {
    assert.deepEqual(run(flood({ maxMessages: 3, perSeconds: 10 }), [20, 5, 6, 7]), [null, null, null, 'rate']);
    // Reported at 101 (not at 50), so 102 is still inside the window of that report.
    assert.deepEqual(run(flood({ maxMessages: 2, perSeconds: 10 }), [100, 101, 50, 102]), [null, null, 'rate', null]);
  });
});

describe('raids: group-wide velocity', () => {
  test('messages: more than messagesPerMinute within 60 s', () => {
    const tracker = new FloodTracker();
    const r = raid({ messagesPerMinute: 10 });
    const got = Array.from({ length: 12 }, (_, i) => tracker.groupMessage('g', s(i), r));
    assert.deepEqual(
      got.flatMap((x, i) => (x ? [i] : [])),
      [10],
    );
  });
  test('joins: more than joinsPerMinute within 60 s', () => {
    const tracker = new FloodTracker();
    const r = raid({ joinsPerMinute: 3 });
    assert.deepEqual([0, 10, 20, 30].map((t) => tracker.join('g', s(t), r)), [false, false, false, true]);
  });
  test('joins spread over more than a minute are not a raid', () => {
    const tracker = new FloodTracker();
    const r = raid({ joinsPerMinute: 3 });
    assert.deepEqual([0, 20, 40, 60, 80, 100].map((t) => tracker.join('g', s(t), r)), [false, false, false, false, false, false]);
  });
  test('counted by the second: an event in second 0 has left the window in second 60', () => {
    const tracker = new FloodTracker();
    const r = raid({ joinsPerMinute: 2 });
    assert.deepEqual([0.9, 30, 59.9, 60.1].map((t) => tracker.join('g', s(t), r)), [false, false, true, false]);
  });
  test('reported once per minute while the raid goes on', () => {
    const tracker = new FloodTracker();
    const r = raid({ joinsPerMinute: 5 });
    const times = Array.from({ length: 150 }, (_, i) => i); // a join a second for 150 s
    const got = times.filter((t) => tracker.join('g', s(t), r));
    assert.deepEqual(got, [5, 65, 125]);
  });
  test('a join that arrives out of order counts in the latest second', () => {
    const tracker = new FloodTracker();
    const r = raid({ joinsPerMinute: 3 });
    assert.deepEqual([100, 101, 30, 102].map((t) => tracker.join('g', s(t), r)), [false, false, false, true]);
  });
  test('after two quiet minutes nothing of the old counts is left', () => {
    const tracker = new FloodTracker();
    const r = raid({ joinsPerMinute: 2 });
    assert.deepEqual([1, 1, 1, 120].map((t) => tracker.join('g', s(t), r)), [false, false, true, false]);
  });
  test('a quiet minute resets the count', () => {
    const tracker = new FloodTracker();
    const r = raid({ joinsPerMinute: 2 });
    assert.deepEqual([0, 1, 2, 200, 201, 202].map((t) => tracker.join('g', s(t), r)), [false, false, true, false, false, true]);
  });
  test('messages and joins are counted apart, groups apart', () => {
    const tracker = new FloodTracker();
    const r = raid({ joinsPerMinute: 2, messagesPerMinute: 10 });
    for (let i = 0; i < 10; i++) tracker.groupMessage('g', s(i), r);
    assert.deepEqual([tracker.join('g', s(10), r), tracker.join('g', s(11), r), tracker.join('g2', s(12), r), tracker.join('g', s(13), r)], [false, false, false, true]);
  });
  test('raid detection disabled: never', () => {
    const tracker = new FloodTracker();
    const off = raid({ enabled: false, joinsPerMinute: 2, messagesPerMinute: 10 });
    for (let i = 0; i < 50; i++) {
      assert.equal(tracker.join('g', i, off), false);
      assert.equal(tracker.groupMessage('g', i, off), false);
    }
  });
  test('a high limit is counted exactly (100,000 a minute)', () => {
    const tracker = new FloodTracker();
    const r = raid({ messagesPerMinute: 100_000 });
    let crossedAt = -1;
    for (let i = 0; i < 100_001; i++) if (tracker.groupMessage('g', Math.floor(i / 2000) * 1000, r)) crossedAt = i;
    assert.equal(crossedAt, 100_000);
  });
});

describe('bounded memory', () => {
  const settings = flood({ ...REPEATS_ONLY, maxRepeats: 3, repeatSeconds: 600 });

  test('maxKeys must be a positive integer', () => {
    assert.throws(() => new FloodTracker({ maxKeys: 0 }), RangeError);
    assert.throws(() => new FloodTracker({ maxKeys: 1.5 }), RangeError);
  });

  test('the least recently seen member is evicted first', () => {
    const tracker = new FloodTracker({ maxKeys: 2 });
    tracker.message('g', 'a', 'buy my stuff', s(0), settings);
    tracker.message('g', 'a', 'buy my stuff', s(1), settings);
    tracker.message('g', 'b', 'hello', s(2), settings);
    tracker.message('g', 'c', 'hello', s(3), settings); // a is the least recently seen: evicted
    assert.equal(tracker.message('g', 'a', 'buy my stuff', s(4), settings), null);
  });

  test('a member seen again moves to the back of the line', () => {
    const tracker = new FloodTracker({ maxKeys: 2 });
    tracker.message('g', 'a', 'buy my stuff', s(0), settings);
    tracker.message('g', 'a', 'buy my stuff', s(1), settings);
    tracker.message('g', 'b', 'hello', s(2), settings);
    tracker.message('g', 'a', 'something else', s(3), settings); // a touched: b is now the oldest
    tracker.message('g', 'c', 'hello', s(4), settings); // evicts b
    assert.equal(tracker.message('g', 'a', 'buy my stuff', s(5), settings), 'repeat');
    tracker.message('g', 'b', 'x1', s(6), settings);
  });

  test('groups are bounded on their own, and do not evict members', () => {
    const tracker = new FloodTracker({ maxKeys: 1 });
    const r = raid({ joinsPerMinute: 2 });
    tracker.join('g1', s(0), r);
    tracker.join('g1', s(1), r);
    tracker.message('g1', 'a', 'buy my stuff', s(1), settings);
    tracker.join('g2', s(2), r); // evicts g1's counters
    assert.equal(tracker.join('g1', s(3), r), false);
    tracker.message('g1', 'a', 'buy my stuff', s(4), settings);
    assert.equal(tracker.message('g1', 'a', 'buy my stuff', s(5), settings), 'repeat');
  });

  test('a stream of one-off members never holds more than maxKeys', () => {
    // Observed through eviction: after 1,000 others, the first member's history is gone.
    const tracker = new FloodTracker({ maxKeys: 100 });
    tracker.message('g', 'first', 'buy my stuff', 0, settings);
    tracker.message('g', 'first', 'buy my stuff', 1, settings);
    for (let i = 0; i < 1000; i++) tracker.message('g', `m${i}`, 'hi there', 2 + i, settings);
    assert.equal(tracker.message('g', 'first', 'buy my stuff', 2000, settings), null);
  });
});
