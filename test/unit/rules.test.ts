// Rule evaluation is pure: an event and the compiled rules in, keyed intents out.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventId, type MemberJoinedEvent, type MemberLeftEvent, type MessageEvent, type PlatformUser } from '../../src/core/events.ts';
import { compileRules, decide, isIntent, keywordReplyRule, welcomeRule, type Rule } from '../../src/core/rules.ts';
import type { SendMessageIntent } from '../../src/core/intents.ts';

const ACCOUNT = 'acc-1';
const GROUP = 'pg-1';
const ctx = { group: { name: '读书会', rules: '禁止广告' } };
const alice: PlatformUser = { platformUserId: 'u-alice', displayName: '小红' };
const bot: PlatformUser = { platformUserId: 'bot', displayName: '社群助手', isBot: true };

let seq = 0;
function message(text: string, opts: { sender?: PlatformUser; group?: string | null; id?: string } = {}): MessageEvent {
  const n = opts.id ?? `m${++seq}`;
  return {
    kind: 'message',
    id: eventId(ACCOUNT, `msg:${n}`),
    channelAccountId: ACCOUNT,
    platformEventId: `msg:${n}`,
    occurredAt: 1_700_000_000_000,
    platformGroupId: opts.group === undefined ? GROUP : opts.group,
    sender: opts.sender ?? alice,
    platformMessageId: n,
    content: { type: 'text', text, mentions: [] },
  };
}

function joined(member: PlatformUser, inviter?: PlatformUser): MemberJoinedEvent {
  const n = `j${++seq}`;
  return {
    kind: 'member_joined',
    id: eventId(ACCOUNT, n),
    channelAccountId: ACCOUNT,
    platformEventId: n,
    occurredAt: 1_700_000_000_000,
    platformGroupId: GROUP,
    member,
    ...(inviter ? { inviter } : {}),
  };
}

const kw = (id: string, keywords: string[], reply: string, extra: Partial<Rule> = {}): Rule => ({
  ...keywordReplyRule({ id, groupId: null, name: id, keywords, reply }),
  ...extra,
});

/** The rule ids that fired, in order. */
const fired = (rules: Rule[], event: MessageEvent | MemberJoinedEvent) => decide(event, compileRules(rules), ctx).map((k) => k.ruleId);

/** decide, checking every decision is a send (the rules here only reply). */
function sends(...args: Parameters<typeof decide>) {
  return decide(...args).map((k) => {
    assert.ok(isIntent(k), 'a reply, not an invitation');
    assert.equal(k.intent.kind, 'send_message');
    return { ...k, intent: k.intent as SendMessageIntent };
  });
}

