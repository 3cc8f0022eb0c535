// Advertising detection: links (evasive spellings, the allow-list, what is not a link), invite links,
// phone numbers, WeChat/QQ ids, cards, the settings switches, overlaps, and invariants over the
// benchmark's generated corpus (every planted ad found, hits sorted and disjoint).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectAds, type AdHit, type AdKind, type AdSettings } from '../../src/core/moderation/ads.ts';
import { DEFAULT_GROUP_SETTINGS, type GroupSettings } from '../../src/shared/group-settings.ts';
import { adMessages } from '../../bench/lib/ads-data.ts';

type Ads = GroupSettings['ads'];
// The settings the group settings schema produces are what detectAds takes (checked by the compiler).
const _compatible: AdSettings = DEFAULT_GROUP_SETTINGS.ads satisfies Ads;
const ALL: Ads = { ...DEFAULT_GROUP_SETTINGS.ads, action: 'block', links: true, phones: true, wechatIds: true, inviteLinks: true, cards: true, allowDomains: [] };
const only = (kind: 'links' | 'phones' | 'wechatIds' | 'inviteLinks'): Ads => ({ ...ALL, links: false, phones: false, wechatIds: false, inviteLinks: false, [kind]: true });

const detect = (text: string, settings: Ads = ALL, strict = false, type = 'text') => {
  const hits = detectAds({ type, text }, settings, { strict });
  // Every hit shows the original text at its span.
  for (const h of hits) assert.equal(h.text, text.slice(h.start, h.end), `span of ${JSON.stringify(h)}`);
  return hits;
};
const brief = (hits: AdHit[]) => hits.map((h) => [h.kind, h.text]);

/** [input, expected (kind, text as written)…] */
type Row = [string, [AdKind, string][]];
function table(name: string, rows: Row[], settings: Ads = ALL): void {
  describe(name, () => {
    for (const [text, want] of rows) test(JSON.stringify(text), () => assert.deepEqual(brief(detect(text, settings)), want));
  });
}

// ---- links ---------------------------------------------------------------------------------------

table('links: plain', [
  ['https://example.com/path?q=1', [['link', 'https://example.com/path?q=1']]],
  ['see http://example.com now', [['link', 'http://example.com']]],
  ['看 example.com/x 吧', [['link', 'example.com/x']]],
  ['www.x.cn', [['link', 'www.x.cn']]],
  ['Visit WWW.Example.COM now', [['link', 'WWW.Example.COM']]],
  ['port: https://example.com:8443/a', [['link', 'https://example.com:8443/a']]],
  ['ip: http://1.2.3.4/x', [['link', 'http://1.2.3.4/x']]],
  ['new gTLDs: foo.top/a bar.xyz', [['link', 'foo.top/a'], ['link', 'bar.xyz']]],
  ['with a path any TLD on the list will do: abc.wang/x', [['link', 'abc.wang/x']]],
]);

table('links: glued to Chinese text', [
  ['访问http://例子.中国/a吧', [['link', 'http://例子.中国/a']]],
  ['中文example.com中文', [['link', 'example.com']]],
  ['我在abc.com，你呢', [['link', 'abc.com']]],
  ['打开https://example.com/路径/x看看', [['link', 'https://example.com/路径/x']]],
]);

table('links: evasive spellings', [
  ['ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ', [['link', 'ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ']]],
  ['ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ／ａ', [['link', 'ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ／ａ']]],
  ['上example。com看', [['link', 'example。com']]],
  ['example｡com', [['link', 'example｡com']]],
  ['example点com', [['link', 'example点com']]],
  ['example 點 com', [['link', 'example 點 com']]],
  ['go to example . com', [['link', 'example . com']]],
  ['www . example . com', [['link', 'www . example . com']]],
  ['example(.)com', [['link', 'example(.)com']]],
  ['example[.]com', [['link', 'example[.]com']]],
  ['example（dot）com', [['link', 'example（dot）com']]],
  ['example【.】cn', [['link', 'example【.】cn']]],
  ['example·com', [['link', 'example·com']]],
  ['exa\u200bmple.com', [['link', 'exa\u200bmple.com']]],
  ['example\u200b.\u200bcom', [['link', 'example\u200b.\u200bcom']]],
  ['ＥＸＡＭＰＬＥ。ＣＯＭ／ｘ', [['link', 'ＥＸＡＭＰＬＥ。ＣＯＭ／ｘ']]],
  // A 。 after a whole host ends the sentence.
  ['www.abc.com。see you', [['link', 'www.abc.com']]],
  ['ｗｗｗ．ａｂｃ．ｃｏｍ。v2.0 is out', [['link', 'ｗｗｗ．ａｂｃ．ｃｏｍ']]],
  ['www。abc。com。ok', [['link', 'www。abc。com']]],
  ['qm.qq.com/q/abc。great', [['invite_link', 'qm.qq.com/q/abc']]],
  ['https://example。com/a。b', [['link', 'https://example。com/a']]],
]);

