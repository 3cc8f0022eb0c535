import type { Mention, MessageContent, PlatformUser } from './events.ts';

/**
 * Message templates with variables. `{nickname}` becomes a real @mention of the member where the
 * channel supports mentions (the connector decides how to render the mention span); the others
 * are plain text. Unknown `{names}` are left as written so an operator sees the typo.
 */
export interface TemplateContext {
  member?: PlatformUser;
  inviter?: PlatformUser;
  group?: { name: string; rules: string };
}

export const TEMPLATE_VARIABLES = ['nickname', 'group', 'rules', 'inviter'] as const;

const VARIABLE = /\{(nickname|group|rules|inviter)\}/g;

export function renderTemplate(template: string, ctx: TemplateContext): MessageContent {
  let text = '';
  const mentions: Mention[] = [];
  let last = 0;
  for (const m of template.matchAll(VARIABLE)) {
    text += template.slice(last, m.index);
    last = m.index + m[0].length;
    const name = m[1];
    if (name === 'nickname' || name === 'inviter') {
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
  if (content.mentions.some((m) => m.platformUserId === user.platformUserId)) return content;
  const span = `@${user.displayName}`;
  const shift = span.length + 1;
  return {
    ...content,
    text: `${span} ${content.text}`,
    mentions: [
      { platformUserId: user.platformUserId, offset: 0, length: span.length },
      ...content.mentions.map((m) => ({ ...m, offset: m.offset + shift })),
    ],
  };
}

/** A menu as the member reads it: the greeting, then one numbered line per option. */
export function menuText(greeting: MessageContent, labels: readonly string[]): MessageContent {
  return { ...greeting, text: `${greeting.text}\n${labels.map((label, i) => `${i + 1}. ${label}`).join('\n')}` };
}
