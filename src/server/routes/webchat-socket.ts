import { z } from 'zod';
import type { MemberSocket } from '../../connectors/webchat/connector.ts';
import { Id } from '../../shared/api.ts';
import { CLOSE_NOT_MEMBER, CLOSE_UNAUTHORIZED } from '../../shared/webchat-protocol.ts';
import { getMembership } from '../../store/repos/people.ts';
import { findWebchatUserByToken } from '../../store/repos/webchat.ts';
import { tokenHash } from '../auth.ts';
import { upgradeRequired, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import { webchatMemberIn } from '../services/webchat-members.ts';

/** The parts of a `ws` socket a member's chat uses. */
type ChatSocket = MemberSocket & {
  on(event: 'message', listener: (data: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'message', listener: (data: Buffer) => void): unknown;
};

/** A web community member in the group their chat is opened from. */
type ChatMember = NonNullable<Awaited<ReturnType<typeof webchatMemberIn>>>;

/** What the server sends on every member socket, whatever its protocol: a pong, and errors. */
type CommonServerFrame = { type: 'pong' } | { type: 'error'; code: string; message: string };

interface MemberChat<F extends { type: string }, S> {
  url: string;
  summary: string;
  /** What the chat is, for the logs: 'room', 'private chat'. */
  what: string;
  /** The schema of the client's frames; a ping is answered before `receive` sees anything. */
  frames: z.ZodType<F | { type: 'ping' }>;
  /** The error to a member whose membership ends while the chat is open. */
  notMember: string;
  /** Attaches the socket to the member's chat (their room, their private chat); returns the detaching. */
  attach(m: ChatMember, socket: MemberSocket): () => void;
  /** The first frame: who is who and the latest messages. */
  ready(m: ChatMember): Promise<S>;
  /** A frame of the member's (not a ping), the membership just checked again. */
  receive(m: ChatMember, frame: F, send: (frame: S | CommonServerFrame) => void): Promise<void>;
}

const isPing = (frame: { type: string }): frame is { type: 'ping' } => frame.type === 'ping';

/**
 * A member's chat WebSocket (`?token=…&groupId=…`), the group room's or the private chat's: a
 * plain HTTP request gets 426; on upgrade, a socket whose token or membership does not hold is
 * closed with a code the client stops reconnecting on, and every frame is checked before the
 * chat's own `receive` gets it.
 */
export function memberChatRoute<F extends { type: string }, S>(app: ZodApp, rt: Runtime, chat: MemberChat<F, S>) {
  const { store } = rt;

  app.route({
    method: 'GET',
    url: chat.url,
    config: { permission: 'public' },
    schema: { tags: ['webchat'], summary: chat.summary, querystring: z.object({ token: z.string().max(200).optional(), groupId: Id }) },
    handler: upgradeRequired,
    wsHandler: (socket, req) =>
      open(socket, req.query as { token?: string; groupId: string }).catch((e: unknown) => {
        console.error(`webchat: opening a ${chat.what} failed`, e);
        socket.close(1011, 'server error');
      }),
  });

  async function open(socket: ChatSocket, query: { token?: string; groupId: string }) {
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
    const send = (frame: S | CommonServerFrame) => socket.send(JSON.stringify(frame));
    // Attached before the latest messages are read: with the live frames, none falls in between.
    socket.on('close', chat.attach(m, socket));
    send(await chat.ready(m));
    // One frame at a time, in the order sent: a member's messages are stored (and counted, e.g. for
    // first-message scrutiny) in the order they typed them, whatever each one's lookups cost.
    let previous: Promise<void> = Promise.resolve();
    const handle = (data: Buffer) => {
      previous = previous.then(() =>
        onFrame(m, data, send, socket).catch((e: unknown) => {
          // The store went away (shutting down) or failed: tell the client, which re-sends after reconnecting.
          console.error(`webchat: handling a ${chat.what} frame failed`, e);
          socket.close(1011, 'server error');
        }),
      );
    };
    socket.off('message', queue);
    socket.on('message', handle);
    for (const d of early) handle(d);
  }

  async function onFrame(m: ChatMember, data: Buffer, send: (f: S | CommonServerFrame) => void, socket: { close(code: number, reason: string): void }) {
    let json: unknown;
    try {
      json = JSON.parse(data.toString('utf8'));
    } catch {
      send({ type: 'error', code: 'invalid_json', message: 'frames must be JSON' });
      return;
    }
    const parsed = chat.frames.safeParse(json);
    if (!parsed.success) {
      send({ type: 'error', code: 'invalid_frame', message: z.prettifyError(parsed.error) });
      return;
    }
    const frame = parsed.data;
    if (isPing(frame)) {
      send({ type: 'pong' });
      return;
    }
    // Membership can end while the chat is open (left, removed): check at every send.
    if ((await getMembership(store.db, m.group.id, m.identity.id))?.status !== 'active') {
      send({ type: 'error', code: 'not_member', message: chat.notMember });
      socket.close(CLOSE_NOT_MEMBER, 'not a member of this group');
      return;
    }
    await chat.receive(m, frame, send);
  }
}
