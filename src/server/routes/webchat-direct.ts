import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { MemberSocket } from '../../connectors/webchat/connector.ts';
import { Id, MessagePage, MessageQuery } from '../../shared/api.ts';
import { CLOSE_NOT_MEMBER, CLOSE_UNAUTHORIZED, DirectClientFrame, type DirectServerFrame } from '../../shared/webchat-protocol.ts';
import { listDirectMessages } from '../../store/repos/messages.ts';
import { getMembership } from '../../store/repos/people.ts';
import { findWebchatUserByToken } from '../../store/repos/webchat.ts';
import { tokenHash } from '../auth.ts';
import { memberMessageDto } from '../dto.ts';
import { HttpError, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import { bearer, webchatMemberIn } from '../services/webchat-members.ts';
import { rulesInForce } from '../../store/repos/policies.ts';

/** The parts of a `ws` socket the chat uses. */
type ChatSocket = MemberSocket & {
  on(event: 'message', listener: (data: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'message', listener: (data: Buffer) => void): unknown;
};
const READY_HISTORY = 50;

type Member = NonNullable<Awaited<ReturnType<typeof webchatMemberIn>>>;

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

  app.route({
    method: 'GET',
    url: '/api/v1/webchat/direct/ws',
    config: { permission: 'public' },
    schema: { tags: ['webchat'], summary: 'WebSocket: the private chat with the assistant (see DirectClientFrame / DirectServerFrame)', querystring: z.object({ token: z.string().max(200).optional(), groupId: Id }) },
    handler: (_req, reply) => reply.status(426).send({ error: { code: 'upgrade_required', message: 'open this URL as a WebSocket' } }),
    wsHandler: (socket, req) =>
      openChat(socket, req).catch((e: unknown) => {
        console.error('webchat: opening a private chat failed', e);
        socket.close(1011, 'server error');
      }),
  });

  async function openChat(socket: ChatSocket, req: FastifyRequest) {
    const query = req.query as { token?: string; groupId: string };
    // Frames that arrive while we authenticate are queued, not lost.
    const early: Buffer[] = [];
    const queue = (d: Buffer) => early.push(d);
    socket.on('message', queue);
    const m = await webchatMemberIn(rt, query.token, query.groupId);
    if (!m) {
      const user = query.token ? await findWebchatUserByToken(store.db, tokenHash(query.token)) : undefined;
      socket.close(user ? CLOSE_NOT_MEMBER : CLOSE_UNAUTHORIZED, user ? 'not a member of this group' : 'unknown token');
      return;
    }
    const send = (frame: DirectServerFrame) => socket.send(JSON.stringify(frame));
    const detach = m.connector.attachDirect(m.user.id, m.group.platform_group_id, socket);
    socket.on('close', detach);
    const history = await listDirectMessages(store.db, m.identity.id, { limit: READY_HISTORY });
    send({
      type: 'direct_ready',
      me: { platformUserId: m.user.id, nickname: m.identity.display_name, isBot: false },
      assistant: { platformUserId: m.connector.bot.platformUserId, nickname: m.connector.bot.displayName, isBot: true },
      origin: { id: m.group.id, name: m.group.name, rules: await rulesInForce(rt.store.db, m.group) },
      recent: history.rows.map(memberMessageDto),
      nextBefore: history.nextBefore,
    });
    const handle = (data: Buffer) =>
      onFrame(m, data, send, socket).catch((e: unknown) => {
        console.error('webchat: handling a private chat frame failed', e);
        socket.close(1011, 'server error');
      });
    socket.off('message', queue);
    socket.on('message', handle);
    for (const d of early) handle(d);
  }

  async function onFrame(m: Member, data: Buffer, send: (f: DirectServerFrame) => void, socket: { close(code: number, reason: string): void }) {
    let json: unknown;
    try {
      json = JSON.parse(data.toString('utf8'));
    } catch {
      send({ type: 'error', code: 'invalid_json', message: 'frames must be JSON' });
      return;
    }
    const parsed = DirectClientFrame.safeParse(json);
    if (!parsed.success) {
      send({ type: 'error', code: 'invalid_frame', message: z.prettifyError(parsed.error) });
      return;
    }
    const frame = parsed.data;
    if (frame.type === 'ping') {
      send({ type: 'pong' });
      return;
    }
    // The group membership this chat was opened with can end while it is open: check at every send.
    if ((await getMembership(store.db, m.group.id, m.identity.id))?.status !== 'active') {
      send({ type: 'error', code: 'not_member', message: 'you are no longer a member of the group this chat was opened from' });
      socket.close(CLOSE_NOT_MEMBER, 'not a member of this group');
      return;
    }
    try {
      const result = await m.connector.memberSaysPrivately({ platformUserId: m.user.id, nickname: m.identity.display_name }, frame, m.group.platform_group_id, rt.now());
      if (result.messageId) send({ type: 'ack', clientMessageId: frame.clientMessageId, messageId: result.messageId });
    } catch (e) {
      console.error('webchat: storing a private message failed', e);
      send({ type: 'error', code: 'internal', message: 'the message could not be stored; it will be retried' });
    }
  }
}