table('links: not links', [
  ['Mr.Li said hi', []],
  ['Dr.Ma and Ms.Hu', []],
  ['ok.me too', []],
  ['好的。me too', []],
  ['好的。好的。', []],
  ['I am done. Com on', []],
  ['done .com', []],
  ['ok . me', []],
  ['free 。 online', []],
  ['ok . app', []],
  ['try this。app', []],
  ['Mr·Li', []],
  ['pi is 3.14, v1.2.3, file.txt, node.js', []],
  ['一点点，12点30分，一点com', []],
  ['192.168.1.1', []],
  ['hello.world', []],
  ['abc.wang', []],
  ['e.g. this, i.e. that', []],
  ['价格13.5元', []],
  ['123@哈哈.哈哈', []],
  ['123@哈哈.哈哈 官网 abc.com', [['link', 'abc.com']]],
  ['a@b', []],
  ['', []],
]);

describe('links: e-mail addresses are links (a contact, like a phone number)', () => {
  test('an address is a link whose host is the mail domain', () => {
    const [hit] = detect('联系 abc123@qq.com 谢谢');
    assert.deepEqual([hit?.kind, hit?.text, hit?.host], ['link', 'abc123@qq.com', 'qq.com']);
  });
  test('mailto: too (the address is the hit)', () => assert.deepEqual(brief(detect('mailto:a@b.com')), [['link', 'a@b.com']]));
  test('after a label\'s colon, in either width', () => {
    assert.deepEqual(brief(detect('邮箱:abc@qq.com')), [['link', 'abc@qq.com']]);
    assert.deepEqual(brief(detect('Email：abc@qq.com')), [['link', 'abc@qq.com']]);
  });
  test('an allowed domain allows its addresses', () => assert.deepEqual(detect('write to support@brand.com', { ...ALL, allowDomains: ['brand.com'] }), []));
  test('the allow-list does not cover them in first messages', () => assert.equal(detect('support@brand.com', { ...ALL, allowDomains: ['brand.com'] }, true).length, 1));
});

describe('links: hosts', () => {
  const cases: [string, string][] = [
    ['https://User@Example.COM:8080/a', 'example.com'],
    ['ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ', 'www.example.com'],
    ['example。com', 'example.com'],
    ['//cdn.example.org/x', 'cdn.example.org'],
    ['http://例子.中国/a', '例子.中国'],
    ['x@Mail.Example.com', 'mail.example.com'],
  ];
  for (const [text, host] of cases) test(`${JSON.stringify(text)} → ${host}`, () => assert.equal(detect(text)[0]?.host, host));
});

describe('links: allowed domains', () => {
  const rows: [string[], string, boolean][] = [
    [['example.com'], 'example.com/a', false],
    [['example.com'], 'https://shop.example.com/a', false],
    [['example.com'], 'https://a.b.example.com', false],
    [['example.com'], 'badexample.com', true],
    [['example.com'], 'example.com.evil.cn', true],
    [['example.com'], 'example.cn', true],
    [['*.example.com'], 'example.com', true],
    [['*.example.com'], 'shop.example.com', false],
    [['*.example.com'], 'https://a.b.example.com/x', false],
    [['other.org', 'example.com'], 'https://example.com', false],
    [['例子.中国'], 'http://例子.中国/a', false],
    [['example.com'], 'example。com', false],
  ];
  for (const [allow, text, hit] of rows) {
    test(`${JSON.stringify(allow)}: ${text} ${hit ? 'is' : 'is not'} a hit`, () => assert.equal(detect(text, { ...ALL, allowDomains: allow }).length, hit ? 1 : 0));
  }
  test('strict (first messages): an allowed link is a hit too', () => {
    assert.deepEqual(brief(detect('https://shop.example.com/a', { ...ALL, allowDomains: ['example.com'] }, true)), [['link', 'https://shop.example.com/a']]);
  });
  test('strict does not turn on a kind that is off', () => {
    assert.deepEqual(detect('https://example.com 13812345678', { ...ALL, links: false, phones: false }, true), []);
  });
});

