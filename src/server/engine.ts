import { compileRules, decide, type CompiledRules } from '../core/rules.ts';
import type { Capabilities } from '../core/capabilities.ts';
import type { KeyedIntent } from '../core/intents.ts';
import type { InboundEvent, MemberJoinedEvent, MemberLeftEvent, MessageEvent, PlatformUser } from '../core/events.ts';
import type { EventSink, IngestResult } from '../connectors/kit.ts';
import type { Message } from '../shared/api.ts';
import type { Db, Store } from '../store/index.ts';
import { newId } from '../store/ids.ts';
import { insertEventIfNew } from '../store/repos/events.ts';
import { findGroupByPlatformId } from '../store/repos/groups.ts';
import { findMessageByPlatformId, insertMessage, isFirstDirectMessage } from '../store/repos/messages.ts';
import { enqueueIntents } from '../store/repos/outbox.ts';
import { activateMembership, deactivateMembership, findIdentity, findIdentityById, recordGroupMessage, upsertIdentity, type IdentityRow } from '../store/repos/people.ts';
import { listEffectiveRules } from '../store/repos/rules.ts';
import type { Bus, BusEvents } from './bus.ts';
import { resolveInvites } from './invites.ts';
import { ModerationStage } from './moderation.ts';
import type { GroupRef, QueuedIntent, Target } from './services/enforcement.ts';
import { welcomeJoin } from './welcome.ts';
import { rulesInForce } from '../store/repos/policies.ts';

export interface AccountInfo {
  workspaceId: string;
  kind: string;
  /** What the channel can do (moderation adapts: a block without delete becomes a warn). */
  capabilities: Capabilities;
  /** The URL that joins a group of this channel, from its invite code (absent: no invite links). */
  inviteUrl?(inviteCode: string): string;
}

type Notice = { [K in keyof BusEvents]: { type: K; args: BusEvents[K] } }[keyof BusEvents];

interface CachedGroup extends GroupRef {
  rules: string;
  platform_group_id: string;
}

interface Pending {
  event: InboundEvent;
  resolve(r: IngestResult): void;
  reject(e: unknown): void;
}

function membershipNotice(
  account: AccountInfo,
  group: CachedGroup,
  identity: { platform_user_id: string; display_name: string },
  status: 'active' | 'left' | 'removed',
): Notice {
  return {
    type: 'membership',
    args: [{ workspaceId: account.workspaceId, channelKind: account.kind, groupId: group.id, platformGroupId: group.platform_group_id, platformUserId: identity.platform_user_id, displayName: identity.display_name, status }],
  };
}

function target(i: IdentityRow): Target {
  return { identityId: i.id, contactId: i.contact_id, platformUserId: i.platform_user_id, displayName: i.display_name };
}

/** Most events committed in one transaction. */
const MAX_BATCH = 256;
/** Identities kept in memory per channel account (about 250 bytes each); the first seen are the first forgotten. */
const MAX_CACHED_IDENTITIES = 50_000;

/**
 * The inbound pipeline: one event in, one transaction: dedupe on the event's stable id → update
 * people and memberships → store the message → run the rules (pure) → write their intents to the
 * outbox. Only after the commit does anything leave the process (bus notices, dispatcher wake-up).
 */
export class Engine implements EventSink {
  readonly #store: Store;
  readonly #bus: Bus;
  readonly #accounts = new Map<string, AccountInfo>();
  /**
   * Compiled rules by group id, and a workspace's own by its id. The caches here are keyed by ids
   * the engine already holds, not by strings built per message: every message looks them up, and a
   * new key string costs an allocation and a hash each time.
   */
  readonly #rules = new Map<string, { workspaceId: string; compiled: CompiledRules }>();
  /** Groups by channel account, then platform group id. */
  readonly #groups = new Map<string, Map<string, CachedGroup>>();
  readonly #moderation: ModerationStage;
  readonly #now: () => number;
  readonly #queue: Pending[] = [];
  #draining = false;
  /**
   * Identities by channel account and platform user: most messages come from people seen before,
   * under the name they had, and then need no lookup. Filled only after a commit (a rolled-back
   * transaction may have created the row) with what the transaction read or wrote; an entry whose
   * name no longer matches is dropped at once, so the next event goes to the store. Only the
   * pipeline writes identities (bots aside, which are not kept here); anything else that changes
   * one calls invalidate.
   */
  readonly #identities = new Map<string, Map<string, IdentityRow>>();
  /** What the running transaction read or wrote (channel account, row), for #identities once it commits (transactions never overlap). */
  #seen: [string, IdentityRow][] = [];

