import type { InboundEvent } from '../../core/events.ts';
import type { Db } from '../index.ts';

/** Records the event; false when the same platform delivery was already recorded (a replay). */
export async function insertEventIfNew(db: Db, workspaceId: string, event: InboundEvent, now: number): Promise<boolean> {
  const r = await db
    .insertInto('inbound_events')
    .values({ id: event.id, workspace_id: workspaceId, channel_account_id: event.channelAccountId, kind: event.kind, payload: JSON.stringify(event), received_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}