// ---- invite links --------------------------------------------------------------------------------

table('invite links', [
  ['t.me/+AbCdEf12', [['invite_link', 't.me/+AbCdEf12']]],
  ['https://t.me/joinchat/AbC-12', [['invite_link', 'https://t.me/joinchat/AbC-12']]],
  ['telegram.me/+abc', [['invite_link', 'telegram.me/+abc']]],
  ['https://t.me/addlist/abc', [['invite_link', 'https://t.me/addlist/abc']]],
  ['chat.whatsapp.com/AbC123', [['invite_link', 'chat.whatsapp.com/AbC123']]],
  ['join https://discord.gg/abc now', [['invite_link', 'https://discord.gg/abc']]],
  ['discord.com/invite/abc', [['invite_link', 'discord.com/invite/abc']]],
  ['扫码 qm.qq.com/cgi-bin/qm/qr?k=abc 加群', [['invite_link', 'qm.qq.com/cgi-bin/qm/qr?k=abc']]],
  ['jq.qq.com/?_wv=1027&k=abc', [['invite_link', 'jq.qq.com/?_wv=1027&k=abc']]],
  ['u.wechat.com/AbC', [['invite_link', 'u.wechat.com/AbC']]],
  ['https://weixin.qq.com/g/AbC', [['invite_link', 'https://weixin.qq.com/g/AbC']]],
  ['https://work.weixin.qq.com/gm/abc', [['invite_link', 'https://work.weixin.qq.com/gm/abc']]],
  ['https://community.example.org/join/AbC123', [['invite_link', 'https://community.example.org/join/AbC123']]],
  ['http://localhost:3000/join/x1', [['invite_link', 'http://localhost:3000/join/x1']]],
  ['t。me/+abc', [['invite_link', 't。me/+abc']]],
  ['ｔ．ｍｅ／＋ａｂｃ', [['invite_link', 'ｔ．ｍｅ／＋ａｂｃ']]],
  // Links to those hosts that do not lead into a group are ordinary links.
  ['t.me/somechannel', [['link', 't.me/somechannel']]],
  ['discord.com/channels/1/2', [['link', 'discord.com/channels/1/2']]],
  ['https://weixin.qq.com/', [['link', 'https://weixin.qq.com/']]],
  ['example.com/joinus', [['link', 'example.com/joinus']]],
  ['t.me', []],
]);

describe('invite links and the settings', () => {
  test('an allowed domain does not exempt an invite link', () => {
    const s = { ...ALL, allowDomains: ['t.me', 'example.org'] };
    assert.deepEqual(brief(detect('t.me/+abc', s)), [['invite_link', 't.me/+abc']]);
    assert.deepEqual(brief(detect('https://example.org/join/abc', s)), [['invite_link', 'https://example.org/join/abc']]);
    assert.deepEqual(detect('t.me/ourchannel', s), []);
  });
  test('with invite links off, an invite link is an ordinary link (allow-list included)', () => {
    assert.deepEqual(brief(detect('t.me/+abc', { ...ALL, inviteLinks: false })), [['link', 't.me/+abc']]);
    assert.deepEqual(detect('t.me/+abc', { ...ALL, inviteLinks: false, allowDomains: ['t.me'] }), []);
  });
  test('with links off, only invite links', () => {
    assert.deepEqual(brief(detect('example.com and t.me/+abc', only('inviteLinks'))), [['invite_link', 't.me/+abc']]);
  });
});

// ---- phones --------------------------------------------------------------------------------------

