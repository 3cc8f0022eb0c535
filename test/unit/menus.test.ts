// Private menus and invitations in the rule model: pure decisions, an event and the compiled
// rules in; numbered replies pick options; invitations come out as requests for the engine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventId, type MessageEvent, type PlatformUser } from '../../src/core/events.ts';
import { compileRules, decide, isIntent, keywordReplyRule, menuChoice, menuRule, type Decision, type EvaluationContext, type MenuOption, type Rule } from '../../src/core/rules.ts';

const ACCOUNT = 'acc-1';
const alice: PlatformUser = { platformUserId: 'u-alice', displayName: '小红' };
const origin: EvaluationContext['group'] = { name: '读书会 1 群', rules: '1. 友善交流 2. 禁止广告' };

let seq = 0;
function dm(text: string, opts: { group?: string | null; sender?: PlatformUser; id?: string } = {}): MessageEvent {
  const n = opts.id ?? `d${++seq}`;
  return {
    kind: 'message',
    id: eventId(ACCOUNT, `msg:${n}`),
    channelAccountId: ACCOUNT,
    platformEventId: `msg:${n}`,
    occurredAt: 0,
    platformGroupId: opts.group === undefined ? null : opts.group,
    sender: opts.sender ?? alice,
    platformMessageId: n,
    content: { type: 'text', text, mentions: [] },
  };
}

const OPTIONS: MenuOption[] = [
  { label: '了解群规', actions: [{ type: 'reply', template: '群规：{rules}', mention: false, quote: false }] },
  { label: '领取资料包', actions: [{ type: 'reply', template: '资料包：https://example.com/pack', mention: false, quote: false }] },
  { label: '进群', actions: [{ type: 'invite', groupIds: ['g-read-1', 'g-read-2'], cap: 200, mention: true, privately: false }] },
];

const menu = (id = 'menu', extra: Partial<Rule> = {}): Rule => ({
  ...menuRule({ id, groupId: null, name: id, greeting: '你好 {nickname}，我是{group}的助手。回复数字：', options: OPTIONS, keywords: ['菜单', 'menu', '?'] }),
  ...extra,
});

const run = (rules: Rule[], event: MessageEvent, ctx: EvaluationContext = { group: origin }) => decide(event, compileRules(rules), ctx);
const texts = (ds: Decision[]) => ds.map((d) => (isIntent(d) && d.intent.kind === 'send_message' ? d.intent.content.text : `invite:${'invite' in d ? d.invite.groupIds.join(',') : ''}`));

