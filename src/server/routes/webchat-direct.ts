import { Id, MessagePage, MessageQuery } from '../../shared/api.ts';
import { DirectClientFrame, type DirectServerFrame } from '../../shared/webchat-protocol.ts';
import { listDirectMessages } from '../../store/repos/messages.ts';
import { memberMessageDto } from '../dto.ts';
import { HttpError, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import { bearer, webchatMemberIn } from '../services/webchat-members.ts';
import { rulesInForce } from '../../store/repos/policies.ts';
import { memberChatRoute } from './webchat-socket.ts';

const READY_HISTORY = 50;

/**
 * A web community member's private chat with the assistant (the channel's bot account). The
 * member opens it from a group's page and must be an active member of that group (their way in;
 * its rules and menus answer). What they write goes through the engine as a direct message; the
 * rules' answers come back as sends to them, stored and pushed to these sockets.
 */
export function webchatDirectRoutes(app: ZodApp, rt: Runtime) {
  const { store } = rt;

  app.route({
    method: 'GET',
    url: '/api/v1/webchat/direct/messages',
    config: { permission: 'public' },
    schema: {
      tags: ['webchat'],
      summary: "A member's private chat with the assistant, a page at a time (Bearer token; groupId: a group they are in)",
      querystring: MessageQuery.extend({ groupId: Id }),
      response: { 200: MessagePage },
    },
    handler: async (req) => {
      const m = await webchatMemberIn(rt, bearer(req), req.query.groupId);
      if (!m) throw new HttpError(403, 'not_member', 'the assistant talks with members: join the group first');
      const { rows, nextBefore } = await listDirectMessages(store.db, m.identity.id, req.query);
      return { items: rows.map(memberMessageDto), nextBefore };
    },
  });

  memberChatRoute(app, rt, {
    url: '/api/v1/webchat/direct/ws',
    summary: 'WebSocket: the private chat with the assistant (see DirectClientFrame / DirectServerFrame)',
    what: 'private chat',
    frames: DirectClientFrame,
    notMember: 'you are no longer a member of the group this chat was opened from',
    attach: (m, socket) => m.connector.attachDirect(m.user.id, m.group.platform_group_id, socket),
    ready: async (m): Promise<DirectServerFrame> => {
      const history = await listDirectMessages(store.db, m.identity.id, { limit: READY_HISTORY });
      return {
        type: 'direct_ready',
        me: { platformUserId: m.user.id, nickname: m.identity.display_name, isBot: false },
        assistant: { platformUserId: m.connector.bot.platformUserId, nickname: m.connector.bot.displayName, isBot: true },
        origin: { id: m.group.id, name: m.group.name, rules: await rulesInForce(rt.store.db, m.group) },
        recent: history.rows.map(memberMessageDto),
        nextBefore: history.nextBefore,
      };
    },
    receive: async (m, frame, send) => {
      try {
        const result = await m.connector.memberSaysPrivately({ platformUserId: m.user.id, nickname: m.identity.display_name }, frame, m.group.platform_group_id, rt.now());
        if (result.messageId) send({ type: 'ack', clientMessageId: frame.clientMessageId, messageId: result.messageId });
      } catch (e) {
        console.error('webchat: storing a private message failed', e);
        send({ type: 'error', code: 'internal', message: 'the message could not be stored; it will be retried' });
      }
    },
  });
}
