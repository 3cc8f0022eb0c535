import type { LiveFrame } from '../../shared/webchat-protocol.ts';
import { getCase } from '../../store/repos/cases.ts';
import type { BusEvents } from '../bus.ts';
import { caseDto } from '../dto.ts';
import { auth, upgradeRequired, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';

/** The console's live feed: messages, membership changes and new moderation cases of the operator's workspace. */
export function liveRoutes(app: ZodApp, rt: Runtime) {
  app.route({
    method: 'GET',
    url: '/api/v1/live',
    config: { permission: 'groups:read' },
    schema: { tags: ['live'], summary: 'WebSocket: live messages and membership changes (LiveFrame JSON frames)' },
    handler: upgradeRequired,
    wsHandler: (socket, req) => {
      const { workspaceId } = auth(req);
      const send = (frame: LiveFrame) => socket.send(JSON.stringify(frame));
      const onMessage = (n: BusEvents['message'][0]) => {
        if (n.workspaceId === workspaceId) send({ type: 'message', message: n.message, ...(n.direct ? { directIdentityId: n.direct.identityId } : {}) });
      };
      const onMembership = (n: BusEvents['membership'][0]) => {
        if (n.workspaceId === workspaceId) send({ type: 'membership', groupId: n.groupId, platformUserId: n.platformUserId, status: n.status });
      };
      const onDeleted = (n: BusEvents['message_deleted'][0]) => {
        if (n.workspaceId === workspaceId && n.groupId !== null) send({ type: 'message_deleted', groupId: n.groupId, messageId: n.messageId });
      };
      const onCase = (n: BusEvents['case'][0]) => {
        if (n.workspaceId !== workspaceId) return;
        getCase(rt.store.db, workspaceId, n.caseId)
          .then((row) => row && send({ type: 'case', case: caseDto(row) }))
          .catch((e: unknown) => req.log.error(e, 'live case'));
      };
      rt.bus.on('message', onMessage);
      rt.bus.on('case', onCase);
      rt.bus.on('membership', onMembership);
      rt.bus.on('message_deleted', onDeleted);
      socket.on('close', () => {
        rt.bus.off('message', onMessage);
        rt.bus.off('case', onCase);
        rt.bus.off('membership', onMembership);
        rt.bus.off('message_deleted', onDeleted);
      });
    },
  });
}
