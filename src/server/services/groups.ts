import type { Db } from '../../store/index.ts';
import { getGroup } from '../../store/repos/groups.ts';
import { notFound, type AuthContext } from '../http.ts';

/** The group, if it belongs to the caller's workspace; otherwise 404 (another workspace's ids are not revealed). */
export async function ownGroup(db: Db, a: AuthContext, id: string) {
  const g = await getGroup(db, id);
  if (!g || g.workspace_id !== a.workspaceId) throw notFound('group');
  return g;
}
