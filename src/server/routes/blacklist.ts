import { z } from 'zod';
import { BlacklistCreate, BlacklistEntry, BlacklistPage, BlacklistQuery, Id, IdParams, Standing } from '../../shared/api.ts';
import type { Db } from '../../store/index.ts';
import { writeAudit } from '../../store/repos/audit.ts';
import { getBlacklistEntry, liftBlacklistEntry, listBlacklist, type BlacklistRow } from '../../store/repos/blacklist.ts';
import { listContactMutes } from '../../store/repos/mutes.ts';
import { getContact } from '../../store/repos/people.ts';
import { listContactWarnings } from '../../store/repos/warnings.ts';
import { activePoints } from '../../core/moderation/points.ts';
import { auth, HttpError, notFound, type ZodApp } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import { blacklist, routeEnv } from '../services/enforcement.ts';
import { enqueueIntents } from '../../store/repos/outbox.ts';

function entryDto(r: BlacklistRow, now: number): BlacklistEntry {
  return {
    id: r.id,
    contact: { id: r.contact_id, name: r.contact_name },
    group: r.group_id && r.group_name ? { id: r.group_id, name: r.group_name } : null,
    reason: r.reason,
    evidence: r.evidence_message_id && r.evidence_text !== null ? { messageId: r.evidence_message_id, text: r.evidence_text } : null,
    caseId: r.case_id,
    addedBy: r.added_by_name,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    liftedAt: r.lifted_at,
    liftedBy: r.lifted_by_name,
    active: r.lifted_at === null && (r.expires_at === null || r.expires_at > now),
  };
}

/**
 * The workspace blacklist: one list across every group and channel. Adding a contact removes
 * every identity of theirs from every group in scope at once and keeps them out on every join;
 * lifting an entry restores the right to join.
 */
