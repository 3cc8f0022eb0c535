import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Id, InviteCodeParams, InviteInfo, JoinBody, JoinResult, MessagePage, MessageQuery, type JoinGateInfo, type JoinGateRefusal } from '../../shared/api.ts';
import { ClientFrame, type ServerFrame } from '../../shared/webchat-protocol.ts';
import { findActiveBan } from '../../store/repos/blacklist.ts';
import { judgeJoin, type GateRefusal } from '../../core/join-gate.ts';
import type { GroupSettings } from '../../shared/group-settings.ts';
import { findGroupByInviteCode } from '../../store/repos/groups.ts';
import { listGroupMessages } from '../../store/repos/messages.ts';
import { findIdentity, listMembers } from '../../store/repos/people.ts';
import { createWebchatUser, findWebchatUserByToken, renameWebchatUser } from '../../store/repos/webchat.ts';
import { newToken, tokenHash } from '../auth.ts';
import { memberMessageDto } from '../dto.ts';
import { HttpError, type ZodApp } from '../http.ts';
import { JoinGateGuard } from '../join-gate.ts';
import type { Runtime } from '../runtime.ts';
import { loadGroupSettings } from '../services/settings.ts';
import { bearer, webchatMemberIn } from '../services/webchat-members.ts';
import { rulesInForce } from '../../store/repos/policies.ts';
import { memberChatRoute } from './webchat-socket.ts';

const MEMBER_LIST_LIMIT = 500;

const READY_HISTORY = 50;

const GATE_MESSAGES: Record<GateRefusal, string> = {
  rules_not_accepted: 'read the group rules and tick “我已阅读并同意群规” (I have read and agree to the group rules) to join',
  answer_missing: 'answer the entry question to join',
  answer_wrong: 'that is not an answer this group accepts',
};

/** What a newcomer sees of the gate: the rules or the question, never the accepted answers. */
function gateInfo(gate: GroupSettings['joinGate'], rules: string): JoinGateInfo {
  switch (gate.mode) {
    case 'off':
      return { mode: 'off' };
    case 'accept_rules':
      return { mode: 'accept_rules', rules };
    case 'question':
      return { mode: 'question', question: gate.question };
  }
}

/**
 * The built-in web community's member-facing API: open an invite, join with a nickname, read
 * history, and chat over a WebSocket. Members are identified by a bearer token their browser
 * keeps (no console session, so no CSRF exposure).
 */
