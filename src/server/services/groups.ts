import type { Db } from '../../store/index.ts';
import { getGroup } from '../../store/repos/groups.ts';
import { getPolicy } from '../../store/repos/policies.ts';
import { notFound, type AuthContext } from '../http.ts';

/** The group, if it belongs to the caller's workspace; otherwise 404 (another workspace's ids are not revealed). */
export async function ownGroup(db: Db, a: AuthContext, id: string) {
  const g = await getGroup(db, id);
  if (!g || g.workspace_id !== a.workspaceId) throw notFound('group');
  return g;
}

/** The template, if it belongs to the caller's workspace; otherwise 404. */
export async function ownPolicy(db: Db, a: AuthContext, id: string) {
  const p = await getPolicy(db, id);
  if (!p || p.workspace_id !== a.workspaceId) throw notFound('policy');
  return p;
}

/**
 * Where a rule, word list or admin entry goes: a group of the workspace, a template of the
 * workspace, or (both null) the whole workspace. The contract refuses both at once.
 */
export async function ownScope(db: Db, a: AuthContext, scope: { groupId: string | null; policyId: string | null }) {
  return {
    group: scope.groupId === null ? null : await ownGroup(db, a, scope.groupId),
    policy: scope.policyId === null ? null : await ownPolicy(db, a, scope.policyId),
  };
}
