import type { Db } from '../index.ts';
import { newId } from '../ids.ts';

export interface AuditInput {
  workspaceId: string;
  userId: string | null;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string | null;
  summary: string;
  details?: unknown;
  now: number;
}

export async function writeAudit(db: Db, a: AuditInput): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      workspace_id: a.workspaceId,
      user_id: a.userId,
      actor_name: a.actorName,
      action: a.action,
      target_type: a.targetType,
      target_id: a.targetId,
      summary: a.summary,
      details: JSON.stringify(a.details ?? {}),
      created_at: a.now,
    })
    .execute();
}

export const listAudit = (db: Db, workspaceId: string, offset: number, limit: number) =>
  db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId).orderBy('id', 'desc').offset(offset).limit(limit).execute();
