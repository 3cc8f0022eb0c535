/**
 * Admins' chat commands (pure parsing): `/warn [reason]`, `/mute [10m|2h|1d] [reason]`,
 * `/unmute`, `/kick [reason]`, `/ban [7d] [reason]`, `/unban`. The target is the sender of the
 * message the command replies to, or the first @mention. Full-width slashes and letters count
 * (／ｗａｒｎ), and a trailing bot mention (/warn@shequn_bot) is accepted.
 */
import type { Mention } from '../events.ts';

export const COMMANDS = ['warn', 'mute', 'unmute', 'kick', 'ban', 'unban'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface ParsedCommand {
  name: CommandName;
  /** For /mute and /ban: the duration given, in minutes (undefined: the default). */
  minutes?: number;
  reason: string;
  /** The first @mention in the command, when it does not reply to a message. */
  mention?: Mention;
}

const DURATION = /^(\d{1,5})\s*(m|min|分钟?|h|小时|d|天)$/i;
const UNIT_MINUTES: Record<string, number> = { m: 1, min: 1, 分: 1, 分钟: 1, h: 60, 小时: 60, d: 1440, 天: 1440 };
/** Ten years, the longest duration accepted; longer means "until lifted" anyway. */
const MAX_MINUTES = 5_256_000;

/** The command in a message, or null when the text is not one (ordinary text starting with "/" included). */
export function parseCommand(text: string, mentions: readonly Mention[]): ParsedCommand | null {
  const folded = text.normalize('NFKC').trim();
  const m = /^\/([a-z]+)(?:@\S+)?(?:\s+([\s\S]*))?$/i.exec(folded);
  if (!m) return null;
  const name = m[1]!.toLowerCase() as CommandName;
  if (!COMMANDS.includes(name)) return null;
  // The rest, without the mention spans (their offsets are into the original text).
  let rest = text;
  for (const mention of [...mentions].sort((a, b) => b.offset - a.offset)) rest = rest.slice(0, mention.offset) + rest.slice(mention.offset + mention.length);
  rest = rest.normalize('NFKC').trim().replace(/^\/[a-z]+(?:@\S+)?/i, '').trim();
  let minutes: number | undefined;
  if (name === 'mute' || name === 'ban') {
    const [first, ...others] = rest.split(/\s+/);
    const d = first ? DURATION.exec(first) : null;
    if (d) {
      minutes = Math.min(Number(d[1]) * (UNIT_MINUTES[d[2]!.toLowerCase()] ?? 1), MAX_MINUTES);
      rest = others.join(' ');
    }
  }
  const out: ParsedCommand = { name, reason: rest.slice(0, 200) };
  if (minutes !== undefined && minutes > 0) out.minutes = minutes;
  const first = mentions[0];
  if (first) out.mention = first;
  return out;
}
