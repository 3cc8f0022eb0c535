import type { Message } from '../../../src/shared/api.ts';

interface Props {
  text: string;
  mentions: Message['mentions'];
  /** Mentions of this member are highlighted more strongly. */
  me?: string | null;
}

/**
 * A message's text with its @mention spans (UTF-16 offsets into the text) highlighted.
 * Everything is rendered as text: member-provided content never becomes markup.
 */
export function MessageText({ text, mentions, me = null }: Props) {
  const spans = [...mentions]
    .filter((m) => m.offset >= 0 && m.length > 0 && m.offset + m.length <= text.length)
    .sort((a, b) => a.offset - b.offset);
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const m of spans) {
    if (m.offset < at) continue; // overlapping span: keep the first
    if (m.offset > at) parts.push(text.slice(at, m.offset));
    const mine = me !== null && m.platformUserId === me;
    parts.push(
      <span key={`${m.offset}:${m.platformUserId}`} data-testid="mention" data-mention-me={mine ? 'true' : 'false'} className={mine ? 'sq-mention sq-mention-me' : 'sq-mention'}>
        {text.slice(m.offset, m.offset + m.length)}
      </span>,
    );
    at = m.offset + m.length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <span className="sq-message-text">{parts}</span>;
}