describe('keyword replies', () => {
  test('a keyword reply answers the message, mentioning and quoting the sender', () => {
    const ev = message('请问有资料吗');
    const out = sends(ev, compileRules([kw('r1', ['资料'], '资料在这里')]), ctx);
    assert.equal(out.length, 1);
    const [k] = out;
    assert.deepEqual(k, {
      idempotencyKey: `${ev.id}:0`,
      ruleId: 'r1',
      intent: {
        kind: 'send_message',
        channelAccountId: ACCOUNT,
        platformGroupId: GROUP,
        platformUserId: null,
        content: { type: 'text', text: '@小红 资料在这里', mentions: [{ platformUserId: 'u-alice', offset: 0, length: 3 }] },
        replyToPlatformMessageId: ev.platformMessageId,
        priority: 'interactive',
      },
    });
  });

  test('no keyword, no reply', () => {
    assert.deepEqual(fired([kw('r1', ['资料'], 'x')], message('大家好')), []);
  });

  test('fires once per message even when the keyword appears several times or several of its keywords match', () => {
    assert.deepEqual(fired([kw('r1', ['资料', '课件'], 'x')], message('资料资料，还有课件和资料')), ['r1']);
  });

  test('with stopAfterMatch only the first matching rule answers', () => {
    const rules = [kw('a', ['资料'], 'A'), kw('b', ['课件'], 'B')];
    assert.deepEqual(fired(rules, message('资料和课件')), ['a']);
  });

  test('without stopAfterMatch the next matching rule answers too, and keys count up', () => {
    const rules = [kw('a', ['资料'], 'A', { stopAfterMatch: false }), kw('b', ['课件'], 'B')];
    const ev = message('资料和课件');
    const out = sends(ev, compileRules(rules), ctx);
    assert.deepEqual(
      out.map((k) => [k.ruleId, k.idempotencyKey]),
      [
        ['a', `${ev.id}:0`],
        ['b', `${ev.id}:1`],
      ],
    );
  });

  test('higher priority wins whatever the position or order of definition', () => {
    const rules = [kw('low', ['资料'], 'low', { priority: 0 }), kw('high', ['课件'], 'high', { priority: 5 })];
    assert.deepEqual(fired(rules, message('资料和课件')), ['high']);
    assert.deepEqual(fired([...rules].reverse(), message('资料和课件')), ['high']);
  });

  test('equal priority: the keyword that appears first in the text wins', () => {
    const rules = [kw('a', ['资料'], 'A'), kw('b', ['课件'], 'B')];
    assert.deepEqual(fired(rules, message('课件和资料')), ['b']);
    assert.deepEqual(fired(rules, message('资料和课件')), ['a']);
    assert.deepEqual(fired([...rules].reverse(), message('资料和课件')), ['a'], 'definition order does not matter');
  });

  test('equal priority: a longer keyword starting earlier wins over a shorter one inside it', () => {
    const rules = [kw('short', ['信号'], 'S'), kw('long', ['微信号'], 'L')];
    assert.deepEqual(fired(rules, message('加我微信号')), ['long']);
  });

  test('equal priority: a rule’s position is the earliest of any of its keywords', () => {
    // R's keyword "abcdef" starts at 0; S's "bc" at 1. R's other keyword "cde" starts at 2.
    const rules = [kw('S', ['bc'], 'S'), kw('R', ['abcdef', 'cde'], 'R')];
    assert.deepEqual(fired(rules, message('abcdef')), ['R']);
  });

  test('disabled rules are ignored', () => {
    const rules = [kw('off', ['资料'], 'off', { enabled: false, priority: 100 }), kw('on', ['资料'], 'on')];
    assert.deepEqual(fired(rules, message('资料')), ['on']);
    assert.deepEqual(fired([kw('off', ['资料'], 'off', { enabled: false })], message('资料')), []);
    assert.equal(compileRules(rules).size, 1);
  });

  test('exact-mode keyword replies only to the whole message', () => {
    const rules = [{ ...kw('checkin', ['签到'], '已签到'), conditions: [{ type: 'keyword' as const, keywords: ['签到'], mode: 'exact' as const }] }];
    assert.deepEqual(fired(rules, message('签到')), ['checkin']);
    assert.deepEqual(fired(rules, message('我要签到')), []);
  });

  test('normalised matching reaches the rules: ＺＩＬＩＡＯ and zi\\u200bliao both trigger "ziliao"', () => {
    const rules = [kw('z', ['ziliao'], 'ok')];
    assert.deepEqual(fired(rules, message('ＺＩＬＩＡＯ')), ['z']);
    assert.deepEqual(fired(rules, message('求 zi\u200bliao')), ['z']);
  });

  test('reply templates get {nickname} and {group}', () => {
    const out = sends(message('资料'), compileRules([kw('r', ['资料'], '{nickname}，{group}的资料在群公告')]), ctx);
    const content = out[0]?.intent.content;
    assert.equal(content?.text, '@小红，读书会的资料在群公告', 'not mentioned twice');
    assert.deepEqual(content?.mentions, [{ platformUserId: 'u-alice', offset: 0, length: 3 }]);
  });

  test('a rule with several actions yields one intent per action with consecutive keys', () => {
    const rule = kw('r', ['资料'], 'one');
    rule.actions = [...rule.actions, { type: 'reply', template: 'two', mention: false, quote: false }];
    const ev = message('资料');
    const out = sends(ev, compileRules([rule]), ctx);
    assert.deepEqual(
      out.map((k) => [k.idempotencyKey, k.intent.content.text, k.intent.replyToPlatformMessageId ?? null]),
      [
        [`${ev.id}:0`, '@小红 one', ev.platformMessageId],
        [`${ev.id}:1`, 'two', null],
      ],
    );
  });
});

