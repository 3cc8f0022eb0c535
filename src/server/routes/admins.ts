import { z } from 'zod';
import { GroupAdmin, GroupAdminCreate, GroupAdminQuery, IdParams, Items } from '../../shared/api.ts';
import type { Db } from '../../store/index.ts';
import { addGroupAdmin, getGroupAdmin, listGroupAdmins, removeGroupAdmin } from '../../store/repos/admins.ts';
import { writeAudit } from '../../store/repos/audit.ts';
import { auth, HttpError, notFound, type AuthContext, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import { ownScope } from '../services/groups.ts';

type AdminRow = Awaited<ReturnType<typeof listGroupAdmins>>[number];

const adminDto = (r: AdminRow): GroupAdmin => ({
  id: r.id,
  groupId: r.group_id,
  policyId: r.policy_id,
  identityId: r.identity_id,
  contactId: r.contact_id,
  platformUserId: r.platform_user_id,
  name: r.display_name,
  addedBy: r.added_by_name,
  createdAt: r.created_at,
});

/**
 * Shequn's own admin lists (beyond a platform's cap on admins): per group, per template (every
 * group following it), or for every group of the workspace. Admins may moderate from the chat and are spared automatic moderation, so every
 * change drops the engine's caches.
 */
export function adminRoutes(app: ZodApp, rt: Runtime) {
  const { store } = rt;

  const audit = (db: Db, a: AuthContext, action: string, id: string, summary: string, details: unknown) =>
    writeAudit(db, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action, targetType: 'group_admin', targetId: id, summary, details, now: rt.now() });

  async function view(db: Db, a: AuthContext, id: string): Promise<GroupAdmin> {
    const row = await getGroupAdmin(db, a.workspaceId, id);
    if (!row) throw notFound('admin');
    return adminDto(row);
  }

  app.route({
    method: 'GET',
    url: '/api/v1/admins',
    config: { permission: 'groups:read' },
    schema: {
      tags: ['admins'],
      summary: 'Shequn admins of the workspace; with groupId, the ones in force in that group (its own, its template’s, the workspace-wide ones); with policyId, that template’s own',
      querystring: GroupAdminQuery,
      response: { 200: Items(GroupAdmin) },
    },
    handler: async (req) => {
      const a = auth(req);
      await ownScope(store.db, a, { groupId: req.query.groupId ?? null, policyId: req.query.policyId ?? null });
      const rows = await listGroupAdmins(store.db, a.workspaceId, req.query.groupId, req.query.policyId);
      return { items: rows.map(adminDto) };
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/admins',
    config: { permission: 'admins:write' },
    schema: {
      tags: ['admins'],
      summary:
        'Make someone a Shequn admin of a group, of every group following a template (policyId), or (both null) of every group on their channel; adding an existing admin again returns it (200)',
      body: GroupAdminCreate,
      response: { 200: GroupAdmin, 201: GroupAdmin },
    },
    handler: async (req, reply) => {
      const a = auth(req);
      const { identityId, groupId, policyId } = req.body;
      const result = await store.transaction(async (trx) => {
        const identity = await trx.selectFrom('identities').select(['id', 'workspace_id', 'channel_account_id', 'display_name', 'is_bot']).where('id', '=', identityId).executeTakeFirst();
        if (!identity || identity.workspace_id !== a.workspaceId) throw notFound('identity');
        if (identity.is_bot === 1) throw new HttpError(422, 'is_bot', `${identity.display_name} is a bot; only people can be admins`);
        const { group, policy } = await ownScope(trx, a, { groupId, policyId });
        if (group && group.channel_account_id !== identity.channel_account_id) {
          throw new HttpError(422, 'wrong_channel', `${identity.display_name} is on another channel than ${group.name} and could never act there`);
        }
        const { row, created } = await addGroupAdmin(trx, { workspaceId: a.workspaceId, groupId, policyId, identityId, addedByName: a.name, now: rt.now() });
        if (created) {
          const scope = group ? `of ${group.name}` : policy ? `of the groups following template ${policy.name}` : 'of every group';
          await audit(trx, a, 'admin.add', row.id, `made ${identity.display_name} an admin ${scope}`, { identityId, groupId, policyId });
        }
        return { admin: await view(trx, a, row.id), created };
      });
      if (result.created) rt.engine.invalidate(a.workspaceId);
      return reply.status(result.created ? 201 : 200).send(result.admin);
    },
  });

  app.route({
    method: 'DELETE',
    url: '/api/v1/admins/:id',
    config: { permission: 'admins:write' },
    schema: { tags: ['admins'], summary: 'Remove someone from an admin list', params: IdParams, response: { 204: z.null() } },
    handler: async (req, reply) => {
      const a = auth(req);
      await store.transaction(async (trx) => {
        const admin = await view(trx, a, req.params.id);
        await removeGroupAdmin(trx, a.workspaceId, admin.id);
        const { group, policy } = await ownScope(trx, a, admin);
        const scope = group ? `of ${group.name}` : policy ? `of the groups following template ${policy.name}` : 'of every group';
        await audit(trx, a, 'admin.remove', admin.id, `${admin.name} is no longer an admin ${scope}`, { identityId: admin.identityId, groupId: admin.groupId, policyId: admin.policyId });
      });
      rt.engine.invalidate(a.workspaceId);
      return reply.status(204).send(null);
    },
  });
}