  constructor(store: Store, bus: Bus, now: () => number = Date.now) {
    this.#store = store;
    this.#bus = bus;
    this.#now = now;
    this.#moderation = new ModerationStage({
      capabilities: (id) => this.#accounts.get(id)?.capabilities,
      findTarget: async (db, channelAccountId, platformUserId) => {
        const i = await findIdentity(db, channelAccountId, platformUserId);
        return i && target(i);
      },
    });
  }

  registerAccount(channelAccountId: string, info: AccountInfo): void {
    this.#accounts.set(channelAccountId, info);
  }

  /** Call after any change to the workspace's rules or groups (name, rules text): caches are dropped. */
  invalidate(workspaceId: string): void {
    for (const [key, r] of this.#rules) if (r.workspaceId === workspaceId) this.#rules.delete(key);
    for (const groups of this.#groups.values()) for (const [key, g] of groups) if (g.workspaceId === workspaceId) groups.delete(key);
    for (const [id, a] of this.#accounts) if (a.workspaceId === workspaceId) this.#identities.delete(id);
    this.#moderation.invalidate(workspaceId);
  }

  /**
   * Records an event and runs its rules; resolves after the commit. Events that arrive while a
   * transaction is running are committed together in the next one (group commit): under load a
   * commit is shared by many events, an idle server still commits each event at once. Order of
   * arrival is kept, so per-group order is too.
   */
  ingest(event: InboundEvent): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) await this.#commit(this.#queue.splice(0, MAX_BATCH));
    } finally {
      this.#draining = false;
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    const now = this.#now();
    const notices: Notice[][] = batch.map(() => []);
    let results: IngestResult[];
    this.#seen = [];
    try {
      results = await this.#store.transaction(async (trx) => {
        const out: IngestResult[] = [];
        for (const [i, p] of batch.entries()) out.push(await this.#apply(trx, p.event, now, notices[i] ?? []));
        return out;
      });
    } catch (e) {
      if (batch.length === 1) {
        batch[0]?.reject(e);
        return;
      }
      // One bad event must not sink the others: commit them one by one.
      for (const p of batch) await this.#commit([p]);
      return;
    }
    for (const [channelAccountId, row] of this.#seen) {
      let known = this.#identities.get(channelAccountId);
      if (!known) this.#identities.set(channelAccountId, (known = new Map()));
      known.delete(row.platform_user_id);
      known.set(row.platform_user_id, row);
      if (known.size > MAX_CACHED_IDENTITIES) known.delete(known.keys().next().value!);
    }
    for (const [i, p] of batch.entries()) {
      for (const n of notices[i] ?? []) (this.#bus.emit as (t: string, ...a: unknown[]) => boolean)(n.type, ...n.args);
      p.resolve(results[i] ?? { duplicate: false });
    }
  }

  async #apply(trx: Db, event: InboundEvent, now: number, notices: Notice[]): Promise<IngestResult> {
    const account = this.#accounts.get(event.channelAccountId);
    if (!account) throw new Error(`unknown channel account ${event.channelAccountId}`);
    // A message is its own record: the messages table de-duplicates it on its platform id (see
    // #message). Every other event is de-duplicated on its stable event id here.
    if (event.kind !== 'message' && !(await insertEventIfNew(trx, account.workspaceId, event, now))) return { duplicate: true };
    switch (event.kind) {
      case 'message':
        return this.#message(trx, account, event, now, notices);
      case 'member_joined':
        return this.#joined(trx, account, event, now, notices);
      case 'member_left':
        return this.#left(trx, account, event, now, notices);
    }
  }

  async #message(trx: Db, account: AccountInfo, event: MessageEvent, now: number, notices: Notice[]): Promise<IngestResult> {
    const group = event.platformGroupId === null ? null : await this.#group(trx, event.channelAccountId, event.platformGroupId);
    if (event.platformGroupId !== null && !group) return { duplicate: false };
    const identity = await this.#identity(trx, account, event.channelAccountId, event.sender, now);
    const replyTo = event.replyToPlatformMessageId ? await findMessageByPlatformId(trx, event.channelAccountId, event.replyToPlatformMessageId) : undefined;
    const { row: stored, inserted } = await insertMessage(trx, {
      id: newId(),
      workspace_id: account.workspaceId,
      channel_account_id: event.channelAccountId,
      group_id: group?.id ?? null,
      identity_id: identity.id,
      direction: 'in',
      platform_message_id: event.platformMessageId,
      content_type: event.content.type,
      text: event.content.text,
      mentions: JSON.stringify(event.content.mentions),
      reply_to_id: replyTo?.id ?? null,
      event_id: event.id,
      outbox_id: null,
      created_at: now,
      deleted_at: null,
      direct_identity_id: group ? null : identity.id,
    });
    // Delivered before (a replay, or the platform re-delivering under a new update id): already
    // stored and answered, so nothing more happens.
    if (!inserted) return { duplicate: true, messageId: stored.id };
    const id = stored.id;
    const intents: QueuedIntent[] = [];
    let silenced = false;
    if (group) {
      const messageCount = await recordGroupMessage(trx, { workspaceId: account.workspaceId, groupId: group.id, identityId: identity.id, now });
      if (!event.sender.isBot) {
        const replySender = replyTo?.identity_id ? await findIdentityById(trx, replyTo.identity_id) : undefined;
        const stage = await this.#moderation.message(
          trx,
          {
            event,
            group,
            sender: target(identity),
            messageId: id,
            messageCount,
            replyTo: replyTo ? { id: replyTo.id, platformMessageId: replyTo.platform_message_id, sender: replySender ? target(replySender) : null } : null,
          },
          now,
        );
        silenced = stage.silenced;
        intents.push(...stage.intents);
        for (const c of stage.cases) notices.push({ type: 'case', args: [{ workspaceId: account.workspaceId, caseId: c.id }] });
      }
    }
    // A removed, muted or command message gets no automatic answers.
    if (!silenced) {
      const groupId = group?.id ?? null;
      intents.push(...(await this.#answer(trx, account, event, group ?? null, identity, id, now, notices)).map((k) => ({ ...k, groupId })));
    }
    await enqueueIntents(trx, account.workspaceId, intents, now);
    const message: Message = {
      id,
      groupId: group?.id ?? null,
      direction: 'in',
      sender: { platformUserId: identity.platform_user_id, name: identity.display_name, isBot: identity.is_bot === 1, contactId: identity.contact_id },
      text: event.content.text,
      mentions: event.content.mentions,
      replyToId: replyTo?.id ?? null,
      createdAt: now,
      deletedAt: null,
    };
    const direct = group ? {} : { direct: { identityId: identity.id, platformUserId: identity.platform_user_id } };
    notices.push({ type: 'message', args: [{ workspaceId: account.workspaceId, channelKind: account.kind, platformGroupId: event.platformGroupId, message, ...direct }] });
    if (intents.length > 0) notices.push({ type: 'outbox', args: [] });
    return { duplicate: false, messageId: id };
  }

  /**
   * The rules' answer to a message: decided (pure) by the rules of its group — for a direct
   * message, of the group the member came from, if the channel says — then the invitations they
   * asked for resolved against their pools in this transaction (invites.ts).
   */
  async #answer(trx: Db, account: AccountInfo, event: MessageEvent, group: CachedGroup | null, identity: IdentityRow, messageId: string, now: number, notices: Notice[]): Promise<KeyedIntent[]> {
    const origin = group ?? (event.originPlatformGroupId === undefined ? undefined : await this.#group(trx, event.channelAccountId, event.originPlatformGroupId));
    const compiled = await this.#rulesFor(trx, account.workspaceId, origin?.id ?? null);
    const firstMessage = group === null && compiled.firstMessageRules.length > 0 && (await isFirstDirectMessage(trx, identity.id, messageId));
    const decisions = decide(event, compiled, { group: origin ? { name: origin.name, rules: origin.rules } : null, firstMessage });
    return resolveInvites(trx, decisions, {
      workspaceId: account.workspaceId,
      contactId: identity.contact_id,
      identityId: identity.id,
      memberName: identity.display_name,
      inviteUrl: (channelAccountId, code) => this.#accounts.get(channelAccountId)?.inviteUrl?.(code) ?? null,
      now,
      notify: (n) => notices.push({ type: 'invite_pool_full', args: [n] }, { type: 'case', args: [{ workspaceId: n.workspaceId, caseId: n.caseId }] }),
    });
  }

  async #joined(trx: Db, account: AccountInfo, event: MemberJoinedEvent, now: number, notices: Notice[]): Promise<IngestResult> {
    const group = await this.#group(trx, event.channelAccountId, event.platformGroupId);
    if (!group) return { duplicate: false };
    const identity = await this.#identity(trx, account, event.channelAccountId, event.member, now);
    const inviter = event.inviter ? await findIdentity(trx, event.channelAccountId, event.inviter.platformUserId) : undefined;
    const { becameActive } = await activateMembership(trx, {
      workspaceId: account.workspaceId,
      groupId: group.id,
      identityId: identity.id,
      inviterIdentityId: inviter?.id ?? null,
      now,
    });
    if (!becameActive) return { duplicate: false };
    notices.push(membershipNotice(account, group, identity, 'active'));
    const inviterTarget = inviter ? target(inviter) : null;
    const stage = await this.#moderation.joined(trx, { event, group, member: target(identity), inviter: inviterTarget }, now);
    for (const c of stage.cases) notices.push({ type: 'case', args: [{ workspaceId: account.workspaceId, caseId: c.id }] });
    await enqueueIntents(trx, account.workspaceId, stage.intents, now);
    // Someone turned away gets no welcome; the others join the group's welcome batch.
    const welcomed = !stage.refused && (await welcomeJoin(trx, { workspaceId: account.workspaceId, group, event, compiled: await this.#rulesFor(trx, account.workspaceId, group.id), now }));
    if (stage.intents.length > 0 || welcomed) notices.push({ type: 'outbox', args: [] });
    return { duplicate: false };
  }

  async #left(trx: Db, account: AccountInfo, event: MemberLeftEvent, now: number, notices: Notice[]): Promise<IngestResult> {
    const group = await this.#group(trx, event.channelAccountId, event.platformGroupId);
    const identity = await findIdentity(trx, event.channelAccountId, event.member.platformUserId);
    if (!group || !identity) return { duplicate: false };
    const status = event.removedBy ? 'removed' : 'left';
    if (await deactivateMembership(trx, group.id, identity.id, status, now)) {
      notices.push(membershipNotice(account, group, identity, status));
    }
    return { duplicate: false };
  }

  async #identity(trx: Db, account: AccountInfo, channelAccountId: string, user: PlatformUser, now: number): Promise<IdentityRow> {
    const known = this.#identities.get(channelAccountId);
    const hit = known?.get(user.platformUserId);
    if (hit?.display_name === user.displayName) return hit;
    // Renamed (or never seen): the store decides, and later events of this batch ask it too.
    if (hit) known?.delete(user.platformUserId);
    const row = await upsertIdentity(trx, {
      workspaceId: account.workspaceId,
      channelAccountId,
      platformUserId: user.platformUserId,
      displayName: user.displayName,
      isBot: user.isBot ?? false,
      now,
    });
    if (row.is_bot === 0) {
      const { id, contact_id, display_name, is_bot, platform_user_id } = row;
      this.#seen.push([channelAccountId, { id, contact_id, display_name, is_bot, platform_user_id }]);
    }
    return row;
  }

  /** Groups by platform id, cached: every message needs its group, and groups rarely change. */
  async #group(db: Db, channelAccountId: string, platformGroupId: string): Promise<CachedGroup | undefined> {
    let groups = this.#groups.get(channelAccountId);
    const hit = groups?.get(platformGroupId);
    if (hit) return hit;
    const row = await findGroupByPlatformId(db, channelAccountId, platformGroupId);
    if (!row) return undefined;
    const group: CachedGroup = {
      id: row.id,
      workspaceId: row.workspace_id,
      channelAccountId: row.channel_account_id,
      platformGroupId: row.platform_group_id,
      name: row.name,
      rules: await rulesInForce(db, row),
      platform_group_id: row.platform_group_id,
    };
    if (!groups) this.#groups.set(channelAccountId, (groups = new Map()));
    groups.set(platformGroupId, group);
    return group;
  }

  async #rulesFor(db: Db, workspaceId: string, groupId: string | null): Promise<CompiledRules> {
    const key = groupId ?? workspaceId;
    const hit = this.#rules.get(key);
    if (hit) return hit.compiled;
    // A group's rules share the compiled workspace-wide ones (their keyword automaton above all).
    const shared = groupId === null ? undefined : await this.#rulesFor(db, workspaceId, null);
    const compiled = compileRules(await listEffectiveRules(db, workspaceId, groupId), shared);
    this.#rules.set(key, { workspaceId, compiled });
    return compiled;
  }
}
