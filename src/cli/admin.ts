import { z } from 'zod';
import { ROLES, SetupBody, TeamMemberCreate } from '../shared/api.ts';
import type { Config } from '../server/config.ts';
import { HttpError } from '../server/http.ts';
import { addTeamMember, createOwner } from '../server/services/setup.ts';
import { migrateOrThrow, openStore } from '../store/index.ts';
import { countUsers, findUserWorkspace } from '../store/repos/accounts.ts';
import { writeAudit } from '../store/repos/audit.ts';
import { CliError } from './errors.ts';

/** `shequn admin create`: the owner on a fresh install, otherwise a team member of the workspace. */
export async function adminCreate(config: Config, o: { email: string; name: string; password: string; role: string; workspaceName: string }): Promise<string> {
  const store = openStore(config.store);
  try {
    if (config.store.kind === 'sqlite') await migrateOrThrow(store);
    const now = Date.now();
    const fresh = (await countUsers(store.db)) === 0;
    if (fresh) {
      const body = SetupBody.safeParse({ email: o.email, password: o.password, name: o.name, workspaceName: o.workspaceName });
      if (!body.success) throw new CliError(z.prettifyError(body.error));
      await store.transaction((trx) => createOwner(trx, { ...body.data, passwordCost: config.passwordCost, now }));
      return `created the owner ${body.data.email} and workspace "${body.data.workspaceName}"`;
    }
    if (!(ROLES as readonly string[]).includes(o.role) || o.role === 'owner') throw new CliError(`--role must be one of admin, operator, moderator, viewer (an owner exists already)`);
    const body = TeamMemberCreate.safeParse({ email: o.email, name: o.name, password: o.password, role: o.role });
    if (!body.success) throw new CliError(z.prettifyError(body.error));
    const owner = await store.db.selectFrom('workspace_members').select(['workspace_id', 'user_id']).where('role', '=', 'owner').orderBy('created_at').executeTakeFirst();
    const ws = owner && (await findUserWorkspace(store.db, owner.user_id));
    if (!ws) throw new CliError('no workspace found');
    try {
      await store.transaction(async (trx) => {
        const user = await addTeamMember(trx, { workspaceId: ws.workspace_id, ...body.data, passwordCost: config.passwordCost, now });
        await writeAudit(trx, { workspaceId: ws.workspace_id, userId: null, actorName: 'shequn CLI', action: 'team.add', targetType: 'user', targetId: user.id, summary: `added ${user.email} as ${body.data.role}`, now });
      });
    } catch (e) {
      if (e instanceof HttpError) throw new CliError(e.message);
      throw e;
    }
    return `added ${body.data.email} as ${body.data.role}`;
  } finally {
    await store.close();
  }
}
