import { z } from 'zod';
import type { Capability } from '../../core/capabilities.ts';
import type { Intent } from '../../core/intents.ts';
import { CasePage, CaseQuery, Id } from '../../shared/api.ts';
import { caseDto } from '../dto.ts';
import type { Db } from '../../store/index.ts';
import { writeAudit } from '../../store/repos/audit.ts';
import { listCases } from '../../store/repos/cases.ts';
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

  app.route({
    method: 'POST',
    url: '/api/v1/groups/:id/members/:memberId/remove',
    config: { permission: 'moderation:act' },
    schema: { tags: ['moderation'], summary: 'Remove (kick) a member; the invite link still lets them back in', params: z.object({ id: Id, memberId: Id }), response: { 202: Accepted } },
    handler: async (req, reply) => {
      const a = auth(req);
      const group = await ownGroup(store.db, a, req.params.id);
      await requireCapability(group.channel_account_id, group.platform_group_id, 'kick');
      const row = await store.transaction(async (trx) => {
        const m = await trx
          .selectFrom('memberships as m')
          .innerJoin('identities as i', 'i.id', 'm.identity_id')
          .select(['m.id', 'm.status', 'm.joined_at', 'i.platform_user_id', 'i.display_name', 'i.is_bot'])
          .where('m.id', '=', req.params.memberId)
          .where('m.group_id', '=', group.id)
          .executeTakeFirst();
        if (!m) throw notFound('member');
        if (m.status !== 'active') throw new HttpError(409, 'not_member', `${m.display_name} is not in the group`);
        // One removal per stay in the group: a double click does not queue two.
        const queued = await enqueue(trx, a, group.id, `remove:${m.id}:${m.joined_at}`, {
          kind: 'remove_member',
          channelAccountId: group.channel_account_id,
          platformGroupId: group.platform_group_id,
          platformUserId: m.platform_user_id,
          priority: 'interactive',
        });
        if (!queued) throw new HttpError(409, 'already_requested', 'removing this member is already under way');
        await writeAudit(trx, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action: 'member.remove', targetType: 'membership', targetId: m.id, summary: `removed ${m.display_name} from ${group.name}`, now: rt.now() });
        return queued;
      });
      rt.dispatcher.wake();
      return reply.status(202).send({ outboxId: row.id });
    },
  });

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