table(
  'phones',
  [
    ['13812345678', [['phone', '13812345678']]],
    ['电话13812345678找我', [['phone', '13812345678']]],
    ['电话138 1234 5678', [['phone', '138 1234 5678']]],
    ['138-1234-5678', [['phone', '138-1234-5678']]],
    ['138.1234.5678', [['phone', '138.1234.5678']]],
    ['138  1234  5678', [['phone', '138  1234  5678']]],
    ['call 1 3 8 1 2 3 4 5 6 7 8', [['phone', '1 3 8 1 2 3 4 5 6 7 8']]],
    ['+86 138 1234 5678', [['phone', '+86 138 1234 5678']]],
    ['+8613812345678', [['phone', '+8613812345678']]],
    ['0086 13812345678', [['phone', '0086 13812345678']]],
    ['(+86) 13812345678', [['phone', '(+86) 13812345678']]],
    ['１３８１２３４５６７８', [['phone', '１３８１２３４５６７８']]],
    ['＋８６ １３８－１２３４－５６７８', [['phone', '＋８６ １３８－１２３４－５６７８']]],
    ['一三八一二三四五六七八', [['phone', '一三八一二三四五六七八']]],
    ['幺三八 幺二三四 五六七八', [['phone', '幺三八 幺二三四 五六七八']]],
    ['壹叁捌壹贰叁肆伍陆柒捌', [['phone', '壹叁捌壹贰叁肆伍陆柒捌']]],
    ['138一二三四五六七八', [['phone', '138一二三四五六七八']]],
    ['第一13812345678', [['phone', '13812345678']]],
    ['①③⑧①②③④⑤⑥⑦⑧', [['phone', '①③⑧①②③④⑤⑥⑦⑧']]],
    ['座机010-12345678', [['phone', '010-12345678']]],
    ['(0755) 1234567', [['phone', '(0755) 1234567']]],
    ['tel 021 87654321', [['phone', '021 87654321']]],
    ['０１０－１２３４５６７８', [['phone', '０１０－１２３４５６７８']]],
    ['0755-12345678转801', [['phone', '0755-12345678转801']]],
    ['客服400-123-4567', [['phone', '400-123-4567']]],
    ['800 1234567', [['phone', '800 1234567']]],
    ['+44 20 7946 0958', [['phone', '+44 20 7946 0958']]],
    ['+1 (415) 555-2671', [['phone', '+1 (415) 555-2671']]],
    ['+1-415-555-2671', [['phone', '+1-415-555-2671']]],
    ['+4915123456789', [['phone', '+4915123456789']]],
    ['微信同号 13812345678 24小时在线', [['phone', '13812345678']]],
    ['id abc123 13812345678', [['phone', '13812345678']]],
    ['+86 13812345678 24h', [['phone', '+86 13812345678']]],
  ],
  only('phones'),
);

table(
  'phones: not phones',
  [
    ['2024-11-23', []],
    ['2024-11-23 13:45:00', []],
    ['2024年11月23日 13:45', []],
    ['价格 13.50 元，共 138 件', []],
    ['订单号 2024112313812345678', []],
    ['1381234567890123', []],
    ['138123456789', []],
    ['1381234567', []],
    ['12812345678', []],
    ['6222 0212 3456 7890 123', []],
    ['1381 2345 6789 0123', []],
    ['6222 0212 1381 2345 678', []],
    ['138 1234 5678 9012', []],
    ['#154 2024-05-25', []],
    ['138 1234-5678', []],
    ['13812345678-1', []],
    ['1.3812345678', []],
    ['02112345678', []],
    ['4001234567', []],
    ['第一 二 三，二〇二四年十一月', []],
    ['一二三四五六七', []],
    ['积分 +10000000', []],
    ['+1234567', []],
    ['+1234567890123456', []],
    ['3.1415926535', []],
    ['no digits at all 没有数字', []],
  ],
  only('phones'),
);

// ---- WeChat and QQ ids ---------------------------------------------------------------------------

