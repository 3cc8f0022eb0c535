import { AlertSettingsOut, AlertSettingsPut } from '../../shared/api.ts';
import { writeAudit } from '../../store/repos/audit.ts';
import { newWebhookSecret, parseWorkspaceSettings } from '../alerts.ts';
import { auth, notFound, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';

/** Where alerts go besides the console: the workspace's webhook URL and its signing secret. */
export function alertRoutes(app: ZodApp, rt: Runtime) {
  const { store } = rt;

  async function load(workspaceId: string) {
    const ws = await store.db.selectFrom('workspaces').select('settings').where('id', '=', workspaceId).executeTakeFirst();
    if (!ws) throw notFound('workspace');
    return parseWorkspaceSettings(ws.settings);
  }

  app.route({
    method: 'GET',
    url: '/api/v1/workspace/alerts',
    config: { permission: 'workspace:write' },
    schema: { tags: ['moderation'], summary: 'The alert webhook and its signing secret', response: { 200: AlertSettingsOut } },
    handler: async (req) => {
      const s = await load(auth(req).workspaceId);
      return { webhookUrl: s.alerts?.webhookUrl ?? '', secretSet: Boolean(s.alerts?.secret), secret: s.alerts?.secret ?? null };
    },
  });

  app.route({
    method: 'PUT',
    url: '/api/v1/workspace/alerts',
    config: { permission: 'workspace:write' },
    schema: { tags: ['moderation'], summary: 'Set (or clear, with "") the alert webhook; a secret is generated on first use or when rotated', body: AlertSettingsPut, response: { 200: AlertSettingsOut } },
    handler: async (req) => {
      const a = auth(req);
      const s = await load(a.workspaceId);
      const secret = !s.alerts?.secret || req.body.rotateSecret ? newWebhookSecret() : s.alerts.secret;
      const next = { ...s, alerts: { webhookUrl: req.body.webhookUrl, secret } };
      await store.transaction(async (trx) => {
        await trx.updateTable('workspaces').set({ settings: JSON.stringify(next) }).where('id', '=', a.workspaceId).execute();
        await writeAudit(trx, {
          workspaceId: a.workspaceId,
          userId: a.userId,
          actorName: a.name,
          action: 'workspace.alerts',
          targetType: 'workspace',
          targetId: a.workspaceId,
          summary: req.body.webhookUrl ? `alerts go to ${new URL(req.body.webhookUrl).host}${req.body.rotateSecret ? ' (secret rotated)' : ''}` : 'alert webhook removed',
          now: rt.now(),
        });
      });
      return { webhookUrl: next.alerts.webhookUrl, secretSet: true, secret };
    },
  });
}