export function webchatRoutes(app: ZodApp, rt: Runtime) {
  const { store } = rt;
  const guard = new JoinGateGuard();

  async function webchatGroupByInvite(code: string) {
    const group = await findGroupByInviteCode(store.db, code);
    const connector = group && rt.webchat(group.channel_account_id);
    if (!group || !connector) throw new HttpError(404, 'invite_invalid', 'this invite link is not valid (it may have been replaced)');
    return { group, connector };
  }

  const memberIn = (token: string | undefined, groupId: string) => webchatMemberIn(rt, token, groupId);

  app.route({
    method: 'GET',
    url: '/api/v1/webchat/invites/:code',
    config: { permission: 'public' },
    schema: { tags: ['webchat'], summary: 'What an invite link leads to', params: InviteCodeParams, response: { 200: InviteInfo } },
    handler: async (req) => {
      const { group } = await webchatGroupByInvite(req.params.code);
      const count = await store.db.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', group.id).where('status', '=', 'active').executeTakeFirstOrThrow();
      const { effective } = await loadGroupSettings(store.db, group.id);
      return { group: { id: group.id, name: group.name, memberCount: Number(count.n) }, gate: gateInfo(effective.joinGate, await rulesInForce(store.db, group)) };
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/webchat/invites/:code/join',
    config: { permission: 'public' },
    schema: {
      tags: ['webchat'],
      summary: 'Join a group with a nickname; send your existing token as a Bearer to stay the same member',
      description:
        'Where the group has a join gate, `acceptRules: true` or an accepted `answer` is needed: otherwise 403 `join_gate` ' +
        '(details.reason: rules_not_accepted | answer_missing | answer_wrong, with attemptsLeft). Wrong answers are ' +
        'limited (5 per member, 20 per address, in 10 minutes per group); past that, 429 with Retry-After.',
      params: InviteCodeParams,
      body: JoinBody,
      response: { 201: JoinResult },
    },
    handler: async (req, reply) => {
      const { group, connector } = await webchatGroupByInvite(req.params.code);
      const now = rt.now();
      const nickname = req.body.nickname;
      let token = bearer(req);
      let user = token ? await findWebchatUserByToken(store.db, tokenHash(token)) : undefined;
      if (user && user.channel_account_id !== group.channel_account_id) user = undefined;
      // The web community is Shequn's own, so it refuses at the door what other channels can only
      // remove after the fact: the blacklisted, and everyone during a raid lockdown.
      const known = user && (await findIdentity(store.db, group.channel_account_id, user.id));
      if (known && (await findActiveBan(store.db, known.contact_id, group.id, now))) throw new HttpError(403, 'blacklisted', 'you may not join this group');
      if (group.locked_until !== null && group.locked_until > now) {
        reply.header('retry-after', String(Math.ceil((group.locked_until - now) / 1000)));
        throw new HttpError(403, 'group_locked', 'this group is not taking new members right now; try again later', { until: group.locked_until });
      }
      const gate = (await loadGroupSettings(store.db, group.id)).effective.joinGate;
      if (gate.mode !== 'off') {
        const who = { ip: req.ip, memberId: user?.id ?? null };
        const wait = guard.retryAfter(group.id, who, now);
        if (wait > 0) {
          reply.header('retry-after', Math.ceil(wait / 1000));
          throw new HttpError(429, 'too_many_attempts', `too many wrong answers; try again in ${Math.ceil(wait / 60_000)} min`);
        }
        const refusal = judgeJoin(gate, req.body);
        if (refusal) {
          const details: JoinGateRefusal = refusal === 'answer_wrong' ? { reason: refusal, attemptsLeft: guard.wrong(group.id, who, now) } : { reason: refusal };
          throw new HttpError(403, 'join_gate', GATE_MESSAGES[refusal], details);
        }
      }
      if (!user) {
        token = newToken();
        user = await createWebchatUser(store.db, { channelAccountId: group.channel_account_id, tokenHash: tokenHash(token), nickname, now });
      } else if (user.nickname !== nickname) {
        await renameWebchatUser(store.db, user.id, nickname);
      }
      await connector.memberJoined(group.platform_group_id, { platformUserId: user.id, nickname }, randomUUID(), now);
      return reply.status(201).send({ groupId: group.id, member: { platformUserId: user.id, nickname }, token: token ?? '' });
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/webchat/groups/:id/messages',
    config: { permission: 'public' },
    schema: { tags: ['webchat'], summary: "A member's view of the group history (Bearer token)", params: z.object({ id: Id }), querystring: MessageQuery, response: { 200: MessagePage } },
    handler: async (req) => {
      const m = await memberIn(bearer(req), req.params.id);
      if (!m) throw new HttpError(403, 'not_member', 'join the group first');
      const { rows, nextBefore } = await listGroupMessages(store.db, m.group.id, req.query);
      return { items: rows.map(memberMessageDto), nextBefore };
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/webchat/groups/:id/leave',
    config: { permission: 'public' },
    schema: { tags: ['webchat'], summary: 'Leave the group (Bearer token); the invite link lets you back in', params: z.object({ id: Id }), response: { 204: z.null() } },
    handler: async (req, reply) => {
      const m = await memberIn(bearer(req), req.params.id);
      if (!m) throw new HttpError(403, 'not_member', 'you are not a member of this group');
      await m.connector.memberLeft(m.group.platform_group_id, { platformUserId: m.user.id, nickname: m.identity.display_name }, randomUUID(), rt.now());
      return reply.status(204).send(null);
    },
  });

  memberChatRoute(app, rt, {
    url: '/api/v1/webchat/ws',
    summary: 'WebSocket: the chat room (see webchat-protocol.ts)',
    what: 'room',
    frames: ClientFrame,
    notMember: 'you are no longer a member of this group',
    attach: (m, socket) => m.connector.attach(m.group.platform_group_id, m.user.id, socket),
    ready: async (m): Promise<ServerFrame> => {
      const members = await listMembers(store.db, m.group.id, { offset: 0, limit: MEMBER_LIST_LIMIT, activeOnly: true });
      const history = await listGroupMessages(store.db, m.group.id, { limit: READY_HISTORY });
      return {
        type: 'ready',
        me: { platformUserId: m.user.id, nickname: m.identity.display_name, isBot: false },
        group: { id: m.group.id, name: m.group.name, rules: await rulesInForce(store.db, m.group) },
        members: [
          { platformUserId: m.connector.bot.platformUserId, nickname: m.connector.bot.displayName, isBot: true },
          ...members.map((r) => ({ platformUserId: r.platform_user_id, nickname: r.display_name, isBot: r.is_bot === 1 })),
        ],
        recent: history.rows.map(memberMessageDto),
        nextBefore: history.nextBefore,
      };
    },
    receive: async (m, frame, send) => {
      let replyToPlatformMessageId: string | undefined;
      if (frame.replyToId !== undefined) {
        const quoted = await store.db.selectFrom('messages').select('platform_message_id').where('id', '=', frame.replyToId).where('group_id', '=', m.group.id).executeTakeFirst();
        if (!quoted) {
          send({ type: 'error', code: 'invalid_frame', message: 'replyToId: no such message in this group' });
          return;
        }
        replyToPlatformMessageId = quoted.platform_message_id;
      }
      try {
        const result = await m.connector.memberSays(m.group.platform_group_id, { platformUserId: m.user.id, nickname: m.identity.display_name }, { ...frame, replyToPlatformMessageId }, rt.now());
        if (result.messageId) send({ type: 'ack', clientMessageId: frame.clientMessageId, messageId: result.messageId });
      } catch (e) {
        console.error('webchat: storing a message failed', e);
        send({ type: 'error', code: 'internal', message: 'the message could not be stored; it will be retried' });
      }
    },
  });
}
