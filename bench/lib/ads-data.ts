/**
 * Deterministic chat messages for the ad detector benchmark (bench/ads.ts) and its tests: mixed Chinese
 * and English group chat of 20–200 UTF-16 units made of everyday phrases, with what makes ad detection
 * hard in clean messages (prices 13.5元, dates 2024-11-23, times 13:45, order numbers, versions v2.0,
 * sentence dots, 。 between phrases, emoji), and a share of messages with one ad planted in, whose
 * kind and span are recorded: links (some with evasive dots or full-width letters), invite links,
 * phone numbers (separators, +86, full-width, landlines) and WeChat/QQ ids after a cue.
 */
import { int, pick, rng, type Rand } from './data.ts';

const ZH = [
  '大家好', '早上好', '今天的课程几点开始？', '收到，谢谢老师', '我已经下单了', '这个价格还能便宜吗', '明天见', '请问怎么报名',
  '周末有活动吗', '好的好的', '哈哈哈哈', '已经发货了', '链接打不开', '麻烦看一下', '群里有人知道吗', '老师辛苦了', '我也想要',
  '什么时候到货', '今天天气不错', '晚上一起看直播', '这个怎么用', '有没有优惠券', '谢谢分享', '学到了', '太棒了', '支持一下',
  '我在开会，晚点回复', '第一次参加', '作业已经交了', '下周一开课', '记得按时打卡', '有问题随时问', '我来晚了', '同意楼上',
  '刚看到消息', '价格已经调整', '报名截止到周五', '请大家注意查收', '欢迎新朋友', '群公告看一下', '一点点心意', '我用微信支付了',
  '微信群里说过了', '点赞', '好久不见', '稍等一下', '明白了', '这个不错', '开心', '辛苦大家',
];
const EN = [
  'good morning everyone', 'thanks for sharing', 'see you tomorrow', 'is the class at 8pm?', 'ok.', 'I paid already.',
  'what time is the live stream', 'sounds good', 'please check the group notice', 'welcome to the group', 'me too',
  'the link does not open', 'happy weekend', 'any discount today?', 'great job', 'see the pinned message', 'done.',
  'Mr.Li will host tonight', 'v2.0 is out', 'version 1.2.3 fixed it', 'node.js and file.txt', 'e.g. this one',
];
const NUMBERS = [
  () => `${int(R, 1, 999)}.${int(R, 0, 9)}元`, () => `${int(R, 1, 999)}块`, () => `2024-${pad(int(R, 1, 12))}-${pad(int(R, 1, 28))}`,
  () => `${pad(int(R, 0, 23))}:${pad(int(R, 0, 59))}`, () => `第${int(R, 1, 30)}期`, () => `${int(R, 1, 9)}折`,
  () => `${int(R, 1, 12)}月${int(R, 1, 28)}日`, () => `${int(R, 1, 12)}点半`, () => `订单号 2024${digits(int(R, 8, 15))}`,
  () => `#${int(R, 1, 999)}`, () => `${int(R, 10, 500)}人`, () => `ID ${digits(6)}`, () => `${int(R, 2, 5)}.${int(R, 0, 9)}分`,
];
const EMOJI = ['😀', '👍', '🎉', '🙏', '😂', '🔥', '❤️', '🌸', '✅', '🧧'];
const PUNCT = ['，', '。', '！', '？', '～', '…', ' ', ' '];

/** The generator's state while `adMessages` runs (the number templates read it). */
let R: Rand = rng(1);
const pad = (n: number) => String(n).padStart(2, '0');
const digits = (n: number) => Array.from({ length: n }, () => int(R, 0, 9)).join('');
const word = (min: number, max: number) => Array.from({ length: int(R, min, max) }, () => pick(R, [...'abcdefghijklmnopqrstuvwxyz'])).join('');
const wide = (s: string) => [...s].map((ch) => (/[!-~]/.test(ch) ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch)).join('');
const mobile = () => `1${pick(R, [...'3456789'])}${digits(9)}`;

export type PlantedKind = 'link' | 'invite_link' | 'phone' | 'wechat_id';

/** An ad: what leads to it (not part of the hit) and the hit as written. */
interface Ad {
  kind: PlantedKind;
  lead: string;
  hit: string;
}