table(
  'WeChat and QQ ids',
  [
    ['加我微信：abc123', [['wechat_id', '微信：abc123']]],
    ['微信号 abc_123', [['wechat_id', '微信号 abc_123']]],
    ['微信abc123', [['wechat_id', '微信abc123']]],
    ['薇信 abc123', [['wechat_id', '薇信 abc123']]],
    ['威信：abc-123', [['wechat_id', '威信：abc-123']]],
    ['V信 abc123', [['wechat_id', 'V信 abc123']]],
    ['vx: abc123', [['wechat_id', 'vx: abc123']]],
    ['加我 VX abc123', [['wechat_id', 'VX abc123']]],
    ['ＶＸ：ａｂｃ１２３', [['wechat_id', 'ＶＸ：ａｂｃ１２３']]],
    ['wx abc123', [['wechat_id', 'wx abc123']]],
    ['weixin: abc123', [['wechat_id', 'weixin: abc123']]],
    ['WeChat: abc_2024 thanks', [['wechat_id', 'WeChat: abc_2024']]],
    ['加V abc123', [['wechat_id', '加V abc123']]],
    ['有事+V abc123', [['wechat_id', '+V abc123']]],
    ['＋ｖ：abc123', [['wechat_id', '＋ｖ：abc123']]],
    ['加微 abc123', [['wechat_id', '加微 abc123']]],
    ['私我 abc123', [['wechat_id', '私我 abc123']]],
    ['微 信 abc123', [['wechat_id', '微 信 abc123']]],
    ['微💥信 abc123', [['wechat_id', '微💥信 abc123']]],
    ['微\u200b信 abc123', [['wechat_id', '微\u200b信 abc123']]],
    ['微信號：abc123', [['wechat_id', '微信號：abc123']]],
    ['vx：a\u200bbc123', [['wechat_id', 'vx：a\u200bbc123']]],
    ['微信❤️abc123', [['wechat_id', '微信❤️abc123']]],
    ['微信：13812345678', [['wechat_id', '微信：13812345678']]],
    ['微信 138 1234 5678', [['wechat_id', '微信 138 1234 5678']]],
    ['wx：123456', [['wechat_id', 'wx：123456']]],
    ['vx13812345678', [['wechat_id', 'vx13812345678']]],
    ['微信号：lilyzhang', [['wechat_id', '微信号：lilyzhang']]],
    ['微信号：lilyzhang 谢谢', [['wechat_id', '微信号：lilyzhang']]],
    ['QQ：12345678', [['wechat_id', 'QQ：12345678']]],
    ['qq 1234567890', [['wechat_id', 'qq 1234567890']]],
    ['扣扣 123456', [['wechat_id', '扣扣 123456']]],
    ['企鹅号 123456789', [['wechat_id', '企鹅号 123456789']]],
    ['QQ群：123456789', [['wechat_id', 'QQ群：123456789']]],
    ['我的是 wxid_abcdef123 哦', [['wechat_id', 'wxid_abcdef123']]],
  ],
  only('wechatIds'),
);

table(
  'WeChat and QQ ids: not ids',
  [
    ['微信支付 100 元', []],
    ['微信群 abc123', []],
    ['我用微信', []],
    ['wechat: welcome to the group', []],
    ['微信 update 了', []],
    ['微信 lilyzhang', []],
    ['微信：abc12', []],
    ['微信：abcdefghijklmnopqrstu1', []],
    ['微信 12345', []],
    ['微信 123456abc', []],
    ['wxyz abc123', []],
    ['vxabc123', []],
    ['twx abc123', []],
    ['I have abc123', []],
    ['V: abc123', []],
    ['QQ 1234', []],
    ['QQ 012345', []],
    ['qq abcdef1', []],
    ['QQ 123456789012', []],
  ],
  only('wechatIds'),
);

// ---- cards, switches, overlaps ---------------------------------------------------------------------

describe('cards', () => {
  for (const type of ['card', 'mini_program', 'contact_card', 'qr_code']) {
    test(`${type} is an ad, the whole message`, () => {
      assert.deepEqual(detect('某某小程序', ALL, false, type), [{ kind: 'card', text: '某某小程序', start: 0, end: 5 }]);
    });
  }
  test('an image is not an ad by itself', () => assert.deepEqual(detect('', ALL, false, 'image'), []));
  test('with cards off, a card is judged by its text', () => {
    assert.deepEqual(brief(detect('加微信 abc123', { ...ALL, cards: false }, false, 'contact_card')), [['wechat_id', '微信 abc123']]);
    assert.deepEqual(detect('某某小程序', { ...ALL, cards: false }, false, 'mini_program'), []);
  });
});