describe('quote and mention flags', () => {
  test('quote=false: no reply-to; mention=false: no @', () => {
    const rule = kw('r', ['资料'], 'plain');
    rule.actions = [{ type: 'reply', template: 'plain', mention: false, quote: false }];
    const [k] = sends(message('资料'), compileRules([rule]), ctx);
    assert.ok(k);
    assert.equal(k.intent.replyToPlatformMessageId, undefined);
    assert.equal(k.intent.content.text, 'plain');
    assert.deepEqual(k.intent.content.mentions, []);
  });
});

describe('scope', () => {
  const scoped = (scope: 'group' | 'direct' | 'any') => kw(scope, ['资料'], scope, { trigger: { type: 'message', scope } });

  test('group rules answer in groups only, direct rules in direct messages only, any in both', () => {
    const rules = [scoped('group'), scoped('direct'), scoped('any')].map((r) => ({ ...r, stopAfterMatch: false }));
    assert.deepEqual(fired(rules, message('资料')).sort(), ['any', 'group']);
    assert.deepEqual(fired(rules, message('资料', { group: null })).sort(), ['any', 'direct']);
  });

  test('a direct reply goes to the sender, without an @mention', () => {
    const ev = message('资料', { group: null });
    const [k] = sends(ev, compileRules([scoped('direct')]), { group: null });
    assert.ok(k);
    assert.equal(k.intent.platformGroupId, null);
    assert.equal(k.intent.platformUserId, 'u-alice');
    assert.equal(k.intent.content.text, 'direct');
    assert.deepEqual(k.intent.content.mentions, []);
  });

  test('an out-of-scope higher-priority rule does not swallow the message', () => {
    const rules = [kw('dm', ['资料'], 'dm', { trigger: { type: 'message', scope: 'direct' }, priority: 10 }), kw('grp', ['资料'], 'grp')];
    assert.deepEqual(fired(rules, message('资料')), ['grp']);
  });
});

describe('no loops', () => {
  test('bot senders never trigger message rules', () => {
    const rules = [kw('r', ['资料'], '资料在这里：资料'), { ...kw('all', [], 'every message'), conditions: [] }];
    assert.deepEqual(fired(rules, message('资料', { sender: bot })), []);
    assert.deepEqual(fired(rules, message('@小红 资料在这里：资料', { sender: bot })), []);
    assert.deepEqual(fired(rules, message('资料')), ['r'], 'a person still triggers them');
  });
});

describe('unconditional message rules', () => {
  test('a message rule without a keyword runs on every message, after keyword rules of the same priority', () => {
    const always = { ...kw('always', [], 'hi'), conditions: [], stopAfterMatch: false };
    const rules = [always, kw('k', ['资料'], 'k', { stopAfterMatch: false })];
    assert.deepEqual(fired(rules, message('随便')), ['always']);
    assert.deepEqual(fired(rules, message('资料')), ['k', 'always']);
    assert.deepEqual(fired([{ ...always, priority: 1 }, rules[1]!], message('资料')), ['always', 'k']);
  });
});

