/**
 * What members read when moderation acts, zh-CN first and English (the workspace's locale
 * chooses). Pure: `{name}` style placeholders filled by `say`.
 */
export type ModerationLocale = 'zh-CN' | 'en';

const TEXTS = {
  'zh-CN': {
    'reason.sensitive_word': '消息包含本群不允许的内容',
    'reason.ad': '请勿在群内发布广告（链接、电话、微信号、其他群的邀请）',
    'reason.flood': '请勿刷屏',
    'reason.manual': '违反群规',
    'reason.poolFull': '邀请池里的群都已满员',
    'reason.poolFullMissing': '邀请池里的群都已满员（其中 {n} 个群已不存在）',
    deleted: '你的消息已被删除。',
    warned: '警告（{points}/{limit}）：{reason}。',
    warnedNoLimit: '警告：{reason}。',
    removedAfter: '{name} 已被移出本群（警告累计 {points} 次）。',
    banned: '{name} 已被移出并加入黑名单。',
    kicked: '{name} 已被移出本群。',
    muted: '你已被禁言 {duration}：{reason}。',
    unmuted: '{name} 已解除禁言。',
    unbanned: '{name} 已从黑名单移除，可以重新入群。',
    notAllowedInvite: '本群仅管理员可以邀请新成员，{names} 已被移出。',
    commandNeedsTarget: '请回复要处理的那条消息，或在命令里 @ 对方。',
    commandNotOnAdmin: '不能对管理员使用此命令。',
    cannotMute: '这个渠道不能删除消息，所以无法禁言；可以用 /warn 或 /kick。',
    firstMessages: '新成员的前几条消息从严处理',
    'flood.rate': '{s} 秒内发了超过 {n} 条消息',
    'flood.repeat': '同样的内容发了 {n} 次',
    'raid.joins': '一分钟内超过 {n} 人入群',
    'raid.messages': '一分钟内超过 {n} 条消息',
    lockdown: '检测到异常的大量活动，本群暂停接受新成员 {minutes} 分钟。',
    minutes: '{n} 分钟',
    hours: '{n} 小时',
    days: '{n} 天',
  },
  en: {
    'reason.sensitive_word': 'your message contains words this group does not allow',
    'reason.ad': 'no advertising here (links, phone numbers, WeChat ids, invites to other groups)',
    'reason.flood': 'please do not flood the group',
    'reason.manual': 'you broke the group rules',
    'reason.poolFull': 'every group of the invitation pool is full',
    'reason.poolFullMissing': 'every group of the invitation pool is full ({n} of them no longer exist)',
    deleted: 'your message was removed.',
    warned: 'warning ({points}/{limit}): {reason}.',
    warnedNoLimit: 'warning: {reason}.',
    removedAfter: '{name} was removed from the group ({points} warnings).',
    banned: '{name} was removed and blacklisted.',
    kicked: '{name} was removed from the group.',
    muted: 'you are muted for {duration}: {reason}.',
    unmuted: '{name} may speak again.',
    unbanned: '{name} is no longer blacklisted and may join again.',
    notAllowedInvite: 'only admins may invite people to this group; {names} was removed.',
    commandNeedsTarget: 'reply to the message you mean, or @mention the person in the command.',
    commandNotOnAdmin: 'this command cannot be used on an admin.',
    cannotMute: 'this channel cannot delete messages, so it cannot mute; use /warn or /kick.',
    firstMessages: "a new member's first messages are held to a stricter standard",
    'flood.rate': 'more than {n} messages in {s} seconds',
    'flood.repeat': 'the same text {n} times',
    'raid.joins': 'more than {n} joins in a minute',
    'raid.messages': 'more than {n} messages in a minute',
    lockdown: 'unusual activity: this group takes no new members for {minutes} minutes.',
    minutes: '{n} min',
    hours: '{n} h',
    days: '{n} d',
  },
} as const;

export type TextKey = keyof (typeof TEXTS)['en'];

export function say(locale: ModerationLocale, key: TextKey, vars: Record<string, string | number> = {}): string {
  return TEXTS[locale][key].replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function duration(locale: ModerationLocale, minutes: number): string {
  if (minutes % 1440 === 0) return say(locale, 'days', { n: minutes / 1440 });
  if (minutes % 60 === 0) return say(locale, 'hours', { n: minutes / 60 });
  return say(locale, 'minutes', { n: minutes });
}
