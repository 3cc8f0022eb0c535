// Choosing the group of an invitation pool, and the answer the member gets (pure).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { choosePoolGroup, inviteAnswer, type PoolCandidate } from '../../src/core/pool.ts';
import type { InviteRequest } from '../../src/core/rules.ts';

const g = (groupId: string, activeMembers: number, cap: number | null = 100): PoolCandidate => ({ groupId, activeMembers, cap });
const none = new Set<string>();

describe('choosePoolGroup', () => {
  test('the least-full group below its cap', () => {
    assert.deepEqual(choosePoolGroup([g('a', 30), g('b', 12), g('c', 20)], none), { kind: 'invite', groupId: 'b' });
  });

  test('ties go to the earlier group in the pool, whatever the input object identity', () => {
    assert.deepEqual(choosePoolGroup([g('a', 5), g('b', 3), g('c', 3)], none), { kind: 'invite', groupId: 'b' });
    assert.deepEqual(choosePoolGroup([g('c', 3), g('b', 3), g('a', 5)], none), { kind: 'invite', groupId: 'c' });
  });

  test('a group at or above its cap is skipped, even when it is the smallest', () => {
    assert.deepEqual(choosePoolGroup([g('a', 10, 10), g('b', 50, 200)], none), { kind: 'invite', groupId: 'b' });
    assert.deepEqual(choosePoolGroup([g('a', 11, 10), g('b', 50, 200)], none), { kind: 'invite', groupId: 'b' });
    assert.deepEqual(choosePoolGroup([g('a', 9, 10), g('b', 50, 200)], none), { kind: 'invite', groupId: 'a' });
  });

  test('cap null is no cap; a cap of 0 takes nobody', () => {
    assert.deepEqual(choosePoolGroup([g('a', 100_000, null)], none), { kind: 'invite', groupId: 'a' });
    assert.deepEqual(choosePoolGroup([g('a', 0, 0)], none), { kind: 'full' });
  });

  test('every group full, or nothing left of the pool: full', () => {
    assert.deepEqual(choosePoolGroup([g('a', 10, 10), g('b', 3, 3)], none), { kind: 'full' });
    assert.deepEqual(choosePoolGroup([], none), { kind: 'full' });
  });

  test('someone already in a pool group is not invited: the first such group in pool order is named, full or not', () => {
    assert.deepEqual(choosePoolGroup([g('a', 1), g('b', 100, 100), g('c', 5)], new Set(['c', 'b'])), { kind: 'already_member', groupId: 'b' });
    assert.deepEqual(choosePoolGroup([g('a', 10, 10)], new Set(['a'])), { kind: 'already_member', groupId: 'a' });
  });

  test('membership of groups outside the pool does not count', () => {
    assert.deepEqual(choosePoolGroup([g('a', 1)], new Set(['z'])), { kind: 'invite', groupId: 'a' });
  });
});

describe('inviteAnswer', () => {
  const member = { platformUserId: 'u-1', displayName: '小红' };
  const direct: InviteRequest = {
    groupIds: ['a'],
    cap: null,
    member,
    answer: { kind: 'send_message', channelAccountId: 'acc', platformGroupId: null, platformUserId: 'u-1', priority: 'interactive' },
    mention: false,
  };
  const inGroup: InviteRequest = { ...direct, answer: { ...direct.answer, platformGroupId: 'pg', platformUserId: null, replyToPlatformMessageId: 'm-1' }, mention: true };

  test('an invitation is a link message with the group and its link', () => {
    const intent = inviteAnswer(direct, { kind: 'invite', groupName: '读书会 2 群', inviteUrl: 'http://x/join/abc' }, 'zh-CN');
    assert.deepEqual(intent, { ...direct.answer, content: { type: 'link', text: '点击链接加入「读书会 2 群」：\nhttp://x/join/abc', mentions: [] } });
  });

  test('in a group the answer mentions the member up front and keeps the quote', () => {
    const intent = inviteAnswer(inGroup, { kind: 'already_member', groupName: '读书会 1 群' }, 'zh-CN');
    assert.equal(intent.content.text, '@小红 你已经在「读书会 1 群」里了，不用重复加入～');
    assert.deepEqual(intent.content.mentions, [{ platformUserId: 'u-1', offset: 0, length: 3 }]);
    assert.equal(intent.replyToPlatformMessageId, 'm-1');
    assert.equal(intent.platformGroupId, 'pg');
  });

  test('full says so, in the workspace language', () => {
    assert.match(inviteAnswer(direct, { kind: 'full' }, 'zh-CN').content.text, /满员/);
    assert.match(inviteAnswer(direct, { kind: 'full' }, 'en').content.text, /full/);
    assert.equal(inviteAnswer(direct, { kind: 'invite', groupName: 'Readers', inviteUrl: 'u' }, 'en').content.text, 'Tap the link to join “Readers”:\nu');
  });
});