describe('join rules', () => {
  test('a join is welcomed with an @mention of the member, the group and its rules', () => {
    const ev = joined(alice);
    const out = sends(ev, compileRules([welcomeRule({ id: 'w', groupId: 'g', template: '欢迎 {nickname} 加入{group}！群规：{rules}' })]), ctx);
    assert.equal(out.length, 1);
    const k = out[0]!;
    assert.equal(k.idempotencyKey, `${ev.id}:0`);
    assert.equal(k.ruleId, 'w');
    assert.equal(k.intent.platformGroupId, GROUP);
    assert.equal(k.intent.platformUserId, null);
    assert.equal(k.intent.content.text, '欢迎 @小红 加入读书会！群规：禁止广告');
    assert.deepEqual(k.intent.content.mentions, [{ platformUserId: 'u-alice', offset: 3, length: 3 }]);
    assert.equal(k.intent.replyToPlatformMessageId, undefined, 'a join has no message to quote');
  });

  test('a welcome without {nickname} still mentions the member, in front', () => {
    const [k] = sends(joined(alice), compileRules([welcomeRule({ id: 'w', groupId: 'g', template: '欢迎新朋友' })]), ctx);
    assert.equal(k?.intent.content.text, '@小红 欢迎新朋友');
    assert.deepEqual(k?.intent.content.mentions, [{ platformUserId: 'u-alice', offset: 0, length: 3 }]);
  });

  test('{inviter} names the inviter when the platform reports one', () => {
    const bob: PlatformUser = { platformUserId: 'u-bob', displayName: 'Bob' };
    const [k] = sends(joined(alice, bob), compileRules([welcomeRule({ id: 'w', groupId: 'g', template: '{nickname} 由 {inviter} 邀请' })]), ctx);
    assert.equal(k?.intent.content.text, '@小红 由 @Bob 邀请');
    assert.deepEqual(
      k?.intent.content.mentions.map((m) => m.platformUserId),
      ['u-alice', 'u-bob'],
    );
  });

  test('bots joining are not welcomed', () => {
    assert.deepEqual(fired([welcomeRule({ id: 'w', groupId: 'g', template: '欢迎 {nickname}' })], joined(bot)), []);
  });

  test('a disabled welcome does nothing; message rules do not fire on joins; join rules do not fire on messages', () => {
    assert.deepEqual(fired([welcomeRule({ id: 'w', groupId: 'g', template: 'x', enabled: false })], joined(alice)), []);
    assert.deepEqual(fired([kw('r', ['小红'], 'x')], joined(alice)), []);
    assert.deepEqual(fired([welcomeRule({ id: 'w', groupId: 'g', template: 'x' })], message('大家好')), []);
  });

  test('a member leaving produces nothing', () => {
    const left: MemberLeftEvent = { kind: 'member_left', id: 'acc-1:l1', channelAccountId: ACCOUNT, platformEventId: 'l1', occurredAt: 0, platformGroupId: GROUP, member: alice };
    assert.deepEqual(sends(left, compileRules([welcomeRule({ id: 'w', groupId: 'g', template: 'x' }), kw('r', ['小红'], 'x')]), ctx), []);
  });
});

describe('idempotency keys', () => {
  test('the same event gives the same keys and intents on every evaluation (and a new compile)', () => {
    const rules = [kw('a', ['资料'], 'A', { stopAfterMatch: false }), kw('b', ['课件'], 'B')];
    const ev = message('资料和课件', { id: 'fixed' });
    const first = sends(ev, compileRules(rules), ctx);
    const second = sends(ev, compileRules(rules), ctx);
    const third = sends(structuredClone(ev), compileRules([...rules].reverse()), ctx);
    assert.equal(first.length, 2);
    assert.deepEqual(second, first);
    assert.deepEqual(third, first);
    assert.deepEqual(
      first.map((k) => k.idempotencyKey),
      [`${ACCOUNT}:msg:fixed:0`, `${ACCOUNT}:msg:fixed:1`],
    );
  });

  test('different events give different keys', () => {
    const compiled = compileRules([kw('a', ['资料'], 'A')]);
    const k1 = sends(message('资料'), compiled, ctx)[0]?.idempotencyKey;
    const k2 = sends(message('资料'), compiled, ctx)[0]?.idempotencyKey;
    assert.ok(k1 && k2);
    assert.notEqual(k1, k2);
  });
});

