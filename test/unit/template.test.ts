// Welcome and reply templates: {nickname} and {inviter} become real @mentions (UTF-16 spans into
// the text), {group} and {rules} are plain text, and anything else stays as the operator typed it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MessageContent, PlatformUser } from '../../src/core/events.ts';
import { joinContents, prependMention, prependMentions, renderTemplate } from '../../src/core/template.ts';

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

describe('lists of members ({nickname} for a batch welcome)', () => {
  const people = (n: number): PlatformUser[] => Array.from({ length: n }, (_, i) => ({ platformUserId: `u-${i}`, displayName: `成员${i}` }));

  test('zh-CN joins the names with 、, each a mention of its own', () => {
    const c = renderTemplate('欢迎 {nickname} 加入{group}！', { members: { users: [alice, bob], others: 0 }, group, locale: 'zh-CN' });
    assert.equal(c.text, '欢迎 @小红、@Bob 加入读书会 1 群！');
    assert.deepEqual(c.mentions, [
      { platformUserId: 'u-alice', offset: 3, length: 3 },
      { platformUserId: 'u-bob', offset: 7, length: 4 },
    ]);
    assertSpans(c, [alice, bob]);
  });

  test('en joins the names with ", "', () => {
    const c = renderTemplate('Welcome {nickname}!', { members: { users: [alice, bob], others: 0 }, locale: 'en' });
    assert.equal(c.text, 'Welcome @小红, @Bob!');
    assertSpans(c, [alice, bob]);
    assert.equal(c.mentions.length, 2);
  });

  test('the ones beyond the named are counted after the names', () => {
    const users = people(20);
    const zh = renderTemplate('欢迎 {nickname}！', { members: { users, others: 10 }, locale: 'zh-CN' });
    assert.equal(zh.mentions.length, 20);
    assertSpans(zh, users);
    assert.ok(zh.text.endsWith('@成员19 以及另外 10 位新朋友！'), zh.text);
    const en = renderTemplate('Welcome {nickname}!', { members: { users: people(2), others: 1 }, locale: 'en' });
    assert.equal(en.text, 'Welcome @成员0, @成员1 and 1 other!');
    const en2 = renderTemplate('Welcome {nickname}!', { members: { users: people(1), others: 7 }, locale: 'en' });
    assert.equal(en2.text, 'Welcome @成员0 and 7 others!');
  });

  test('only a count when nobody is named', () => {
    assert.equal(renderTemplate('欢迎 {nickname}！', { members: { users: [], others: 3 } }).text, '欢迎 3 位新朋友！');
    assert.equal(renderTemplate('Welcome {nickname}!', { members: { users: [], others: 3 }, locale: 'en' }).text, 'Welcome 3 new members!');
  });

  test('one member renders exactly like a single welcome', () => {
    const one = renderTemplate('欢迎 {nickname} 加入{group}', { members: { users: [alice], others: 0 }, group });
    assert.deepEqual(one, renderTemplate('欢迎 {nickname} 加入{group}', { member: alice, group }));
  });

  test('{inviter} lists several inviters the same way; an empty list renders nothing', () => {
    const c = renderTemplate('感谢 {inviter} 邀请 {nickname}', { members: { users: [alice], others: 0 }, inviters: { users: [bob, alice], others: 0 } });
    assert.equal(c.text, '感谢 @Bob、@小红 邀请 @小红');
    assert.equal(c.mentions.length, 3);
    assertSpans(c, [alice, bob]);
    assert.equal(renderTemplate('[{inviter}]', { inviters: { users: [], others: 0 } }).text, '[]');
  });

  test('names that contain the separator or emoji still get exact spans', () => {
    const odd: PlatformUser[] = [
      { platformUserId: 'u-x', displayName: '甲、乙' },
      { platformUserId: 'u-y', displayName: '🌸, hi' },
    ];
    const c = renderTemplate('{nickname}', { members: { users: odd, others: 0 } });
    assert.equal(c.text, '@甲、乙、@🌸, hi');
    assertSpans(c, odd);
  });
});

describe('prependMentions', () => {
  test('puts the whole list in front and shifts the content’s mentions', () => {
    const content = renderTemplate('请看 {inviter} 的帖子', { inviter: bob });
    const out = prependMentions(content, { users: [alice, { platformUserId: 'u-c', displayName: 'C' }], others: 2 }, 'zh-CN');
    assert.equal(out.text, '@小红、@C 以及另外 2 位新朋友 请看 @Bob 的帖子');
    assertSpans(out, [alice, bob, { platformUserId: 'u-c', displayName: 'C' }]);
    assert.equal(out.mentions.length, 3);
  });

  test('does nothing when the content already mentions one of them, or the list is empty', () => {
    const content = renderTemplate('欢迎 {nickname}', { members: { users: [alice, bob], others: 0 } });
    assert.deepEqual(prependMentions(content, { users: [alice, bob], others: 0 }, 'zh-CN'), content);
    assert.deepEqual(prependMentions(content, { users: [], others: 0 }, 'en'), content);
  });
});

describe('joinContents', () => {
  test('a blank line between parts; mentions keep pointing at their names', () => {
    const a = renderTemplate('欢迎 {nickname}', { member: alice });
    const b = renderTemplate('{nickname} 请看群规', { member: bob });
    const c = joinContents([a, b]);
    assert.equal(c.text, '欢迎 @小红\n\n@Bob 请看群规');
    assertSpans(c, [alice, bob]);
    assert.equal(c.mentions.length, 2);
  });
});
