// Batched welcomes, the pure part: when a batch is due, how joins add to it, and the one message it
// becomes (members who left dropped, 20 mentioned, the rest counted, the workspace's language).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlatformUser } from '../../src/core/events.ts';
import { addToBatch, isImmediate, isWelcomeBatch, MENTION_CAP, openBatch, renderWelcome, TRACKED_CAP, welcomeDueAt, type WelcomeBatch } from '../../src/core/welcome.ts';

const T = 1_700_000_000_000;
const group = { name: '读书会', rules: '禁止广告' };
const WELCOME = [{ template: '欢迎 {nickname} 加入{group}！', mention: true }];
const person = (i: number): PlatformUser => ({ platformUserId: `u-${i}`, displayName: `成员${i}` });
const everyone = () => true;

function batchOf(n: number, opts: { locale?: 'zh-CN' | 'en'; actions?: typeof WELCOME } = {}): WelcomeBatch {
  const actions = opts.actions ?? WELCOME;
  let b = openBatch({ channelAccountId: 'acc', platformGroupId: 'pg', actions, group, locale: opts.locale ?? 'zh-CN', member: person(0) });
  for (let i = 1; i < n; i++) b = addToBatch(b, { member: person(i), actions, group });
  return b;
}

describe('welcomeDueAt and isImmediate', () => {
  test('batching off only when both are 0', () => {
    assert.equal(isImmediate({ batchSeconds: 0, cooldownSeconds: 0 }), true);
    assert.equal(isImmediate({ batchSeconds: 0, cooldownSeconds: 30 }), false);
    assert.equal(isImmediate({ batchSeconds: 5, cooldownSeconds: 0 }), false);
  });

  test('a first batch is due batchSeconds after the join that opens it', () => {
    assert.equal(welcomeDueAt(T, { batchSeconds: 5, cooldownSeconds: 30 }, null), T + 5000);
  });

  test('a later batch waits for the cooldown after the previous one', () => {
    const s = { batchSeconds: 5, cooldownSeconds: 30 };
    assert.equal(welcomeDueAt(T + 6000, s, T + 5000), T + 35_000, 'within the cooldown: at its end');
    assert.equal(welcomeDueAt(T + 60_000, s, T + 5000), T + 65_000, 'after it: batchSeconds from now');
    assert.equal(welcomeDueAt(T, { batchSeconds: 0, cooldownSeconds: 30 }, T - 10_000), T + 20_000, 'no batch window, only the cooldown');
  });
});

describe('a batch', () => {
  test('adds members in order, each once', () => {
    let b = batchOf(2);
    b = addToBatch(b, { member: person(1), actions: WELCOME, group });
    assert.deepEqual(b.members.map((m) => m.user.platformUserId), ['u-0', 'u-1']);
    assert.equal(b.more, 0);
    assert.equal(isWelcomeBatch(JSON.parse(JSON.stringify(b))), true);
    assert.equal(isWelcomeBatch({ kind: 'send_message' }), false);
  });

  test('keeps TRACKED_CAP members by name and counts the rest', () => {
    const b = batchOf(TRACKED_CAP + 7);
    assert.equal(b.members.length, TRACKED_CAP);
    assert.equal(b.more, 7);
  });

  test('takes the latest replies and group name from each join', () => {
    const edited = [{ template: '新的欢迎 {nickname}', mention: false }];
    const b = addToBatch(batchOf(1), { member: person(1), actions: edited, group: { name: '新名字', rules: '' } });
    assert.deepEqual(b.actions, edited);
    assert.equal(b.group.name, '新名字');
  });

  test('keeps the inviters', () => {
    const inviter = { platformUserId: 'u-inv', displayName: '老王' };
    const b = openBatch({ channelAccountId: 'acc', platformGroupId: 'pg', actions: [{ template: '感谢 {inviter} 邀请 {nickname}', mention: false }], group, locale: 'zh-CN', member: person(0), inviter });
    const b2 = addToBatch(b, { member: person(1), inviter, actions: b.actions, group });
    const out = renderWelcome(b2, everyone);
    assert.equal(out?.content.text, '感谢 @老王 邀请 @成员0、@成员1', 'an inviter of several is named once');
  });
});

