/**
 * The moderation stage of the inbound pipeline (called by the engine inside its transaction):
 * admins' chat commands, mutes, sensitive words with first-message scrutiny, and on joins the
 * blacklist, raid lockdowns and "only admins may invite". What to do is decided by pure code in
 * src/core/moderation; how it is done (warn points, removals, blacklisting) by the enforcement
 * service. Per-group state that every message needs (compiled word lists, settings, admins,
 * mutes) is cached here and dropped on `invalidate`.
 */
import type { Capabilities } from '../core/capabilities.ts';
import type { MemberJoinedEvent, MessageEvent } from '../core/events.ts';
import { parseCommand, type ParsedCommand } from '../core/moderation/commands.ts';
import { ModerationMatcher, type ModerationAction } from '../core/moderation/matcher.ts';
import { detectAds } from '../core/moderation/ads.ts';
import { FloodTracker } from '../core/moderation/flood.ts';
import { decide, judge, stricter, type Detection } from '../core/moderation/policy.ts';
import { say, type ModerationLocale } from '../core/moderation/texts.ts';
import type { CaseAction, CaseKind } from '../shared/api.ts';
import type { GroupSettings } from '../shared/group-settings.ts';
import type { Db } from '../store/index.ts';
import { newId } from '../store/ids.ts';
import { workspaceLocale } from '../store/repos/accounts.ts';
import { setLockedUntil } from '../store/repos/groups.ts';
import { findActiveBan, liftBlacklistEntry, listActiveBans } from '../store/repos/blacklist.ts';
import type { CasesTable } from '../store/schema.ts';
import { effectiveAdminIds } from '../store/repos/admins.ts';
import { activeMutes, liftMutes } from '../store/repos/mutes.ts';
import { listEffectiveWordLists, listEffectiveWords } from '../store/repos/wordlists.ts';
import type { CaseDetails } from './dto.ts';
import { announce, AUTOMATIC, blacklist, deleteMessage, mute, recordCase, removeFrom, warn, type Actor, type Env, type GroupRef, type Outcome, type QueuedIntent, type Target } from './services/enforcement.ts';
import { loadGroupSettings } from './services/settings.ts';

/** Default mute for `/mute` without a duration. */
const DEFAULT_MUTE_MINUTES = 60;

interface GroupState {
  workspaceId: string;
  matcher: ModerationMatcher;
  locale: ModerationLocale;
  settings: GroupSettings;
  admins: Set<string>;
  /** identity → muted until. */
  mutes: Map<string, number>;
  lockedUntil: number | null;
}

/** What the stage decided for one event. */
export interface StageResult {
  /** The message must not get automatic answers (removed, muted, or a command). */
  silenced: boolean;
  intents: QueuedIntent[];
  cases: CasesTable[];
}

export interface MessageInput {
  event: MessageEvent;
  group: GroupRef;
  sender: Target;
  messageId: string;
  /** The sender's messages in this group, this one included. */
  messageCount: number;
  /** The message this one replies to, with its sender, if stored. */
  replyTo: { id: string; platformMessageId: string; sender: Target | null } | null;
}

export class ModerationStage {
  /** By group id (a string the engine holds, so a lookup hashes nothing new). */
  readonly #groups = new Map<string, GroupState>();
  /**
   * Compiled word lists by workspace and the set of lists in force (a group's own + the
   * workspace's): groups without lists of their own share one automaton, so a 20,000-word
   * workspace list is built once (about 0.15 s, 1.5 MB), not once per group, and a group's state
   * reloaded after a mute does not rebuild it.
   */
  readonly #matchers = new Map<string, ModerationMatcher>();
  /** Per-member and per-group rates, in memory (a restart forgets a minute of history, no more). */
  readonly #flood = new FloodTracker();
  readonly #capabilities: (channelAccountId: string) => Capabilities | undefined;
  readonly #findTarget: (db: Db, channelAccountId: string, platformUserId: string) => Promise<Target | undefined>;

  constructor(opts: { capabilities: (channelAccountId: string) => Capabilities | undefined; findTarget: (db: Db, channelAccountId: string, platformUserId: string) => Promise<Target | undefined> }) {
    this.#capabilities = opts.capabilities;
    this.#findTarget = opts.findTarget;
  }