describe('settings switches', () => {
  const text = '官网 example.com 群 t.me/+abc 电话 13912345678 微信：abc123';
  const everything: [AdKind, string][] = [
    ['link', 'example.com'],
    ['invite_link', 't.me/+abc'],
    ['phone', '13912345678'],
    ['wechat_id', '微信：abc123'],
  ];
  test('all on: every kind, sorted by start', () => assert.deepEqual(brief(detect(text)), everything));
  test("action 'off': nothing", () => assert.deepEqual(detect(text, { ...ALL, action: 'off' }), []));
  test("action 'off' also for cards", () => assert.deepEqual(detect('x', { ...ALL, action: 'off' }, false, 'qr_code'), []));
  test('every switch off: nothing', () => assert.deepEqual(detect(text, { ...ALL, links: false, phones: false, wechatIds: false, inviteLinks: false }), []));
  const switches: ['links' | 'phones' | 'wechatIds' | 'inviteLinks', AdKind][] = [
    ['links', 'link'],
    ['inviteLinks', 'invite_link'],
    ['phones', 'phone'],
    ['wechatIds', 'wechat_id'],
  ];
  for (const [flag, kind] of switches) {
    // With invite links off, an invite link is a link like any other.
    const want = flag === 'links' ? [everything[0]!, ['link', 't.me/+abc']] : everything.filter(([k]) => k === kind);
    test(`only ${flag}: only ${kind}`, () => assert.deepEqual(brief(detect(text, only(flag))), want));
  }
});

describe('overlaps', () => {
  test('a phone inside a link is part of the link', () => assert.deepEqual(brief(detect('https://example.com/u/13812345678')), [['link', 'https://example.com/u/13812345678']]));
  test('nor inside an allowed link, which is no hit', () => assert.deepEqual(detect('https://shop.brand.com/order/13812345678', { ...ALL, allowDomains: ['brand.com'] }), []));
  test('a WeChat cue inside a link is part of the link', () => assert.deepEqual(brief(detect('example.com/weixin/abc123')), [['link', 'example.com/weixin/abc123']]));
  test('a number offered after a WeChat cue is a WeChat id, not also a phone', () => {
    assert.deepEqual(brief(detect('微信 13812345678')), [['wechat_id', '微信 13812345678']]);
    assert.deepEqual(brief(detect('微信 13812345678', { ...ALL, wechatIds: false })), [['phone', '13812345678']]);
  });
  test('an address after a WeChat cue is the link', () => assert.deepEqual(brief(detect('微信：abc123@qq.com')), [['link', 'abc123@qq.com']]));
  test('overlapping cues (加微 and 微信) give one hit', () => assert.deepEqual(brief(detect('加微信：abc123')), [['wechat_id', '微信：abc123']]));
  test('a mobile number written with +86 is one phone', () => assert.equal(detect('+86 138 1234 5678').length, 1));
  test('several of each kind, in order', () => {
    assert.deepEqual(brief(detect('a.com 13812345678 b.cn 微信 abc123 13912345678 c.top/x')), [
      ['link', 'a.com'],
      ['phone', '13812345678'],
      ['link', 'b.cn'],
      ['wechat_id', '微信 abc123'],
      ['phone', '13912345678'],
      ['link', 'c.top/x'],
    ]);
  });
});

// ---- the generated corpus ------------------------------------------------------------------------

describe('the benchmark corpus', () => {
  const msgs = adMessages(3000);
  test('every planted ad is found, with its kind and span', () => {
    let planted = 0;
    for (const m of msgs) {
      if (!m.ad) continue;
      planted++;
      const hits = detect(m.text);
      const found = hits.find((h) => h.start === m.ad!.start && h.end === m.ad!.end);
      assert.ok(found, `${JSON.stringify(m.text)}: ${JSON.stringify(m.ad)} not in ${JSON.stringify(hits)}`);
      assert.equal(found.kind, m.ad.kind, JSON.stringify(m.text));
    }
    assert.ok(planted > 100, `only ${planted} planted ads`);
  });
  test('nothing in the messages without an ad', () => {
    for (const m of msgs) if (!m.ad) assert.deepEqual(detect(m.text), [], JSON.stringify(m.text));
  });
  test('hits are sorted by start and never overlap', () => {
    for (const m of msgs) {
      const hits = detect(m.text);
      for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.end <= hits[i]!.start, JSON.stringify(m.text));
    }
  });
});