export function blacklistRoutes(app: ZodApp, rt: Runtime) {
  const { store } = rt;

  async function ownContact(db: Db, workspaceId: string, id: string) {
    const c = await getContact(db, id);
    if (!c || c.workspace_id !== workspaceId) throw notFound('contact');
    return c;
  }

  app.route({
    method: 'GET',
    url: '/api/v1/blacklist',
    config: { permission: 'contacts:read' },
    schema: { tags: ['moderation'], summary: 'Blacklist entries, newest first (active=true: in force now)', querystring: BlacklistQuery, response: { 200: BlacklistPage } },
    handler: async (req) => {
      const now = rt.now();
      const { rows, total } = await listBlacklist(store.db, auth(req).workspaceId, {
        ...(req.query.active === undefined ? {} : { active: req.query.active === 'true' }),
        ...(req.query.contactId === undefined ? {} : { contactId: req.query.contactId }),
        now,
        offset: req.query.offset,
        limit: req.query.limit,
      });
      return { items: rows.map((r) => entryDto(r, now)), total };
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/blacklist',
    config: { permission: 'moderation:act' },
    schema: {
      tags: ['moderation'],
      summary: 'Blacklist a contact (workspace-wide, or one group): removed from every group in scope now, refused on every join',
      body: BlacklistCreate,
      response: { 201: BlacklistEntry, 200: BlacklistEntry },
    },
    handler: async (req, reply) => {
      const a = auth(req);
      const b = req.body;
      const { row, created } = await store.transaction(async (trx) => {
        const contact = await ownContact(trx, a.workspaceId, b.contactId);
        if (b.groupId !== null) {
          const g = await trx.selectFrom('groups').select('id').where('id', '=', b.groupId).where('workspace_id', '=', a.workspaceId).executeTakeFirst();
          if (!g) throw notFound('group');
        }
        if (b.evidenceMessageId !== undefined) {
          const m = await trx
            .selectFrom('messages as m')
            .innerJoin('identities as i', 'i.id', 'm.identity_id')
            .select('m.id')
            .where('m.id', '=', b.evidenceMessageId)
            .where('i.contact_id', '=', contact.id)
            .executeTakeFirst();
          if (!m) throw new HttpError(404, 'not_found', 'the evidence must be a message of this contact');
        }
        const now = rt.now();
        const env = await routeEnv(rt, trx, a.workspaceId, now);
        const done = await blacklist(env, {
          workspaceId: a.workspaceId,
          contactId: contact.id,
          groupId: b.groupId,
          reason: b.reason,
          evidenceMessageId: b.evidenceMessageId ?? null,
          caseId: null,
          actor: { name: a.name, userId: a.userId },
          expiresAt: b.expiresInDays === undefined ? null : now + b.expiresInDays * 86_400_000,
          key: `blacklist:${contact.id}:${now}`,
        });
        await enqueueIntents(trx, a.workspaceId, done.intents, now);
        if (done.created) {
          await writeAudit(trx, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action: 'blacklist.add', targetType: 'contact', targetId: contact.id, summary: `blacklisted ${contact.display_name}${b.groupId ? ' in one group' : ''}: ${b.reason}`, details: { entryId: done.entryId, removals: done.effects.length - 1 }, now });
        }
        const entry = await getBlacklistEntry(trx, a.workspaceId, done.entryId);
        if (!entry) throw new Error('the blacklist entry just written is missing');
        return { row: entry, created: done.created };
      });
      rt.engine.invalidate(a.workspaceId);
      rt.dispatcher.wake();
      return reply.status(created ? 201 : 200).send(entryDto(row, rt.now()));
    },
  });

  app.route({
    method: 'POST',
    url: '/api/v1/blacklist/:id/lift',
    config: { permission: 'moderation:act' },
    schema: { tags: ['moderation'], summary: 'Lift a blacklist entry: the contact may join again', params: IdParams, response: { 200: BlacklistEntry } },
    handler: async (req) => {
      const a = auth(req);
      const row = await store.transaction(async (trx) => {
        const e = await getBlacklistEntry(trx, a.workspaceId, req.params.id);
        if (!e) throw notFound('blacklist entry');
        const now = rt.now();
        if (!(await liftBlacklistEntry(trx, e.id, a.name, now))) throw new HttpError(409, 'already_lifted', 'this entry was already lifted');
        await writeAudit(trx, { workspaceId: a.workspaceId, userId: a.userId, actorName: a.name, action: 'blacklist.lift', targetType: 'contact', targetId: e.contact_id, summary: `lifted the blacklisting of ${e.contact_name}`, now });
        return getBlacklistEntry(trx, a.workspaceId, e.id);
      });
      if (!row) throw notFound('blacklist entry');
      rt.engine.invalidate(a.workspaceId);
      return entryDto(row, rt.now());
    },
  });

  app.route({
    method: 'GET',
    url: '/api/v1/contacts/:id/standing',
    config: { permission: 'contacts:read' },
    schema: { tags: ['moderation'], summary: "A contact's warn points in force, warnings, mutes and blacklist entries", params: z.object({ id: Id }), response: { 200: Standing } },
    handler: async (req) => {
      const a = auth(req);
      const contact = await ownContact(store.db, a.workspaceId, req.params.id);
      const now = rt.now();
      const warnings = await listContactWarnings(store.db, a.workspaceId, contact.id);
      const { rows } = await listBlacklist(store.db, a.workspaceId, { contactId: contact.id, now, offset: 0, limit: 100 });
      return {
        points: activePoints(warnings, now),
        warnings: warnings.map((w) => ({ id: w.id, groupId: w.group_id, caseId: w.case_id, reason: w.reason, by: w.created_by_name, createdAt: w.created_at, expiresAt: w.expires_at, revokedAt: w.revoked_at })),
        blacklist: rows.map((r) => entryDto(r, now)),
        mutes: (await listContactMutes(store.db, contact.id)).map((m) => ({ id: m.id, groupId: m.group_id, until: m.until, liftedAt: m.lifted_at })),
      };
    },
  });
}