  invalidate(workspaceId: string): void {
    for (const [key, s] of this.#groups) if (s.workspaceId === workspaceId) this.#groups.delete(key);
    for (const key of this.#matchers.keys()) if (key.startsWith(`${workspaceId}:`)) this.#matchers.delete(key);
  }

  async #matcher(db: Db, group: GroupRef): Promise<ModerationMatcher> {
    const lists = await listEffectiveWordLists(db, group.workspaceId, group.id);
    const key = `${group.workspaceId}:${lists.sort().join(',')}`;
    let m = this.#matchers.get(key);
    if (!m) {
      const words = await listEffectiveWords(db, group.workspaceId, group.id);
      m = new ModerationMatcher(words.map((w) => ({ word: w.word, action: w.action as ModerationAction, listId: w.list_id })));
      this.#matchers.set(key, m);
    }
    return m;
  }

  #env(trx: Db, now: number, locale: ModerationLocale): Env {
    return { trx, now, locale, can: (id, c) => this.#capabilities(id)?.[c] ?? false };
  }

  async #state(db: Db, group: GroupRef, now: number): Promise<GroupState> {
    let s = this.#groups.get(group.id);
    if (!s) {
      const matcher = await this.#matcher(db, group);
      const loaded = await loadGroupSettings(db, group.id);
      const admins = await effectiveAdminIds(db, group.workspaceId, group.id);
      s = {
        workspaceId: group.workspaceId,
        matcher,
        locale: await workspaceLocale(db, group.workspaceId),
        settings: loaded.effective,
        admins: new Set(admins),
        mutes: await activeMutes(db, group.id, now),
        lockedUntil: loaded.lockedUntil,
      };
      this.#groups.set(group.id, s);
    }
    return s;
  }

