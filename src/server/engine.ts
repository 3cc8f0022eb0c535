import { compileRules, evaluate, type CompiledRules } from '../core/rules.ts';
import type { InboundEvent, MemberJoinedEvent, MemberLeftEvent, MessageEvent } from '../core/events.ts';
import type { EventSink, IngestResult } from '../connectors/kit.ts';
import type { Message } from '../shared/api.ts';
import type { Db, Store } from '../store/index.ts';
import { newId } from '../store/ids.ts';
import { insertEventIfNew } from '../store/repos/events.ts';
import { findGroupByPlatformId } from '../store/repos/groups.ts';
import { findMessageByPlatformId, insertMessage } from '../store/repos/messages.ts';
import { enqueueIntents } from '../store/repos/outbox.ts';
import { activateMembership, countMessage, deactivateMembership, findIdentity, upsertIdentity } from '../store/repos/people.ts';
import { listEffectiveRules } from '../store/repos/rules.ts';
import type { Bus, BusEvents } from './bus.ts';

export interface AccountInfo {
  workspaceId: string;
  kind: string;
}

type Notice = { [K in keyof BusEvents]: { type: K; args: BusEvents[K] } }[keyof BusEvents];

/**
 * The inbound pipeline: one event in, one transaction: dedupe on the event's stable id → update
 * people and memberships → store the message → run the rules (pure) → write their intents to the
 * outbox. Only after the commit does anything leave the process (bus notices, dispatcher wake-up).
 */
export class Engine implements EventSink {
  readonly #store: Store;
  readonly #bus: Bus;
  readonly #accounts = new Map<string, AccountInfo>();
  readonly #rules = new Map<string, CompiledRules>();
  readonly #now: () => number;

  constructor(store: Store, bus: Bus, now: () => number = Date.now) {
    this.#store = store;
    this.#bus = bus;
    this.#now = now;
  }

  registerAccount(channelAccountId: string, info: AccountInfo): void {
    this.#accounts.set(channelAccountId, info);
  }

  /** Call after any rule change in the workspace (or a group's name/rules text). */
  invalidateRules(workspaceId: string): void {
    for (const key of this.#rules.keys()) if (key.startsWith(`${workspaceId}:`)) this.#rules.delete(key);
  }

  async ingest(event: InboundEvent): Promise<IngestResult> {
    const account = this.#accounts.get(event.channelAccountId);
    if (!account) throw new Error(`unknown channel account ${event.channelAccountId}`);
    const now = this.#now();
    const notices: Notice[] = [];
    const result = await this.#store.transaction(async (trx) => {
      if (!(await insertEventIfNew(trx, account.workspaceId, event, now))) {
        if (event.kind !== 'message') return { duplicate: true };
        const existing = await findMessageByPlatformId(trx, event.channelAccountId, event.platformMessageId);
        return existing ? { duplicate: true, messageId: existing.id } : { duplicate: true };
      }
      switch (event.kind) {
        case 'message':
          return this.#message(trx, account, event, now, notices);
        case 'member_joined':
          return this.#joined(trx, account, event, now, notices);
        case 'member_left':
          return this.#left(trx, account, event, now, notices);
      }
    });
    for (const n of notices) (this.#bus.emit as (t: string, ...a: unknown[]) => boolean)(n.type, ...n.args);
    return result;
  }

