// Welcome and reply templates: {nickname} and {inviter} become real @mentions (UTF-16 spans into
// the text), {group} and {rules} are plain text, and anything else stays as the operator typed it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MessageContent, PlatformUser } from '../../src/core/events.ts';
import { prependMention, renderTemplate } from '../../src/core/template.ts';

const alice: PlatformUser = { platformUserId: 'u-alice', displayName: '小红' };
const bob: PlatformUser = { platformUserId: 'u-bob', displayName: 'Bob' };
const group = { name: '读书会 1 群', rules: '1. 友善交流\n2. 禁止广告' };

/** Every mention must cover exactly "@name" of the user it points at. */
function assertSpans(content: MessageContent, users: PlatformUser[]) {
  for (const m of content.mentions) {
    const user = users.find((u) => u.platformUserId === m.platformUserId);
    assert.ok(user, `mention of unknown user ${m.platformUserId}`);
    assert.equal(content.text.slice(m.offset, m.offset + m.length), `@${user.displayName}`, `span of ${m.platformUserId}`);
  }
}

describe('renderTemplate', () => {
  test('{nickname} becomes an @mention with its UTF-16 offset and length', () => {
    const c = renderTemplate('欢迎 {nickname}！', { member: alice });
    assert.deepEqual(c, { type: 'text', text: '欢迎 @小红！', mentions: [{ platformUserId: 'u-alice', offset: 3, length: 3 }] });
  });

  test('{nickname} at the very start and at the very end', () => {
    const start = renderTemplate('{nickname} 你好', { member: bob });
    assert.deepEqual(start.mentions, [{ platformUserId: 'u-bob', offset: 0, length: 4 }]);
    const end = renderTemplate('你好 {nickname}', { member: bob });
    assert.deepEqual(end.mentions, [{ platformUserId: 'u-bob', offset: 3, length: 4 }]);
    assert.equal(end.text, '你好 @Bob');
  });

  test('offsets count UTF-16 code units: emoji before the mention and in the nickname', () => {
    const emojiName: PlatformUser = { platformUserId: 'u-e', displayName: '🌸花花🌸' };
    const c = renderTemplate('🎉🎉 欢迎{nickname}👏 {group}', { member: emojiName, group });
    assert.equal(c.text, '🎉🎉 欢迎@🌸花花🌸👏 读书会 1 群');
    // two emoji (4 units) + space + 欢迎 (2) = 7; "@🌸花花🌸" = 1 + 2 + 2 + 2 = 7 units
    assert.deepEqual(c.mentions, [{ platformUserId: 'u-e', offset: 7, length: 7 }]);
    assertSpans(c, [emojiName]);
  });

  test('a nickname repeated twice gives two mentions, each at its own place', () => {
    const c = renderTemplate('{nickname}，{nickname}！', { member: alice });
    assert.equal(c.text, '@小红，@小红！');
    assert.deepEqual(c.mentions, [
      { platformUserId: 'u-alice', offset: 0, length: 3 },
      { platformUserId: 'u-alice', offset: 4, length: 3 },
    ]);
  });

  test('{group} and {rules} are plain text, and a mention after them is still placed right', () => {
    const c = renderTemplate('欢迎加入「{group}」\n群规：\n{rules}\n——{nickname}', { member: alice, group });
    assert.equal(c.text, '欢迎加入「读书会 1 群」\n群规：\n1. 友善交流\n2. 禁止广告\n——@小红');
    assert.equal(c.mentions.length, 1);
    assertSpans(c, [alice]);
    assert.equal(c.mentions[0]?.offset, c.text.length - 3);
  });

  test('{inviter} mentions the inviter when there is one', () => {
    const c = renderTemplate('感谢 {inviter} 邀请 {nickname}', { member: alice, inviter: bob });
    assert.equal(c.text, '感谢 @Bob 邀请 @小红');
    assert.deepEqual(c.mentions, [
      { platformUserId: 'u-bob', offset: 3, length: 4 },
      { platformUserId: 'u-alice', offset: 11, length: 3 },
    ]);
    assertSpans(c, [alice, bob]);
  });

  test('{inviter} without an inviter: no mention, no placeholder, no "undefined"', () => {
    const c = renderTemplate('感谢 {inviter} 邀请 {nickname}', { member: alice });
    assert.equal(c.mentions.length, 1);
    assert.equal(c.mentions[0]?.platformUserId, 'u-alice');
    assertSpans(c, [alice]);
    assert.ok(!c.text.includes('{inviter}'));
    assert.ok(!/undefined|null/.test(c.text));
    assert.ok(c.text.endsWith('邀请 @小红'));
  });

  test('unknown {variables} and near-misses are left exactly as typed', () => {
    const template = '{foo} {Nickname} { nickname } {nick name} {} {{group}';
    const c = renderTemplate(template, { member: alice, group });
    assert.equal(c.text, '{foo} {Nickname} { nickname } {nick name} {} {读书会 1 群');
    assert.deepEqual(c.mentions, []);
  });

  test('a template without variables is returned unchanged, with no mentions', () => {
    assert.deepEqual(renderTemplate('纯文本 😀', { member: alice, group }), { type: 'text', text: '纯文本 😀', mentions: [] });
  });

  test('missing group: {group} and {rules} render empty', () => {
    const c = renderTemplate('[{group}][{rules}]', { member: alice });
    assert.equal(c.text, '[][]');
  });

  test('a nickname that looks like a variable is not expanded again', () => {
    const tricky: PlatformUser = { platformUserId: 'u-t', displayName: '{group}' };
    const c = renderTemplate('{nickname} in {group}', { member: tricky, group });
    assert.equal(c.text, '@{group} in 读书会 1 群');
    assertSpans(c, [tricky]);
  });
});

describe('prependMention', () => {
  test('puts "@name " in front and shifts existing mentions by its length', () => {
    const content = renderTemplate('资料请看 {inviter} 的帖子', { inviter: bob });
    const out = prependMention(content, alice);
    assert.equal(out.text, '@小红 资料请看 @Bob 的帖子');
    assert.deepEqual(out.mentions, [
      { platformUserId: 'u-alice', offset: 0, length: 3 },
      { platformUserId: 'u-bob', offset: 9, length: 4 },
    ]);
    assertSpans(out, [alice, bob]);
  });

  test('shifts by UTF-16 units when the name has emoji', () => {
    const emojiName: PlatformUser = { platformUserId: 'u-e', displayName: '🌸' };
    const content: MessageContent = { type: 'text', text: 'hi @Bob', mentions: [{ platformUserId: 'u-bob', offset: 3, length: 4 }] };
    const out = prependMention(content, emojiName);
    assert.equal(out.text, '@🌸 hi @Bob');
    assert.deepEqual(out.mentions[0], { platformUserId: 'u-e', offset: 0, length: 3 });
    assertSpans(out, [emojiName, bob]);
  });

  test('does nothing when the user is already mentioned', () => {
    const content = renderTemplate('欢迎 {nickname}', { member: alice });
    assert.deepEqual(prependMention(content, alice), content);
  });

  test('does not change its input', () => {
    const content: MessageContent = { type: 'text', text: 'hi @Bob', mentions: [{ platformUserId: 'u-bob', offset: 3, length: 4 }] };
    const copy = structuredClone(content);
    prependMention(content, alice);
    assert.deepEqual(content, copy);
  });
});