  /** A group's settings and admins as the pipeline sees them (for the welcome and join checks). */
  async settings(db: Db, group: GroupRef, now: number): Promise<GroupSettings> {
    return (await this.#state(db, group, now)).settings;
  }

  async message(trx: Db, input: MessageInput, now: number): Promise<StageResult> {
    const { event, group, sender } = input;
    const state = await this.#state(trx, group, now);
    const env = this.#env(trx, now, state.locale);
    const caps = this.#capabilities(group.channelAccountId);
    const canDelete = caps?.deleteMessage ?? false;
    const out: StageResult = { silenced: false, intents: [], cases: [] };

    if (state.admins.has(sender.identityId)) {
      const command = parseCommand(event.content.text, event.content.mentions);
      if (command) {
        out.silenced = true;
        await this.#command(env, state, input, command, out);
      }
      return out;
    }

    // Group-wide velocity counts every member's messages: a raid is many accounts at once.
    if (this.#flood.groupMessage(group.id, now, state.settings.raid)) {
      await this.#lockdown(env, state, group, sender, say(state.locale, 'raid.messages', { n: state.settings.raid.messagesPerMinute }), `${event.id}:raid`, out);
    }

    const mutedUntil = state.mutes.get(sender.identityId);
    if (mutedUntil !== undefined && mutedUntil > now) {
      // A mute is emulated by deleting what the member says; nothing is written to a case.
      out.silenced = true;
      if (canDelete) out.intents.push(...deleteMessage(group, `${event.id}:muted`, event.platformMessageId, input.messageId).intents);
      return out;
    }

    const { settings } = state;
    const strict = settings.firstMessages.strict && input.messageCount <= settings.firstMessages.count;
    const detections: (Detection & { details: CaseDetails })[] = [];
    const words = judge(state.matcher.match(event.content.text), canDelete);
    if (words) {
      detections.push({ kind: 'sensitive_word', action: strict ? stricter(words.action) : words.action, details: { words: words.words.map((w) => ({ word: w.word, listId: w.listId, action: w.action })) } });
    }
    if (settings.ads.action !== 'off') {
      const ads = detectAds(event.content, settings.ads, { strict });
      // In a member's first messages any ad (an allowed link too) is removed, whatever the group's ad action.
      if (ads.length > 0) detections.push({ kind: 'ad', action: strict ? 'block' : settings.ads.action, details: { ads: ads.map((a) => ({ kind: a.kind, text: a.text })) } });
    }
    const flood = settings.flood.action === 'off' ? null : this.#flood.message(group.id, sender.identityId, event.content.text, now, settings.flood);
    if (flood && settings.flood.action !== 'off') {
      const what = flood === 'rate' ? say(state.locale, 'flood.rate', { n: settings.flood.maxMessages, s: settings.flood.perSeconds }) : say(state.locale, 'flood.repeat', { n: settings.flood.maxRepeats });
      detections.push({ kind: 'flood', action: settings.flood.action, details: { reason: what } });
    }
    const decision = decide(detections, canDelete);
    if (!decision) return out;

    const caseId = newId();
    const outcome: Outcome = { intents: [], effects: [] };
    const kind = decision.lead.kind;
    const reason = say(state.locale, `reason.${kind}`);
    if (decision.applied === 'block') {
      const d = deleteMessage(group, `${event.id}:mod:delete`, event.platformMessageId, input.messageId);
      outcome.intents.push(...d.intents);
      outcome.effects.push(...d.effects);
      out.silenced = true;
    }
    if (decision.applied !== 'alert') {
      const w = await warn(env, { group, target: sender, settings, reason, caseId, actor: AUTOMATIC, key: `${event.id}:mod`, deleted: decision.applied === 'block', evidenceMessageId: input.messageId });
      outcome.intents.push(...w.intents);
      outcome.effects.push(...w.effects);
    }
    // A flooder is also muted for a while, where mutes can be carried out (by deleting).
    if (flood && settings.flood.muteMinutes > 0 && canDelete && !outcome.effects.some((e) => e.type === 'removed')) {
      const m = await mute(env, { group, target: sender, minutes: settings.flood.muteMinutes, reason: say(state.locale, 'reason.flood'), caseId, actor: AUTOMATIC, key: `${event.id}:mod` });
      outcome.intents.push(...m.intents);
      outcome.effects.push(...m.effects);
    }
    out.intents.push(...outcome.intents);
    out.cases.push(
      await recordCase(env, {
        id: caseId,
        group,
        workspaceId: group.workspaceId,
        target: sender,
        messageId: input.messageId,
        kind,
        action: decision.action,
        applied: decision.applied,
        details: { ...detections.reduce<CaseDetails>((all, d) => ({ ...all, ...d.details }), {}), ...(strict ? { reason: say(state.locale, 'firstMessages') } : {}) },
        effects: outcome.effects,
        actor: AUTOMATIC,
      }),
    );
    if (outcome.effects.some((e) => e.type === 'muted')) this.#groups.delete(group.id);
    return out;
  }

  /** An admin's chat command: who it targets, then the same enforcement as the console's. */
  async #command(env: Env, state: GroupState, input: MessageInput, command: ParsedCommand, out: StageResult): Promise<void> {
    const { event, group } = input;
    const key = `${event.id}:cmd`;
    const admin: Actor = { name: input.sender.displayName, userId: null };
    const target = input.replyTo?.sender ?? (command.mention ? await this.#findTarget(env.trx, group.channelAccountId, command.mention.platformUserId) : undefined);
    if (!target) {
      out.intents.push(announce(group, `${key}:help`, say(env.locale, 'commandNeedsTarget'), input.sender));
      return;
    }
    if (state.admins.has(target.identityId)) {
      out.intents.push(announce(group, `${key}:help`, say(env.locale, 'commandNotOnAdmin'), input.sender));
      return;
    }
    const reason = command.reason || say(env.locale, 'reason.manual');
    const caseId = newId();
    const outcome: Outcome = { intents: [], effects: [] };
    let action: CaseAction;
    switch (command.name) {
      case 'warn':
        action = 'warn';
        Object.assign(outcome, await warn(env, { group, target, settings: state.settings, reason, caseId, actor: admin, key, deleted: false, evidenceMessageId: input.replyTo?.id ?? null }));
        break;
      case 'mute':
        // A mute is carried out by deleting what the member says: a channel that cannot delete cannot mute.
        if (!env.can(group.channelAccountId, 'deleteMessage')) {
          out.intents.push(announce(group, `${key}:help`, say(env.locale, 'cannotMute'), input.sender));
          return;
        }
        action = 'mute';
        Object.assign(outcome, await mute(env, { group, target, minutes: command.minutes ?? DEFAULT_MUTE_MINUTES, reason, caseId, actor: admin, key }));
        break;
      case 'kick':
        action = 'kick';
        Object.assign(outcome, removeFrom(env, group, target, `${key}:kick`));
        outcome.intents.push(announce(group, `${key}:announce`, say(env.locale, 'kicked', { name: target.displayName })));
        break;
      case 'ban': {
        action = 'ban';
        const b = await blacklist(env, {
          workspaceId: group.workspaceId,
          contactId: target.contactId,
          groupId: null,
          reason,
          evidenceMessageId: input.replyTo?.id ?? null,
          caseId,
          actor: admin,
          expiresAt: command.minutes ? env.now + command.minutes * 60_000 : null,
          key: `${key}:ban`,
        });
        outcome.intents.push(...b.intents);
        outcome.effects.push(...b.effects);
        outcome.intents.push(announce(group, `${key}:announce`, say(env.locale, 'banned', { name: target.displayName })));
        break;
      }
      case 'unmute':
        await liftMutes(env.trx, { groupId: group.id, identityId: target.identityId, now: env.now });
        out.intents.push(announce(group, `${key}:announce`, say(env.locale, 'unmuted', { name: target.displayName })));
        this.#groups.delete(group.id);
        return;
      case 'unban':
        for (const entry of await listActiveBans(env.trx, target.contactId, env.now)) await liftBlacklistEntry(env.trx, entry.id, admin.name, env.now);
        out.intents.push(announce(group, `${key}:announce`, say(env.locale, 'unbanned', { name: target.displayName })));
        return;
    }
    out.intents.push(...outcome.intents);
    out.cases.push(
      await recordCase(env, {
        id: caseId,
        group,
        workspaceId: group.workspaceId,
        target,
        messageId: input.replyTo?.id ?? null,
        kind: 'manual',
        action,
        applied: action,
        details: { reason },
        effects: outcome.effects,
        actor: admin,
      }),
    );
    if (action === 'mute') this.#groups.delete(group.id);
  }

  /**
   * Locks the group down after a raid: joins are refused until it ends (the web community turns
   * them away at the door), the members are told, and a case alerts the moderators. Once per
   * lockdown; a moderator ends it early from the console, or by undoing the case.
   */
  async #lockdown(env: Env, state: GroupState, group: GroupRef, target: Target, reason: string, key: string, out: StageResult): Promise<void> {
    if (state.lockedUntil !== null && state.lockedUntil > env.now) return;
    const until = env.now + state.settings.raid.lockdownMinutes * 60_000;
    await setLockedUntil(env.trx, group.id, until, env.now);
    state.lockedUntil = until;
    const notice = announce(group, `${key}:notice`, say(state.locale, 'lockdown', { minutes: state.settings.raid.lockdownMinutes }));
    out.intents.push(notice);
    out.cases.push(
      await recordCase(env, {
        id: newId(),
        group,
        workspaceId: group.workspaceId,
        target,
        messageId: null,
        kind: 'raid',
        action: 'lockdown',
        applied: 'lockdown',
        details: { reason },
        effects: [{ type: 'lockdown', groupId: group.id, until }],
        actor: AUTOMATIC,
      }),
    );
  }

