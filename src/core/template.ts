import type { Mention, MessageContent, PlatformUser } from './events.ts';

/**
 * Message templates with variables. `{nickname}` becomes a real @mention of the member where the
 * channel supports mentions (the connector decides how to render the mention span); the others
 * are plain text. Unknown `{names}` are left as written so an operator sees the typo.
 *
 * A welcome for several members at once (a batch) gives `members` instead of `member`:
 * `{nickname}` then lists them, each a mention of its own, joined the way the workspace's language
 * writes lists ("@小红、@小明" / "@Ann, @Bob"), and people beyond the named ones are counted
 * ("以及另外 10 位新朋友" / "and 10 others").
 */
export type TextLocale = 'zh-CN' | 'en';

/** Several people named in one place, the rest counted. */
export interface MentionList {
  users: readonly PlatformUser[];
  /** People not named (beyond a cap), summarised after the names. */
  others: number;
}

export interface TemplateContext {
  member?: PlatformUser;
  /** Several members welcomed in one message; wins over `member` for `{nickname}`. */
  members?: MentionList;
  inviter?: PlatformUser;
  /** The inviters of several members; wins over `inviter` for `{inviter}`. */
  inviters?: MentionList;
  group?: { name: string; rules: string };
  /** How lists and counts are written; zh-CN when not given. */
  locale?: TextLocale;
}

export const TEMPLATE_VARIABLES = ['nickname', 'group', 'rules', 'inviter'] as const;

const VARIABLE = /\{(nickname|group|rules|inviter)\}/g;

const LIST_SEPARATOR: Record<TextLocale, string> = { 'zh-CN': '、', en: ', ' };

/** What the counted rest is called: new members for `{nickname}`, anyone for `{inviter}`. */
type Noun = 'newcomer' | 'person';

function othersText(n: number, locale: TextLocale, noun: Noun, afterNames: boolean): string {
  if (locale === 'en') {
    if (afterNames) return ` and ${n} ${n === 1 ? 'other' : 'others'}`;
    return noun === 'newcomer' ? `${n} new ${n === 1 ? 'member' : 'members'}` : `${n} ${n === 1 ? 'person' : 'people'}`;
  }
  const counted = noun === 'newcomer' ? `${n} 位新朋友` : `${n} 人`;
  return afterNames ? ` 以及另外 ${counted}` : counted;
}

/** Appends the list to `text` (at offset `text.length`), pushing one mention per named user. */
function appendList(text: string, mentions: Mention[], list: MentionList, locale: TextLocale, noun: Noun): string {
  let out = text;
  list.users.forEach((user, i) => {
    if (i > 0) out += LIST_SEPARATOR[locale];
    const span = `@${user.displayName}`;
    mentions.push({ platformUserId: user.platformUserId, offset: out.length, length: span.length });
    out += span;
  });
  if (list.others > 0) out += othersText(list.others, locale, noun, list.users.length > 0);
  return out;
}

export function renderTemplate(template: string, ctx: TemplateContext): MessageContent {
  const locale = ctx.locale ?? 'zh-CN';
  let text = '';
  const mentions: Mention[] = [];
  let last = 0;
  for (const m of template.matchAll(VARIABLE)) {
    text += template.slice(last, m.index);
    last = m.index + m[0].length;
    const name = m[1];
    if (name === 'nickname' || name === 'inviter') {
      const list = name === 'nickname' ? ctx.members : ctx.inviters;
      if (list) {
        text = appendList(text, mentions, list, locale, name === 'nickname' ? 'newcomer' : 'person');
        continue;
      }
      const user = name === 'nickname' ? ctx.member : ctx.inviter;
      if (!user) continue;
      const span = `@${user.displayName}`;
      mentions.push({ platformUserId: user.platformUserId, offset: text.length, length: span.length });
      text += span;
    } else if (name === 'group') {
      text += ctx.group?.name ?? '';
    } else {
      text += ctx.group?.rules ?? '';
    }
  }
  text += template.slice(last);
  return { type: 'text', text, mentions };
}

/** Puts an @mention of `user` in front of content that does not mention them yet. */
export function prependMention(content: MessageContent, user: PlatformUser): MessageContent {
  return prependMentions(content, { users: [user], others: 0 }, 'zh-CN');
}

/**
 * Puts the list ("@小红、@小明 以及另外 3 位新朋友 ") in front of content that mentions none of its
 * users yet (a template without `{nickname}`), shifting the content's own mentions.
 */
export function prependMentions(content: MessageContent, list: MentionList, locale: TextLocale): MessageContent {
  if (list.users.length === 0 && list.others === 0) return content;
  if (list.users.some((u) => content.mentions.some((m) => m.platformUserId === u.platformUserId))) return content;
  const mentions: Mention[] = [];
  const prefix = `${appendList('', mentions, list, locale, 'newcomer')} `;
  return {
    ...content,
    text: `${prefix}${content.text}`,
    mentions: [...mentions, ...content.mentions.map((m) => ({ ...m, offset: m.offset + prefix.length }))],
  };
}

/** Puts `parts` one after another with a blank line between them, keeping every mention's place. */
export function joinContents(parts: readonly MessageContent[]): MessageContent {
  let text = '';
  const mentions: Mention[] = [];
  for (const [i, part] of parts.entries()) {
    if (i > 0) text += '\n\n';
    for (const m of part.mentions) mentions.push({ ...m, offset: m.offset + text.length });
    text += part.text;
  }
  return { type: 'text', text, mentions };
}

/** A menu as the member reads it: the greeting, then one numbered line per option. */
export function menuText(greeting: MessageContent, labels: readonly string[]): MessageContent {
  return { ...greeting, text: `${greeting.text}\n${labels.map((label, i) => `${i + 1}. ${label}`).join('\n')}` };
}