const ADS: (() => Ad)[] = [
  () => ({ kind: 'link', lead: pick(R, ['看这里 ', '官网：', '详情', 'more at ']), hit: `https://${word(4, 9)}.com/${word(2, 6)}` }),
  () => ({ kind: 'link', lead: '', hit: `www.${word(4, 9)}.cn` }),
  () => ({ kind: 'link', lead: '点击', hit: `${word(4, 9)}.${pick(R, ['top', 'xyz', 'vip', 'cc'])}/${word(3, 6)}` }),
  () => ({ kind: 'link', lead: '', hit: `${word(4, 9)}${pick(R, ['。', '点', ' . ', '(.)'])}com` }),
  () => ({ kind: 'link', lead: '', hit: wide(`www.${word(4, 8)}.com`) }),
  () => ({ kind: 'link', lead: '邮箱 ', hit: `${word(4, 8)}${digits(3)}@qq.com` }),
  () => ({ kind: 'invite_link', lead: '进群 ', hit: `t.me/+${word(8, 12)}` }),
  () => ({ kind: 'invite_link', lead: '', hit: `https://chat.whatsapp.com/${word(10, 16)}` }),
  () => ({ kind: 'invite_link', lead: 'join ', hit: `discord.gg/${word(5, 8)}` }),
  () => ({ kind: 'invite_link', lead: '扫码加群 ', hit: `qm.qq.com/q/${word(6, 10)}` }),
  () => ({ kind: 'phone', lead: pick(R, ['电话', '手机 ', 'call ']), hit: mobile() }),
  () => {
    const m = mobile();
    return { kind: 'phone', lead: '联系', hit: `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}` };
  },
  () => ({ kind: 'phone', lead: '电话 ', hit: `+86 ${mobile().replace(/^(\d{3})(\d{4})/, '$1-$2-')}` }),
  () => ({ kind: 'phone', lead: '手机', hit: wide(mobile()) }),
  () => ({ kind: 'phone', lead: '座机 ', hit: `0${int(R, 10, 99)}-${int(R, 2, 8)}${digits(7)}` }),
  () => ({ kind: 'phone', lead: '客服', hit: `400-${digits(3)}-${digits(4)}` }),
  () => ({ kind: 'wechat_id', lead: '加我', hit: `微信：${word(4, 8)}${digits(3)}` }),
  () => ({ kind: 'wechat_id', lead: '', hit: `${pick(R, ['V信', 'vx：', 'VX ', '薇信', '威信 ', 'wx: '])}${word(3, 8)}_${digits(2)}` }),
  () => ({ kind: 'wechat_id', lead: '', hit: `${pick(R, ['QQ：', 'qq ', '扣扣 '])}${int(R, 1, 9)}${digits(int(R, 5, 9))}` }),
  () => ({ kind: 'wechat_id', lead: '有事', hit: `+V ${word(5, 8)}${digits(2)}` }),
];

function phrase(): string {
  const x = R();
  if (x < 0.55) return pick(R, ZH);
  if (x < 0.8) return pick(R, EN);
  if (x < 0.93) return pick(R, NUMBERS)();
  return pick(R, EMOJI);
}

function filler(target: number): string {
  let s = '';
  while (s.length < target) {
    s += phrase();
    // English phrases take a space after them; Chinese ones punctuation or nothing.
    s += /[a-z0-9.?]$/i.test(s) ? pick(R, [' ', '， ', ' ']) : pick(R, PUNCT);
  }
  return s;
}

/** At most `max` UTF-16 units, not cutting a surrogate pair in two. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const low = s.charCodeAt(max);
  return s.slice(0, low >= 0xdc00 && low <= 0xdfff ? max - 1 : max);
}

/** One ad as a member would write it into a message (what leads to it, then the ad), drawn with `r`. */
export function adText(r: Rand): string {
  R = r;
  const ad = pick(R, ADS)();
  return `${ad.lead}${ad.hit}`;
}

export interface AdMessage {
  text: string;
  /** The planted ad's kind and span, or null. */
  ad: { kind: PlantedKind; start: number; end: number } | null;
}

/** `count` messages, `adRate` of them with one ad planted between two phrases. */
export function adMessages(count: number, o: { adRate?: number; seed?: number } = {}): AdMessage[] {
  R = rng(o.seed ?? 20261123);
  const out: AdMessage[] = [];
  for (let i = 0; i < count; i++) {
    const target = int(R, 20, 200);
    if (R() >= (o.adRate ?? 0.05)) {
      out.push({ text: cut(filler(target), 200), ad: null });
      continue;
    }
    const ad = pick(R, ADS)();
    const before = filler(int(R, 0, Math.max(0, target - 40)));
    const start = before.length + ad.lead.length;
    // A digit right after a number would make it part of a longer one: the ad ends with punctuation or a word.
    const text = cut(`${before}${ad.lead}${ad.hit}${pick(R, ['，', '！', ' 谢谢', '。'])}${filler(int(R, 0, 30))}`, Math.max(200, start + ad.hit.length + 1));
    out.push({ text, ad: { kind: ad.kind, start, end: start + ad.hit.length } });
  }
  return out;
}