  /**
   * A member joined: refused when blacklisted (or the group is locked down after a raid), removed
   * when invited by a non-admin where only admins may invite. `refused` means no welcome.
   */
  async joined(trx: Db, f: { event: MemberJoinedEvent; group: GroupRef; member: Target; inviter: Target | null }, now: number): Promise<StageResult & { refused: boolean }> {
    const { event, group, member } = f;
    const state = await this.#state(trx, group, now);
    const env = this.#env(trx, now, state.locale);
    const out = { silenced: false, refused: false, intents: [] as QueuedIntent[], cases: [] as CasesTable[] };
    const record = async (kind: CaseKind, action: CaseAction, outcome: Outcome, details: CaseDetails, target: Target = member) => {
      out.intents.push(...outcome.intents);
      out.cases.push(await recordCase(env, { id: newId(), group, workspaceId: group.workspaceId, target, messageId: null, kind, action, applied: action, details, effects: outcome.effects, actor: AUTOMATIC }));
    };

    const ban = await findActiveBan(trx, member.contactId, group.id, now);
    if (ban) {
      out.refused = true;
      await record('blacklisted_join', 'refuse', removeFrom(env, group, member, `${event.id}:refuse`), { reason: ban.reason });
      return out;
    }
    if (state.lockedUntil !== null && state.lockedUntil > now) {
      // During a lockdown joins are turned away without a case each: the raid's case covers them.
      out.refused = true;
      out.intents.push(...removeFrom(env, group, member, `${event.id}:locked`).intents);
      return out;
    }
    if (state.settings.invites.onlyAdmins && f.inviter && !state.admins.has(f.inviter.identityId)) {
      out.refused = true;
      const removal = removeFrom(env, group, member, `${event.id}:invite`);
      removal.intents.push(announce(group, `${event.id}:invite:notice`, say(state.locale, 'notAllowedInvite', { names: member.displayName }), f.inviter));
      await record('invite_not_allowed', 'kick', removal, { reason: `invited by ${f.inviter.displayName}` });
      return out;
    }
    if (this.#flood.join(group.id, now, state.settings.raid)) {
      await this.#lockdown(env, state, group, member, say(state.locale, 'raid.joins', { n: state.settings.raid.joinsPerMinute }), `${event.id}:raid`, out);
    }
    return out;
  }
}
