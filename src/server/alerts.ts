/**
 * Alerts to a webhook: every new case is POSTed to the workspace's webhook URL, if one is set.
 * The delivery row is written in the same transaction as the case (`queueAlert`), so an alert is
 * never lost to a crash; this sender then delivers due rows with retries and back-off, signing
 * each body with the workspace's secret:
 *
 *   X-Shequn-Event: case.created
 *   X-Shequn-Timestamp: <epoch ms>
 *   X-Shequn-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">
 *
 * A receiver recomputes the HMAC and compares in constant time (and may refuse old timestamps).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Db, Store } from '../store/index.ts';
import { newId } from '../store/ids.ts';
import { getCase } from '../store/repos/cases.ts';
import { caseDto } from './dto.ts';

export interface WorkspaceSettings {
  alerts?: { webhookUrl: string; secret: string };
}

export function parseWorkspaceSettings(json: string): WorkspaceSettings {
  try {
    const v = JSON.parse(json) as WorkspaceSettings;
    return typeof v === 'object' && v !== null ? v : {};
  } catch {
    return {};
  }
}

export const newWebhookSecret = () => randomBytes(24).toString('base64url');

export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Queues the alert for a case when the workspace has a webhook (call inside the case's transaction). */
export async function queueAlert(db: Db, workspaceId: string, caseId: string, now: number): Promise<void> {
  const ws = await db.selectFrom('workspaces').select('settings').where('id', '=', workspaceId).executeTakeFirst();
  const url = ws && parseWorkspaceSettings(ws.settings).alerts?.webhookUrl;
  if (!url) return;
  await db
    .insertInto('alert_deliveries')
    .values({ id: newId(), workspace_id: workspaceId, case_id: caseId, url, payload: '', status: 'pending', attempts: 0, next_attempt_at: now, last_error: null, created_at: now, updated_at: now })
    .execute();
}

export interface AlertSenderOptions {
  store: Store;
  now?: () => number;
  /** First retry after this long, doubling each time (capped at an hour). */
  retryBaseMs?: number;
  /** Attempts before a delivery is given up ('failed'). */
  maxAttempts?: number;
  /** How often due rows are looked for when nothing wakes the sender. */
  pollMs?: number;
  timeoutMs?: number;
}

const BATCH = 20;

export class AlertSender {
  readonly #store: Store;
  readonly #now: () => number;
  readonly #retryBaseMs: number;
  readonly #maxAttempts: number;
  readonly #pollMs: number;
  readonly #timeoutMs: number;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(o: AlertSenderOptions) {
    this.#store = o.store;
    this.#now = o.now ?? Date.now;
    this.#retryBaseMs = o.retryBaseMs ?? 5_000;
    this.#maxAttempts = o.maxAttempts ?? 10;
    this.#pollMs = o.pollMs ?? 5_000;
    this.#timeoutMs = o.timeoutMs ?? 10_000;
  }

  start(): void {
    this.#timer = setInterval(() => this.wake(), this.#pollMs);
    this.#timer.unref();
    this.wake();
  }

  /** Deliver what is due now (a new case was committed). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#tick().finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  /** Resolves when no delivery is in progress (tests). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.idle();
  }

  async #tick(): Promise<void> {
    try {
      const due = await this.#store.db
        .selectFrom('alert_deliveries')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', this.#now())
        .orderBy('next_attempt_at')
        .limit(BATCH)
        .execute();
      for (const row of due) {
        if (this.#stopped) return;
        await this.#deliver(row);
      }
      if (due.length === BATCH) this.#again = true;
    } catch (e) {
      console.error('alert delivery failed', e);
    }
  }

  async #deliver(row: { id: string; workspace_id: string; case_id: string; url: string; payload: string; attempts: number }): Promise<void> {
    const db = this.#store.db;
    let body = row.payload;
    if (!body) {
      const c = await getCase(db, row.workspace_id, row.case_id);
      if (!c) {
        await db.updateTable('alert_deliveries').set({ status: 'failed', last_error: 'case not found', updated_at: this.#now() }).where('id', '=', row.id).execute();
        return;
      }
      // Fixed on the first attempt, so every retry sends the same body (the case as it was).
      body = JSON.stringify({ event: 'case.created', deliveryId: row.id, case: caseDto(c) });
      await db.updateTable('alert_deliveries').set({ payload: body }).where('id', '=', row.id).execute();
    }
    const ws = await db.selectFrom('workspaces').select('settings').where('id', '=', row.workspace_id).executeTakeFirst();
    const secret = (ws && parseWorkspaceSettings(ws.settings).alerts?.secret) ?? '';
    const timestamp = this.#now();
    let error: string | null = null;
    try {
      const res = await fetch(row.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Shequn-Alerts/1', 'x-shequn-event': 'case.created', 'x-shequn-timestamp': String(timestamp), 'x-shequn-signature': sign(secret, timestamp, body) },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      await res.body?.cancel();
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const attempts = row.attempts + 1;
    const now = this.#now();
    if (error === null) {
      await db.updateTable('alert_deliveries').set({ status: 'sent', attempts, last_error: null, updated_at: now }).where('id', '=', row.id).execute();
      return;
    }
    const failed = attempts >= this.#maxAttempts;
    await db
      .updateTable('alert_deliveries')
      .set({ status: failed ? 'failed' : 'pending', attempts, last_error: error, next_attempt_at: now + Math.min(this.#retryBaseMs * 2 ** (attempts - 1), 3_600_000), updated_at: now })
      .where('id', '=', row.id)
      .execute();
  }
}