describe('opening the menu', () => {
  test('the first direct message gets the greeting with numbered options, to the sender only', () => {
    const ev = dm('你好');
    const out = run([menu()], ev, { group: origin, firstMessage: true });
    assert.equal(out.length, 1);
    const [d] = out;
    assert.ok(d && isIntent(d) && d.intent.kind === 'send_message');
    assert.equal(d.idempotencyKey, `${ev.id}:0`);
    assert.equal(d.ruleId, 'menu');
    assert.equal(d.intent.platformGroupId, null);
    assert.equal(d.intent.platformUserId, 'u-alice');
    assert.equal(d.intent.content.text, '你好 @小红，我是读书会 1 群的助手。回复数字：\n1. 了解群规\n2. 领取资料包\n3. 进群');
    assert.deepEqual(d.intent.content.mentions, [{ platformUserId: 'u-alice', offset: 3, length: 3 }]);
    assert.equal(d.intent.replyToPlatformMessageId, undefined);
  });

  test('later messages get it only for a keyword, said exactly (full-width and case do not matter)', () => {
    assert.deepEqual(run([menu()], dm('你好'), { group: origin, firstMessage: false }), []);
    for (const text of ['菜单', 'Menu', 'MENU', '?', '？', ' 菜单 ']) assert.equal(run([menu()], dm(text)).length, 1, text);
    assert.deepEqual(run([menu()], dm('菜单在哪')), [], 'exact, not contains');
  });

  test('without onFirstMessage only the keywords open it', () => {
    const r = menuRule({ id: 'm', groupId: null, name: 'm', greeting: 'hi', options: OPTIONS, keywords: ['菜单'], onFirstMessage: false });
    assert.deepEqual(run([r], dm('你好'), { group: origin, firstMessage: true }), []);
    assert.equal(run([r], dm('菜单')).length, 1);
  });

  test('a menu is for direct messages: the keyword and numbers in a group do nothing', () => {
    assert.deepEqual(run([menu()], dm('菜单', { group: 'pg-1' })), []);
    assert.deepEqual(run([menu()], dm('1', { group: 'pg-1' })), []);
  });

  test('a keyword rule that matches the first message answers instead of the menu (one answer per message)', () => {
    const kw = { ...keywordReplyRule({ id: 'kw', groupId: null, name: 'kw', keywords: ['读书'], reply: '读书群在这里' }) };
    assert.deepEqual(
      run([menu(), kw], dm('我想读书'), { group: origin, firstMessage: true }).map((d) => d.ruleId),
      ['kw'],
    );
    assert.deepEqual(
      run([menu(), kw], dm('你好'), { group: origin, firstMessage: true }).map((d) => d.ruleId),
      ['menu'],
    );
  });

  test('the first message and a keyword in one message show the menu once', () => {
    assert.equal(run([menu()], dm('菜单'), { group: origin, firstMessage: true }).length, 1);
  });

  test('no origin group: {group} is empty', () => {
    const out = run([menu()], dm('菜单'), { group: null });
    assert.match(texts(out)[0] ?? '', /^你好 @小红，我是的助手/);
  });
});

describe('numbered replies', () => {
  test('a number runs that option: 1 the rules of the origin group, 2 the pack', () => {
    assert.deepEqual(texts(run([menu()], dm('1'))), ['群规：1. 友善交流 2. 禁止广告']);
    assert.deepEqual(texts(run([menu()], dm('2'))), ['资料包：https://example.com/pack']);
  });

  test('full-width digits and the usual punctuation count; other text does not', () => {
    for (const text of ['１', '1.', '1。', '1、', '(1)', '（１）', ' 1 ']) assert.deepEqual(texts(run([menu()], dm(text))), ['群规：1. 友善交流 2. 禁止广告'], text);
    for (const text of ['12', '1 2', '01', 'one', '1个']) assert.equal(menuChoice(text), null, text);
    assert.equal(menuChoice('３'), 3);
  });

  test('3 asks for an invitation to the pool, answered to the member privately', () => {
    const ev = dm('3');
    const [d] = run([menu()], ev);
    assert.ok(d && !isIntent(d));
    assert.deepEqual(d, {
      idempotencyKey: `${ev.id}:0`,
      ruleId: 'menu',
      invite: {
        groupIds: ['g-read-1', 'g-read-2'],
        cap: 200,
        member: alice,
        answer: { kind: 'send_message', channelAccountId: ACCOUNT, platformGroupId: null, platformUserId: 'u-alice', priority: 'interactive' },
        mention: false,
      },
    });
  });

  test('a number past the last option shows the menu again', () => {
    assert.match(texts(run([menu()], dm('7')))[0] ?? '', /1\. 了解群规\n2\. 领取资料包\n3\. 进群$/);
  });

  test('an option with several actions keeps their order and counts the keys up', () => {
    const options: MenuOption[] = [{ label: 'both', actions: [{ type: 'reply', template: '稍等', mention: false, quote: false }, OPTIONS[2]!.actions[0]!] }];
    const ev = dm('1');
    const out = run([menu('m', { actions: [{ type: 'menu', greeting: 'hi', options }] })], ev);
    assert.deepEqual(texts(out), ['稍等', 'invite:g-read-1,g-read-2']);
    assert.deepEqual(
      out.map((d) => d.idempotencyKey),
      [`${ev.id}:0`, `${ev.id}:1`],
    );
  });

  test('the origin group’s own menu answers before the workspace-wide one; a higher priority wins over that', () => {
    const own = menu('own', { groupId: 'g-1', actions: [{ type: 'menu', greeting: 'own', options: [{ label: 'o', actions: [{ type: 'reply', template: 'own-1', mention: false, quote: false }] }] }] });
    const wide = menu('wide');
    assert.deepEqual(texts(run([wide, own], dm('1'))), ['own-1']);
    assert.deepEqual(
      run([wide, own], dm('菜单')).map((d) => d.ruleId),
      ['own'],
    );
    assert.deepEqual(texts(run([{ ...wide, priority: 5 }, own], dm('1'))), ['群规：1. 友善交流 2. 禁止广告']);
  });

  test('a disabled menu does not answer numbers or keywords', () => {
    assert.deepEqual(run([menu('m', { enabled: false })], dm('1')), []);
    assert.deepEqual(run([menu('m', { enabled: false })], dm('菜单'), { group: origin, firstMessage: true }), []);
  });

  test('without a menu a number is just text for the other rules', () => {
    const kw = keywordReplyRule({ id: 'kw', groupId: null, name: 'kw', keywords: ['1'], reply: 'one', mode: 'exact' });
    assert.deepEqual(texts(run([kw], dm('1'))), ['one']);
  });

  test('the assistant itself never triggers the menu', () => {
    assert.deepEqual(run([menu()], dm('1', { sender: { platformUserId: 'bot', displayName: '助手', isBot: true } }), { group: origin, firstMessage: true }), []);
  });

  test('the same event decides the same way every time', () => {
    const ev = dm('3', { id: 'fixed' });
    assert.deepEqual(run([menu()], ev), run([menu()], structuredClone(ev)));
  });
});

