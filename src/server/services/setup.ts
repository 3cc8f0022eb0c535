import { randomBytes } from 'node:crypto';
import type { Locale, Role } from '../../shared/api.ts';
import type { Db } from '../../store/index.ts';
import { addWorkspaceMember, countUsers, createUser, createWorkspace, findUserByEmail } from '../../store/repos/accounts.ts';
import { writeAudit } from '../../store/repos/audit.ts';
import { createChannelAccount } from '../../store/repos/channels.ts';
import { hashPassword } from '../auth.ts';
import { HttpError } from '../http.ts';

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
export const WEBCHAT_BOT_NAME: Record<Locale, string> = { 'zh-CN': '社群助手', en: 'Community assistant' };

/** A fresh invite code for a group's join link. */
export const newInviteCode = (): string => randomBytes(9).toString('base64url');

/**
 * Creates the first workspace with its owner and its built-in web community channel. Refused once
 * an owner exists: the setup page is a one-time door.
 */
export async function createOwner(
  trx: Db,
  f: { email: string; password: string; name: string; workspaceName: string; locale: Locale; passwordCost: number; now: number },
) {
  if ((await countUsers(trx)) > 0) throw new HttpError(409, 'already_set_up', 'this Shequn already has an owner; sign in instead');
  const ws = await createWorkspace(trx, { name: f.workspaceName, timezone: DEFAULT_TIMEZONE, locale: f.locale, now: f.now });
  const user = await createUser(trx, { email: f.email, name: f.name, passwordHash: await hashPassword(f.password, f.passwordCost), locale: f.locale, now: f.now });
  await addWorkspaceMember(trx, ws.id, user.id, 'owner', f.now);
  const account = await createChannelAccount(trx, { workspaceId: ws.id, kind: 'webchat', name: WEBCHAT_BOT_NAME[f.locale], config: {}, now: f.now });
  await writeAudit(trx, { workspaceId: ws.id, userId: user.id, actorName: user.name, action: 'workspace.create', targetType: 'workspace', targetId: ws.id, summary: `created workspace ${ws.name}`, now: f.now });
  return { workspace: ws, user, account };
}

/** Adds an operator to a workspace (console team page and `shequn admin create`). */
export async function addTeamMember(
  trx: Db,
  f: { workspaceId: string; email: string; name: string; password: string; role: Role; passwordCost: number; now: number },
) {
  if (await findUserByEmail(trx, f.email)) throw new HttpError(409, 'email_taken', `a user with email ${f.email} already exists`);
  const user = await createUser(trx, { email: f.email, name: f.name, passwordHash: await hashPassword(f.password, f.passwordCost), locale: 'zh-CN', now: f.now });
  await addWorkspaceMember(trx, f.workspaceId, user.id, f.role, f.now);
  return user;
}
