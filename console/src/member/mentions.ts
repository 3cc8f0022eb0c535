import type { Message, WebchatMember } from '../../../src/shared/api.ts';

export type Mention = Message['mentions'][number];

/** A member picked from the @ picker while typing. */
export interface MentionPick {
  platformUserId: string;
  nickname: string;
}

/** The `@query` being typed just before the caret, if any. */
export function activeMentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  const query = before.slice(at + 1);
  if (/\s/.test(query) || query.length > 32) return null;
  return { start: at, query };
}

/** Members matching a typed query, never the member themself. */
export function mentionCandidates(members: readonly WebchatMember[], query: string, me: string | null): WebchatMember[] {
  const q = query.toLowerCase();
  return members.filter((m) => m.platformUserId !== me && m.nickname.toLowerCase().includes(q)).slice(0, 8);
}

/**
 * The mentions of the final text: each pick becomes the first `@nickname` occurrence not yet
 * taken; picks whose text was edited away are dropped. Offsets are UTF-16, like the server's.
 */
export function mentionsIn(text: string, picks: readonly MentionPick[]): Mention[] {
  const taken = new Set<number>();
  const out: Mention[] = [];
  for (const pick of picks) {
    const needle = `@${pick.nickname}`;
    let from = 0;
    for (;;) {
      const at = text.indexOf(needle, from);
      if (at < 0) break;
      if (!taken.has(at)) {
        taken.add(at);
        out.push({ platformUserId: pick.platformUserId, offset: at, length: needle.length });
        break;
      }
      from = at + 1;
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}