  async #message(trx: Db, account: AccountInfo, event: MessageEvent, now: number, notices: Notice[]): Promise<IngestResult> {
    const group = event.platformGroupId === null ? null : await findGroupByPlatformId(trx, event.channelAccountId, event.platformGroupId);
    if (event.platformGroupId !== null && !group) return { duplicate: false };
    const identity = await upsertIdentity(trx, {
      workspaceId: account.workspaceId,
      channelAccountId: event.channelAccountId,
      platformUserId: event.sender.platformUserId,
      displayName: event.sender.displayName,
      isBot: event.sender.isBot ?? false,
      now,
    });
    if (group) await activateMembership(trx, { workspaceId: account.workspaceId, groupId: group.id, identityId: identity.id, inviterIdentityId: null, now });
    const replyTo = event.replyToPlatformMessageId ? await findMessageByPlatformId(trx, event.channelAccountId, event.replyToPlatformMessageId) : undefined;
    const id = newId();
    await insertMessage(trx, {
      id,
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
    });
    if (group) await countMessage(trx, group.id, identity.id, now);
    const compiled = await this.#rulesFor(trx, account.workspaceId, group?.id ?? null);
    const intents = evaluate(event, compiled, { group: group ? { name: group.name, rules: group.rules } : null });
    await enqueueIntents(trx, account.workspaceId, intents.map((k) => ({ ...k, groupId: group?.id ?? null })), now);
    const message: Message = {
      id,
      groupId: group?.id ?? null,
      direction: 'in',
      sender: { platformUserId: identity.platform_user_id, name: identity.display_name, isBot: identity.is_bot === 1, contactId: identity.contact_id },
      text: event.content.text,
      mentions: event.content.mentions,
      replyToId: replyTo?.id ?? null,
      createdAt: now,
    };
    notices.push({ type: 'message', args: [{ workspaceId: account.workspaceId, channelKind: account.kind, platformGroupId: event.platformGroupId, message }] });
    if (intents.length > 0) notices.push({ type: 'outbox', args: [] });
    return { duplicate: false, messageId: id };
  }

  async #joined(trx: Db, account: AccountInfo, event: MemberJoinedEvent, now: number, notices: Notice[]): Promise<IngestResult> {
    const group = await findGroupByPlatformId(trx, event.channelAccountId, event.platformGroupId);
    if (!group) return { duplicate: false };
    const identity = await upsertIdentity(trx, {
      workspaceId: account.workspaceId,
      channelAccountId: event.channelAccountId,
      platformUserId: event.member.platformUserId,
      displayName: event.member.displayName,
      isBot: event.member.isBot ?? false,
      now,
    });
    const inviter = event.inviter ? await findIdentity(trx, event.channelAccountId, event.inviter.platformUserId) : undefined;
    const { becameActive } = await activateMembership(trx, {
      workspaceId: account.workspaceId,
      groupId: group.id,
      identityId: identity.id,
      inviterIdentityId: inviter?.id ?? null,
      now,
    });
    if (!becameActive) return { duplicate: false };
    const compiled = await this.#rulesFor(trx, account.workspaceId, group.id);
    const intents = evaluate(event, compiled, { group: { name: group.name, rules: group.rules } });
    await enqueueIntents(trx, account.workspaceId, intents.map((k) => ({ ...k, groupId: group.id })), now);
    notices.push({
      type: 'membership',
      args: [{ workspaceId: account.workspaceId, channelKind: account.kind, groupId: group.id, platformGroupId: group.platform_group_id, platformUserId: identity.platform_user_id, displayName: identity.display_name, status: 'active' }],
    });
    if (intents.length > 0) notices.push({ type: 'outbox', args: [] });
    return { duplicate: false };
  }

  async #left(trx: Db, account: AccountInfo, event: MemberLeftEvent, now: number, notices: Notice[]): Promise<IngestResult> {
    const group = await findGroupByPlatformId(trx, event.channelAccountId, event.platformGroupId);
    const identity = await findIdentity(trx, event.channelAccountId, event.member.platformUserId);
    if (!group || !identity) return { duplicate: false };
    const status = event.removedBy ? 'removed' : 'left';
    if (await deactivateMembership(trx, group.id, identity.id, status, now)) {
      notices.push({
        type: 'membership',
        args: [{ workspaceId: account.workspaceId, channelKind: account.kind, groupId: group.id, platformGroupId: group.platform_group_id, platformUserId: identity.platform_user_id, displayName: identity.display_name, status }],
      });
    }
    return { duplicate: false };
  }

  async #rulesFor(db: Db, workspaceId: string, groupId: string | null): Promise<CompiledRules> {
    const key = `${workspaceId}:${groupId ?? '-'}`;
    let compiled = this.#rules.get(key);
    if (!compiled) {
      compiled = compileRules(await listEffectiveRules(db, workspaceId, groupId));
      this.#rules.set(key, compiled);
    }
    return compiled;
  }
}
