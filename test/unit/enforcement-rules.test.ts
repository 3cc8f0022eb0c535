// Warn points and their expiry, the thresholds that turn points into removal and blacklisting,
// and the parsing of admins' chat commands: pure functions, tested on their edges.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCommand } from '../../src/core/moderation/commands.ts';
import { activePoints, banExpiry, escalate, warningExpiry } from '../../src/core/moderation/points.ts';
import { duration, say } from '../../src/core/moderation/texts.ts';
import { DEFAULT_GROUP_SETTINGS } from '../../src/shared/group-settings.ts';

const DAY = 86_400_000;
const T0 = 1_700_000_000_000;
const settings = { ...DEFAULT_GROUP_SETTINGS.warnings, expireDays: 30, kickAt: 3, banAt: 5, banDays: 7 };

describe('warn points', () => {
  const w = (createdDaysAgo: number, revoked = false) => {
    const created = T0 - createdDaysAgo * DAY;
    return { created_at: created, expires_at: warningExpiry(created, settings), revoked_at: revoked ? T0 : null };
  };

  test('a warning counts for expireDays and not a millisecond longer', () => {
    const fresh = w(0);
    assert.equal(fresh.expires_at, T0 + 30 * DAY);
    assert.equal(activePoints([fresh], T0 + 30 * DAY - 1), 1);
    assert.equal(activePoints([fresh], T0 + 30 * DAY), 0);
  });

  test('expired and revoked warnings do not count; future-dated ones neither', () => {
    assert.equal(activePoints([w(1), w(29), w(31), w(2, true)], T0), 2);
    assert.equal(activePoints([{ created_at: T0 + 1, expires_at: T0 + DAY, revoked_at: null }], T0), 0);
  });

  test('thresholds: below kickAt nothing, at kickAt removal, at banAt removal and blacklisting', () => {
    assert.deepEqual(escalate(1, settings), { kick: false, ban: false, limit: 3 });
    assert.deepEqual(escalate(2, settings), { kick: false, ban: false, limit: 3 });
    assert.deepEqual(escalate(3, settings), { kick: true, ban: false, limit: 5 });
    assert.deepEqual(escalate(5, settings), { kick: true, ban: true, limit: 5 });
    assert.deepEqual(escalate(9, settings), { kick: true, ban: true, limit: 5 });
  });

  test('0 disables a threshold; a ban alone still removes', () => {
    assert.deepEqual(escalate(10, { ...settings, kickAt: 0, banAt: 0 }), { kick: false, ban: false, limit: 0 });
    assert.deepEqual(escalate(3, { ...settings, kickAt: 0, banAt: 3 }), { kick: true, ban: true, limit: 3 });
  });

  test('a blacklisting lasts banDays, or until lifted with 0', () => {
    assert.equal(banExpiry(T0, settings), T0 + 7 * DAY);
    assert.equal(banExpiry(T0, { ...settings, banDays: 0 }), null);
  });
});

describe('chat commands', () => {
  test('commands with reasons, durations and a bot suffix; full-width forms fold', () => {
    assert.deepEqual(parseCommand('/warn 发广告', []), { name: 'warn', reason: '发广告' });
    assert.deepEqual(parseCommand('／ｗａｒｎ', []), { name: 'warn', reason: '' });
    assert.deepEqual(parseCommand('/mute 10m 刷屏', []), { name: 'mute', minutes: 10, reason: '刷屏' });
    assert.deepEqual(parseCommand('/mute 2小时', []), { name: 'mute', minutes: 120, reason: '' });
    assert.deepEqual(parseCommand('/ban 7d spam', []), { name: 'ban', minutes: 7 * 1440, reason: 'spam' });
    assert.deepEqual(parseCommand('/ban@shequn_bot', []), { name: 'ban', reason: '' });
    assert.deepEqual(parseCommand('/kick 3d', []), { name: 'kick', reason: '3d' }, 'only /mute and /ban take a duration');
  });

  test('a mention is the target and is not part of the reason', () => {
    const text = '/kick @小王 刷屏';
    const mention = { platformUserId: 'u-9', offset: 6, length: 3 };
    assert.deepEqual(parseCommand(text, [mention]), { name: 'kick', reason: '刷屏', mention });
  });

  test('not commands: ordinary text, unknown commands, a slash in the middle', () => {
    for (const t of ['hello /warn', '/warning', '/help', '/', 'warn', '/ warn', '/unknown x']) assert.equal(parseCommand(t, []), null, t);
  });

  test('member-visible texts in both languages fill their placeholders', () => {
    assert.equal(say('zh-CN', 'warned', { points: 2, limit: 3, reason: '请勿刷屏' }), '警告（2/3）：请勿刷屏。');
    assert.equal(say('en', 'warned', { points: 1, limit: 3, reason: 'no ads' }), 'warning (1/3): no ads.');
    assert.deepEqual([duration('zh-CN', 90), duration('zh-CN', 120), duration('en', 2880)], ['90 分钟', '2 小时', '2 d']);
  });
});
