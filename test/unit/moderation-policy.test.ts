// The pure moderation verdict: strongest action wins, a block degrades to a warn where the channel
// cannot delete; several detections (words, ads, floods) are decided the same way.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModerationMatcher } from '../../src/core/moderation/matcher.ts';
import { decide, judge, stricter, type Detection } from '../../src/core/moderation/policy.ts';

const matcher = new ModerationMatcher([
  { word: '微信', action: 'block', listId: 'L1' },
  { word: '发票', action: 'warn', listId: 'L2' },
  { word: '红包', action: 'alert', listId: 'L1' },
]);

describe('moderation verdict', () => {
  test('no hit, no verdict', () => assert.equal(judge(matcher.match('今天天气不错'), true), null));

  test('the strongest action wins; each word once, with its list and its span in the original text', () => {
    const text = '红包 发票 微-信 微信';
    const v = judge(matcher.match(text), true);
    assert.equal(v?.action, 'block');
    assert.equal(v?.applied, 'block');
    assert.deepEqual(v?.words.map((w) => [w.word, w.listId, w.action, text.slice(w.start, w.end)]), [
      ['红包', 'L1', 'alert', '红包'],
      ['发票', 'L2', 'warn', '发票'],
      ['微信', 'L1', 'block', '微-信'],
    ]);
  });

  test('a block becomes a warn where the channel cannot delete', () => {
    const v = judge(matcher.match('加微信'), false);
    assert.deepEqual([v?.action, v?.applied], ['block', 'warn']);
  });
});

describe('deciding between detections', () => {
  const d = (kind: Detection['kind'], action: Detection['action']) => ({ kind, action });

  test('nothing found, nothing decided', () => assert.equal(decide([], true), null));

  test('the strongest action leads; on a tie words explain it before ads, ads before floods', () => {
    assert.deepEqual(decide([d('flood', 'warn'), d('ad', 'block'), d('sensitive_word', 'alert')], true), { lead: d('ad', 'block'), action: 'block', applied: 'block' });
    assert.equal(decide([d('flood', 'warn'), d('ad', 'warn')], true)?.lead.kind, 'ad');
    assert.equal(decide([d('ad', 'block'), d('sensitive_word', 'block')], true)?.lead.kind, 'sensitive_word');
  });

  test('a block is carried out as a warn where the channel cannot delete', () => {
    assert.deepEqual(decide([d('ad', 'block')], false), { lead: d('ad', 'block'), action: 'block', applied: 'warn' });
    assert.equal(decide([d('ad', 'alert')], false)?.applied, 'alert');
  });

  test('first-message scrutiny turns a warn into a block and leaves the rest', () => {
    assert.deepEqual(['alert', 'warn', 'block'].map((a) => stricter(a as Detection['action'])), ['alert', 'block', 'block']);
  });
});