describe('compiled rules at scale', () => {
  function manyRules(n: number): Rule[] {
    const rules: Rule[] = [kw('target', ['资料'], '资料在这里', { priority: 1 }), kw('other', ['课件'], '课件在这里')];
    for (let i = 0; rules.length < n; i++) rules.push(kw(`filler-${i}`, [`关键词${i}号`, `kw-${i}-x`], `reply ${i}`));
    return rules;
  }

  test('10 and 10,000 rules give the same answer', () => {
    const small = compileRules(manyRules(10));
    const large = compileRules(manyRules(10_000));
    assert.equal(small.size, 10);
    assert.equal(large.size, 10_000);
    const texts = ['请问有资料吗', '课件呢', '课件和资料', '大家好', '关键词3号'];
    for (const text of texts) {
      const ev = message(text, { id: `same-${text}` });
      assert.deepEqual(sends(ev, large, ctx), sends(ev, small, ctx), text);
    }
    // ...and the large set answers its own rules too.
    assert.deepEqual(
      sends(message('找 KW-9990-X'), large, ctx).map((k) => k.ruleId),
      ['filler-9990'],
    );
  });
});

describe('a group sharing the workspace’s compiled rules', () => {
  // Workspace-wide rules and a group's own, some with the same keyword or priority, one with a
  // keyword and a first-message condition, one disabled.
  const workspaceRules: Rule[] = [
    kw('ws-a', ['资料'], 'A', { priority: 1 }),
    kw('ws-b', ['课件', 'ppt'], 'B'),
    kw('ws-off', ['资料'], 'off', { enabled: false }),
    { ...kw('ws-first', ['你好'], 'first', { stopAfterMatch: false }), trigger: { type: 'message', scope: 'any' }, conditions: [{ type: 'keyword', keywords: ['你好'], mode: 'contains' }, { type: 'first_message' }] },
    { ...kw('ws-exact', ['签到'], 'exact'), conditions: [{ type: 'keyword', keywords: ['签到'], mode: 'exact' }] },
  ];
  const groupRules: Rule[] = [kw('g-a', ['资料'], 'group A', { groupId: GROUP, priority: 1 }), kw('g-c', ['课'], 'group C', { groupId: GROUP })];
  const shared = compileRules(workspaceRules);
  // The same rules loaded again (new objects), as the engine loads a group's effective rules.
  const effective = structuredClone([...workspaceRules, ...groupRules]);
  const group = compileRules(effective, shared);
  const alone = compileRules(structuredClone([...workspaceRules, ...groupRules]));

  test('the workspace’s keyword automaton is reused, and only the group’s own keywords get one of their own', () => {
    assert.equal(group.keywordMatchers[0], shared.keywordMatchers[0]);
    assert.equal(group.keywordMatchers.length, 2);
    assert.equal(group.keywordMatchers[1]?.size, 2);
    assert.equal(group.size, alone.size);
  });

  test('it answers every message as compiling all of its rules together does', () => {
    for (const text of ['资料', '有资料和课件吗', 'PPT 呢', '上课', '签到', '你好', '大家好', '课件资料课']) {
      for (const first of [false, true]) {
        const ev = message(text, { id: `share-${text}`, group: first ? null : GROUP });
        const c = { ...ctx, firstMessage: first };
        assert.deepEqual(decide(ev, group, c), decide(ev, alone, c), `${text} (${first ? 'direct, first message' : 'group'})`);
      }
    }
  });

  test('a rule with a keyword and a first-message condition fires once', () => {
    const ev = message('你好', { id: 'share-once', group: null });
    assert.deepEqual(
      decide(ev, group, { ...ctx, firstMessage: true }).map((k) => k.ruleId),
      ['ws-first'],
    );
  });
});