describe('keyword invitations from a group', () => {
  const invite = (privately: boolean): Rule => ({
    ...keywordReplyRule({ id: 'read', groupId: null, name: 'read', keywords: ['读书'], reply: 'x' }),
    actions: [{ type: 'invite', groupIds: ['g-read-1'], cap: null, mention: true, privately }],
  });

  test('answered in the group, mentioning and quoting the member', () => {
    const ev = dm('我想读书', { group: 'pg-a' });
    const [d] = run([invite(false)], ev);
    assert.ok(d && 'invite' in d);
    assert.deepEqual(d.invite.answer, { kind: 'send_message', channelAccountId: ACCOUNT, platformGroupId: 'pg-a', platformUserId: null, replyToPlatformMessageId: ev.platformMessageId, priority: 'interactive' });
    assert.equal(d.invite.mention, true);
    assert.deepEqual(d.invite.member, alice);
  });

  test('privately: answered with a direct message, without a mention', () => {
    const [d] = run([invite(true)], dm('我想读书', { group: 'pg-a' }));
    assert.ok(d && 'invite' in d);
    assert.equal(d.invite.answer.platformGroupId, null);
    assert.equal(d.invite.answer.platformUserId, 'u-alice');
    assert.equal(d.invite.answer.replyToPlatformMessageId, undefined);
    assert.equal(d.invite.mention, false);
  });
});

describe('first_message on other rules', () => {
  test('a direct-message greeting fires on the first message only', () => {
    const hello: Rule = { ...keywordReplyRule({ id: 'hello', groupId: null, name: 'hello', keywords: [], reply: '欢迎私聊' }), trigger: { type: 'message', scope: 'direct' }, conditions: [{ type: 'first_message' }] };
    assert.deepEqual(texts(run([hello], dm('hi'), { group: null, firstMessage: true })), ['欢迎私聊']);
    assert.deepEqual(run([hello], dm('hi'), { group: null, firstMessage: false }), []);
    assert.equal(compileRules([hello]).unconditionalMessageRules.length, 0, 'a first_message rule is not unconditional');
  });
});