describe('renderWelcome', () => {
  test('one member: the same text a single welcome has, as a group message', () => {
    const out = renderWelcome(batchOf(1), everyone);
    assert.deepEqual(out, {
      kind: 'send_message',
      channelAccountId: 'acc',
      platformGroupId: 'pg',
      platformUserId: null,
      content: { type: 'text', text: '欢迎 @成员0 加入读书会！', mentions: [{ platformUserId: 'u-0', offset: 3, length: 4 }] },
      priority: 'interactive',
    });
  });

  test('30 members: 20 mentioned, "以及另外 10 位新朋友"', () => {
    const out = renderWelcome(batchOf(30), everyone);
    assert.ok(out);
    assert.equal(out.content.mentions.length, MENTION_CAP);
    assert.deepEqual(out.content.mentions.map((m) => m.platformUserId), Array.from({ length: 20 }, (_, i) => `u-${i}`));
    assert.ok(out.content.text.includes('@成员19 以及另外 10 位新朋友 加入读书会'), out.content.text);
    for (const m of out.content.mentions) assert.equal(out.content.text.slice(m.offset, m.offset + m.length), `@成员${m.platformUserId.slice(2)}`);
  });

  test('English workspaces: ", " and "and N others"', () => {
    const out = renderWelcome(batchOf(22, { locale: 'en', actions: [{ template: 'Welcome {nickname}!', mention: true }] }), everyone);
    assert.ok(out?.content.text.startsWith('Welcome @成员0, @成员1, '), out?.content.text);
    assert.ok(out?.content.text.endsWith('@成员19 and 2 others!'), out?.content.text);
  });

  test('members who left are dropped, and the next ones move up into the mentions', () => {
    const gone = new Set(['u-0', 'u-5']);
    const out = renderWelcome(batchOf(22), (id) => !gone.has(id));
    assert.ok(out);
    const ids = out.content.mentions.map((m) => m.platformUserId);
    assert.equal(ids.length, 20);
    assert.ok(!ids.includes('u-0') && !ids.includes('u-5'));
    assert.equal(ids.at(-1), 'u-21');
    assert.ok(!out.content.text.includes('另外'), 'all 20 who stayed are named');
  });

  test('nobody left: nothing to send', () => {
    assert.equal(renderWelcome(batchOf(3), () => false), null);
  });

  test('counted joins beyond the tracked ones are still welcomed', () => {
    const out = renderWelcome(batchOf(TRACKED_CAP + 5), everyone);
    assert.ok(out?.content.text.includes(`以及另外 ${TRACKED_CAP + 5 - MENTION_CAP} 位新朋友`), out?.content.text);
  });

  test('a template without {nickname}: the list is put in front when the action mentions, not otherwise', () => {
    const mention = renderWelcome(batchOf(2, { actions: [{ template: '欢迎新朋友！', mention: true }] }), everyone);
    assert.equal(mention?.content.text, '@成员0、@成员1 欢迎新朋友！');
    assert.equal(mention?.content.mentions.length, 2);
    const plain = renderWelcome(batchOf(2, { actions: [{ template: '欢迎新朋友！', mention: false }] }), everyone);
    assert.deepEqual(plain?.content, { type: 'text', text: '欢迎新朋友！', mentions: [] });
  });

  test('several replies become one message, the members mentioned once in front', () => {
    const out = renderWelcome(batchOf(2, { actions: [{ template: '欢迎！', mention: true }, { template: '群规：{rules}', mention: true }] }), everyone);
    assert.equal(out?.content.text, '@成员0、@成员1 欢迎！\n\n群规：禁止广告');
    assert.equal(out?.content.mentions.length, 2);
  });
});
