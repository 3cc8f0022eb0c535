// The pure moderation verdict: strongest action wins, a block degrades to a warn where the channel
// cannot delete, and the intents (delete + @warning) have keys derived from the event.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventId, type MessageEvent } from '../../src/core/events.ts';
import { ModerationMatcher } from '../../src/core/moderation/matcher.ts';
import { judge, moderationIntents } from '../../src/core/moderation/policy.ts';

const matcher = new ModerationMatcher([
  { word: '微信', action: 'block', listId: 'L1' },
  { word: '发票', action: 'warn', listId: 'L2' },
  { word: '红包', action: 'alert', listId: 'L1' },
]);

function message(text: string, group: string | null = 'pg-1'): MessageEvent {
  return {
    kind: 'message',
    id: eventId('acc', `m-${text}`),
    channelAccountId: 'acc',
    platformEventId: `m-${text}`,
    occurredAt: 0,
    platformGroupId: group,
    sender: { platformUserId: 'u-1', displayName: '路人' },
    platformMessageId: `pm-${text}`,
    content: { type: 'text', text, mentions: [] },
  };
}

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

describe('moderation intents', () => {
  test('block: delete the message, then warn the sender with an @mention; keys derive from the event', () => {
    const ev = message('加微信');
    const out = moderationIntents(ev, judge(matcher.match(ev.content.text), true)!, 'zh-CN');
    assert.deepEqual(out.map((k) => [k.idempotencyKey, k.intent.kind]), [
      [`${ev.id}:mod:delete`, 'delete_message'],
      [`${ev.id}:mod:warn`, 'send_message'],
    ]);
    const warn = out[1]!.intent;
    assert.equal(warn.kind, 'send_message');
    if (warn.kind !== 'send_message') return;
    assert.ok(warn.content.text.startsWith('@路人 '));
    assert.deepEqual(warn.content.mentions, [{ platformUserId: 'u-1', offset: 0, length: 3 }]);
    const del = out[0]!.intent;
    assert.ok(del.kind === 'delete_message' && del.platformMessageId === ev.platformMessageId);
  });

  test('warn: only the warning, in the workspace language', () => {
    const ev = message('开发票');
    const out = moderationIntents(ev, judge(matcher.match(ev.content.text), true)!, 'en');
    assert.deepEqual(out.map((k) => k.intent.kind), ['send_message']);
    const warn = out[0]!.intent;
    assert.ok(warn.kind === 'send_message' && warn.content.text.startsWith('@路人 please note'));
  });

  test('alert, or a direct message: nothing is said or done in a group', () => {
    assert.deepEqual(moderationIntents(message('红包'), judge(matcher.match('红包'), true)!, 'zh-CN'), []);
    const dm = message('加微信', null);
    assert.deepEqual(moderationIntents(dm, judge(matcher.match(dm.content.text), true)!, 'zh-CN'), []);
  });
});
