import { z } from 'zod';
import type { Capability } from '../../core/capabilities.ts';
import type { Intent } from '../../core/intents.ts';
import { say } from '../../core/moderation/texts.ts';
import { ActionResult, Case, CasePage, CaseQuery, Id, IdParams, KickBody, MuteBody, WarnBody, type CaseAction } from '../../shared/api.ts';
import type { GroupSettings } from '../../shared/group-settings.ts';
import { newId } from '../../store/ids.ts';
import { closeCase, getCase, listCases } from '../../store/repos/cases.ts';
import { liftMutes } from '../../store/repos/mutes.ts';
import { caseDto } from '../dto.ts';
import { announce, mute, recordCase, removeFrom, routeEnv, undoCase, warn, type Actor, type Env, type GroupRef, type Outcome, type Target } from '../services/enforcement.ts';
import { loadGroupSettings } from '../services/settings.ts';
import type { Db } from '../../store/index.ts';
import { writeAudit } from '../../store/repos/audit.ts';
import { enqueueIntents } from '../../store/repos/outbox.ts';
import { auth, HttpError, notFound, type AuthContext, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import { ownGroup } from '../services/groups.ts';

const Accepted = z.object({ outboxId: z.string() });

/**
 * Moderators' direct actions from the console: delete a message, remove a member. Each becomes an
 * intent in the outbox (the dispatcher executes it through the channel) and an audit row, in one
 * transaction; a channel that cannot do it is refused up front.
 */
export function moderationRoutes(app: ZodApp, rt: Runtime) {
  const { store } = rt;

  /** Refuses an action the group's channel cannot do, saying which one and why. */
  async function requireCapability(channelAccountId: string, platformGroupId: string, capability: Capability) {
    const connector = rt.connector(channelAccountId);
    if (!connector) throw new HttpError(409, 'channel_offline', 'this group’s channel is not connected');
    const caps = await connector.capabilitiesIn(platformGroupId);
    if (!caps[capability]) {
      throw new HttpError(422, 'capability_missing', `${connector.kind} cannot ${capability === 'kick' ? 'remove members' : 'delete messages'} in this group`, { channel: connector.kind, missing: [capability] });
    }
  }

  async function enqueue(trx: Db, a: AuthContext, groupId: string, idempotencyKey: string, intent: Intent) {
    const [row] = await enqueueIntents(trx, a.workspaceId, [{ idempotencyKey, ruleId: null, groupId, intent }], rt.now());
    return row;
  }

  app.route({
    method: 'POST',
    url: '/api/v1/groups/:id/messages/:messageId/delete',
    config: { permission: 'moderation:act' },
    schema: { tags: ['moderation'], summary: 'Delete a message from the group (the text stays visible to operators as evidence)', params: z.object({ id: Id, messageId: Id }), response: { 202: Accepted } },
    handler: async (req, reply) => {
      const a = auth(req);
      const group = await ownGroup(store.db, a, req.params.id);
      await requireCapability(group.channel_account_id, group.platform_group_id, 'deleteMessage');
      const row = await store.transaction(async (trx) => {
        const m = await trx.selectFrom('messages').select(['id', 'platform_message_id', 'deleted_at', 'text']).where('id', '=', req.params.messageId).where('group_id', '=', group.id).executeTakeFirst();
        if (!m) throw notFound('message');
        if (m.deleted_at !== null) throw new HttpError(409, 'already_deleted', 'this message is already deleted');
        const queued = await enqueue(trx, a, group.id, `delete:${m.id}`, {
          kind: 'delete_message',
          channelAccountId: group.channel_account_id,
          platformGroupId: group.platform_group_id,
          platformMessageId: m.platform_message_id,
          priority: 'interactive',
        });
        if (!queued) throw new HttpError(409, 'already_requested', 'deleting this message is already under way');
        await writeAudit(trx, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action: 'message.delete', targetType: 'message', targetId: m.id, summary: `deleted a message in ${group.name}`, details: { text: m.text }, now: rt.now() });
        return queued;
      });
      rt.dispatcher.wake();
      return reply.status(202).send({ outboxId: row.id });
    },
  });

  /** The member of a group by membership id, as the enforcement service needs them. */
  async function memberOf(trx: Db, groupId: string, memberId: string) {
    const m = await trx
      .selectFrom('memberships as m')
      .innerJoin('identities as i', 'i.id', 'm.identity_id')
      .select(['m.id', 'm.status', 'm.joined_at', 'i.id as identity_id', 'i.contact_id', 'i.platform_user_id', 'i.display_name'])
      .where('m.id', '=', memberId)
      .where('m.group_id', '=', groupId)
      .executeTakeFirst();
    if (!m) throw notFound('member');
    const target: Target = { identityId: m.identity_id, contactId: m.contact_id, platformUserId: m.platform_user_id, displayName: m.display_name };
    return { membership: m, target };
  }

  /**
   * A moderator's action on a member: the enforcement service does it inside one transaction with
   * its case and an audit row; then the case reaches the live feed and the webhook.
   */
  async function act(
    req: { params: { id: string; memberId: string } },
    a: AuthContext,
    f: {
      action: CaseAction;
      needs?: Capability;
      activeOnly?: boolean;
      /** Refuse (409) when an intent it queues is already queued: the same action is under way. */
      exclusive?: boolean;
      reason: string;
      messageId?: string | undefined;
      run(env: Env, x: { group: GroupRef; target: Target; settings: GroupSettings; caseId: string; actor: Actor; key: string; evidenceMessageId: string | null; membership: { id: string; joined_at: number } }): Promise<Outcome>;
    },
  ) {
    const g = await ownGroup(store.db, a, req.params.id);
    if (f.needs) await requireCapability(g.channel_account_id, g.platform_group_id, f.needs);
    const group: GroupRef = { id: g.id, workspaceId: g.workspace_id, channelAccountId: g.channel_account_id, platformGroupId: g.platform_group_id, name: g.name };
    const row = await store.transaction(async (trx) => {
      const { membership, target } = await memberOf(trx, g.id, req.params.memberId);
      if (f.activeOnly && membership.status !== 'active') throw new HttpError(409, 'not_member', `${target.displayName} is not in the group`);
      let evidenceMessageId: string | null = null;
      if (f.messageId !== undefined) {
        const m = await trx.selectFrom('messages').select('id').where('id', '=', f.messageId).where('group_id', '=', g.id).where('identity_id', '=', target.identityId).executeTakeFirst();
        if (!m) throw new HttpError(404, 'not_found', 'that message is not this member’s message in this group');
        evidenceMessageId = m.id;
      }
      const now = rt.now();
      const env = await routeEnv(rt, trx, a.workspaceId, now);
      const caseId = newId();
      const actor: Actor = { name: a.name, userId: a.userId };
      const settings = (await loadGroupSettings(trx, g.id)).effective;
      const outcome = await f.run(env, { group, target, settings, caseId, actor, key: `console:${caseId}`, evidenceMessageId, membership });
      const written = await enqueueIntents(trx, a.workspaceId, outcome.intents, now);
      if (f.exclusive && written.length < outcome.intents.length) throw new HttpError(409, 'already_requested', `this is already under way for ${target.displayName}`);
      await recordCase(env, { id: caseId, group, workspaceId: a.workspaceId, target, messageId: evidenceMessageId, kind: 'manual', action: f.action, applied: f.action, details: { reason: f.reason }, effects: outcome.effects, actor });
      await writeAudit(trx, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action: `member.${f.action}`, targetType: 'membership', targetId: membership.id, summary: `${f.action} ${target.displayName} in ${g.name}${f.reason ? `: ${f.reason}` : ''}`, details: { caseId }, now });
      return getCase(trx, a.workspaceId, caseId);
    });
    if (!row) throw new Error('the case just written is missing');
    after(a.workspaceId, row.id);
    return { case: caseDto(row) };
  }

  /** After a commit: caches that know mutes and bans are dropped, the case is announced, sends start. */
  function after(workspaceId: string, caseId?: string) {
    rt.engine.invalidate(workspaceId);
    if (caseId) rt.bus.emit('case', { workspaceId, caseId });
    rt.dispatcher.wake();
  }

  const MemberParams = z.object({ id: Id, memberId: Id });

  app.route({
    method: 'POST',
    url: '/api/v1/groups/:id/members/:memberId/remove',
    config: { permission: 'moderation:act' },
    schema: { tags: ['moderation'], summary: 'Remove (kick) a member; the invite link still lets them back in unless they are blacklisted', params: MemberParams, body: KickBody.nullish(), response: { 200: ActionResult } },
    handler: async (req) => {
      const reason = req.body?.reason ?? '';
      return act(req, auth(req), {
        action: 'kick',
        needs: 'kick',
        activeOnly: true,
        exclusive: true,
        reason,
        run: async (env, x) => {
          // One removal per stay in the group: a double click does not queue two.
          const out = removeFrom(env, x.group, x.target, `remove:${x.membership.id}:${x.membership.joined_at}`);
          out.intents.push(announce(x.group, `${x.key}:announce`, say(env.locale, 'kicked', { name: x.target.displayName })));
          return out;
        },
      });
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/groups/:id/members/:memberId/warn',
    config: { permission: 'moderation:act' },
    schema: { tags: ['moderation'], summary: 'Warn a member: one warn point, said in the group with an @mention; thresholds may remove and blacklist', params: MemberParams, body: WarnBody, response: { 200: ActionResult } },
    handler: async (req) =>
      act(req, auth(req), {
        action: 'warn',
        needs: 'sendToGroup',
        reason: req.body.reason,
        messageId: req.body.messageId,
        run: (env, x) => warn(env, { ...x, reason: req.body.reason || say(env.locale, 'reason.manual'), deleted: false }),
      }),
  });

  app.route({
    method: 'POST',
    url: '/api/v1/groups/:id/members/:memberId/mute',
    config: { permission: 'moderation:act' },
    schema: { tags: ['moderation'], summary: 'Mute a member in this group: what they say is deleted on arrival until the mute ends', params: MemberParams, body: MuteBody, response: { 200: ActionResult } },
    handler: async (req) =>
      act(req, auth(req), {
        action: 'mute',
        needs: 'deleteMessage',
        activeOnly: true,
        reason: req.body.reason,
        run: (env, x) => mute(env, { ...x, minutes: req.body.minutes, reason: req.body.reason || say(env.locale, 'reason.manual') }),
      }),
  });

  app.route({
    method: 'POST',
    url: '/api/v1/groups/:id/members/:memberId/unmute',
    config: { permission: 'moderation:act' },
    schema: { tags: ['moderation'], summary: 'Lift every mute of the member in this group', params: MemberParams, response: { 200: z.object({ lifted: z.number() }) } },
    handler: async (req) => {
      const a = auth(req);
      const g = await ownGroup(store.db, a, req.params.id);
      const lifted = await store.transaction(async (trx) => {
        const { target } = await memberOf(trx, g.id, req.params.memberId);
        const now = rt.now();
        const n = await liftMutes(trx, { groupId: g.id, identityId: target.identityId, now });
        if (n > 0) await writeAudit(trx, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action: 'member.unmute', targetType: 'membership', targetId: req.params.memberId, summary: `unmuted ${target.displayName} in ${g.name}`, now });
        return n;
      });
      after(a.workspaceId);
      return { lifted };
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/cases/:id/resolve',
    config: { permission: 'moderation:act' },
    schema: { tags: ['moderation'], summary: 'Mark a case handled (it leaves the review queue; what it did stays)', params: IdParams, response: { 200: Case } },
    handler: async (req) => closeWith(req.params.id, auth(req), 'resolve'),
  });

  app.route({
    method: 'POST',
    url: '/api/v1/cases/:id/undo',
    config: { permission: 'moderation:act' },
    schema: {
      tags: ['moderation'],
      summary: 'Undo a case: revoke its warnings, lift its mute, blacklisting or lockdown (deleted messages stay deleted; removed members may rejoin)',
      params: IdParams,
      response: { 200: Case },
    },
    handler: async (req) => closeWith(req.params.id, auth(req), 'undo'),
  });

  async function closeWith(id: string, a: AuthContext, how: 'resolve' | 'undo') {
    const row = await store.transaction(async (trx) => {
      const c = await getCase(trx, a.workspaceId, id);
      if (!c) throw notFound('case');
      if (c.status !== 'open') throw new HttpError(409, 'case_closed', `this case is already ${c.status}`);
      const now = rt.now();
      const env = await routeEnv(rt, trx, a.workspaceId, now);
      const done = how === 'undo' ? await undoCase(env, c, { name: a.name, userId: a.userId }) : await closeCase(trx, c.id, 'resolved', a.name, now);
      if (!done) throw new HttpError(409, 'case_closed', 'this case was closed meanwhile');
      await writeAudit(trx, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action: `case.${how}`, targetType: 'case', targetId: c.id, summary: `${how === 'undo' ? 'undid' : 'resolved'} a ${c.kind} case of ${c.display_name}`, now });
      return getCase(trx, a.workspaceId, c.id);
    });
    if (!row) throw notFound('case');
    after(a.workspaceId, row.id);
    return caseDto(row);
  }

  app.route({
    method: 'GET',
    url: '/api/v1/cases',
    config: { permission: 'groups:read' },
    schema: { tags: ['moderation'], summary: 'Moderation cases, newest first: who, why, what was done, the evidence', querystring: CaseQuery, response: { 200: CasePage } },
    handler: async (req) => {
      const { rows, total } = await listCases(store.db, auth(req).workspaceId, req.query);
      return { items: rows.map(caseDto), total };
    },
  });
}
