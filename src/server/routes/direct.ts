import { z } from 'zod';
import { DirectConversationPage, DirectIdentityParams, MessagePage, MessageQuery, OperatorSend, PageQuery, type DirectConversation } from '../../shared/api.ts';
import type { Db } from '../../store/index.ts';
import { newId } from '../../store/ids.ts';
import { listDirectConversations, listDirectMessages, listMessagesByIds } from '../../store/repos/messages.ts';
import { enqueueIntents } from '../../store/repos/outbox.ts';
import { messageDto } from '../dto.ts';
import { auth, HttpError, notFound, type AuthContext, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';

/** A member's identity with its channel, if it belongs to the caller's workspace. */
const identityColumns = ['i.id', 'i.workspace_id', 'i.contact_id', 'i.channel_account_id', 'c.kind', 'i.platform_user_id', 'i.display_name', 'i.is_bot'] as const;
const identities = (db: Db) => db.selectFrom('identities as i').innerJoin('channel_accounts as c', 'c.id', 'i.channel_account_id').select(identityColumns);

/**
 * Operators and the assistant's direct conversations: who wrote to it (or was written to), each
 * conversation's messages, and answering by hand as the assistant. A conversation is one member
 * identity on one channel.
 */
export function directRoutes(app: ZodApp, rt: Runtime) {
  const { store } = rt;

  async function ownIdentity(db: Db, a: AuthContext, id: string) {
    const identity = await identities(db).where('i.id', '=', id).executeTakeFirst();
    if (!identity || identity.workspace_id !== a.workspaceId || identity.is_bot === 1) throw notFound('conversation');
    return identity;
  }

  app.route({
    method: 'GET',
    url: '/api/v1/direct-conversations',
    config: { permission: 'contacts:read' },
    schema: { tags: ['direct'], summary: "The assistant's direct conversations, latest activity first", querystring: PageQuery, response: { 200: DirectConversationPage } },
    handler: async (req) => {
      const { rows, total } = await listDirectConversations(store.db, auth(req).workspaceId, req.query);
      const ids = rows.map((r) => r.identityId);
      const [people, last] = await Promise.all([ids.length === 0 ? [] : identities(store.db).where('i.id', 'in', ids).execute(), listMessagesByIds(store.db, rows.map((r) => r.lastId))]);
      const items = rows.flatMap((r): DirectConversation[] => {
        const who = people.find((p) => p.id === r.identityId);
        const message = last.find((m) => m.id === r.lastId);
        if (!who || !message) return [];
        return [
          {
            identityId: who.id,
            contactId: who.contact_id,
            channelAccountId: who.channel_account_id,
            channelKind: who.kind as DirectConversation['channelKind'],
            platformUserId: who.platform_user_id,
            displayName: who.display_name,
            messageCount: r.messageCount,
            lastMessage: messageDto(message),
          },
        ];
      });
      return { items, total };
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/direct-conversations/:identityId/messages',
    config: { permission: 'contacts:read' },
    schema: { tags: ['direct'], summary: 'One direct conversation, a page at a time (oldest → newest within a page)', params: DirectIdentityParams, querystring: MessageQuery, response: { 200: MessagePage } },
    handler: async (req) => {
      const identity = await ownIdentity(store.db, auth(req), req.params.identityId);
      const { rows, nextBefore } = await listDirectMessages(store.db, identity.id, req.query);
      return { items: rows.map(messageDto), nextBefore };
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/direct-conversations/:identityId/messages',
    config: { permission: 'messages:send' },
    schema: { tags: ['direct'], summary: 'Answer a member privately, as the assistant', params: DirectIdentityParams, body: OperatorSend, response: { 202: z.object({ outboxId: z.string() }) } },
    handler: async (req, reply) => {
      const a = auth(req);
      const identity = await ownIdentity(store.db, a, req.params.identityId);
      const connector = rt.connector(identity.channel_account_id);
      if (!connector) throw new HttpError(409, 'channel_offline', 'this member’s channel is not connected');
      if (!connector.capabilities.directMessage) throw new HttpError(422, 'capability_missing', `${connector.kind} cannot send direct messages`, { channel: connector.kind, missing: ['directMessage'] });
      const [row] = await store.transaction((trx) =>
        enqueueIntents(
          trx,
          a.workspaceId,
          [
            {
              idempotencyKey: `manual:${newId()}`,
              ruleId: null,
              groupId: null,
              intent: { kind: 'send_message', channelAccountId: identity.channel_account_id, platformGroupId: null, platformUserId: identity.platform_user_id, content: { type: 'text', text: req.body.text, mentions: [] }, priority: 'interactive' },
            },
          ],
          rt.now(),
        ),
      );
      rt.dispatcher.wake();
      return reply.status(202).send({ outboxId: row?.id ?? '' });
    },
  });
}
