// An in-process Shequn on 127.0.0.1 with a throwaway store, plus a small API client that keeps
// the session cookie and sends the CSRF header like the console does.
import { loadConfig, type Config } from '../../src/server/config.ts';
import { startServer, type RunningServer } from '../../src/server/main.ts';
import type { GroupSettingsPatch } from '../../src/shared/group-settings.ts';
import { migrateOrThrow, openStore, type Db } from '../../src/store/index.ts';
import { makeStore, type TestStore } from './stores.ts';

export interface TestServer extends RunningServer {
  store: TestStore;
  config: Config;
  /** Stops the server and deletes the store. */
  destroy(): Promise<void>;
}

export async function startTestServer(engine: 'sqlite' | 'postgres', opts: { store?: TestStore; now?: () => number } = {}): Promise<TestServer> {
  const store = opts.store ?? (await makeStore(engine));
  const base = loadConfig({ port: 0, host: '127.0.0.1', dataDir: store.dataDir }, { SHEQUN_PASSWORD_COST: '10' });
  const config: Config = { ...base, store: store.config };
  if (store.config.kind === 'postgres') {
    const s = openStore(store.config);
    await migrateOrThrow(s);
    await s.close();
  }
  const server = await startServer(config, opts.now ? { now: opts.now } : {});
  const publicUrl = server.url;
  (server.rt.config as Config).publicUrl = publicUrl;
  return {
    ...server,
    store,
    config: { ...config, publicUrl },
    async destroy() {
      await server.close();
      await store.cleanup();
    },
  };
}

/** Sets fields of a group's own settings, straight in the store (the other fields stay as they are). */
export async function setGroupSettings(db: Db, groupId: string, patch: GroupSettingsPatch): Promise<void> {
  const row = await db.selectFrom('groups').select('settings').where('id', '=', groupId).executeTakeFirstOrThrow();
  const current = JSON.parse(row.settings) as Record<string, Record<string, unknown>>;
  for (const [section, fields] of Object.entries(patch)) current[section] = { ...current[section], ...fields };
  await db.updateTable('groups').set({ settings: JSON.stringify(current) }).where('id', '=', groupId).execute();
}

/** Welcomes go out at once, one per join: for tests about what a welcome says rather than when. */
export const immediateWelcome = (db: Db, groupId: string) => setGroupSettings(db, groupId, { welcome: { batchSeconds: 0, cooldownSeconds: 0 } });

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A console-like client: cookie jar of one session, CSRF header on changes. */
export class ApiClient {
  readonly base: string;
  cookie = '';
  csrf = '';
  constructor(base: string) {
    this.base = base;
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (method !== 'GET' && this.csrf && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, ...(payload === undefined ? {} : { body: payload }) });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('shequn_sid='));
    if (setCookie) this.cookie = setCookie.split(';')[0] ?? '';
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    const session = parsed as { csrfToken?: string } | null;
    if (session && typeof session === 'object' && typeof session.csrfToken === 'string') this.csrf = session.csrfToken;
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.request<T>('POST', path, body);
  put = <T = any>(path: string, body?: unknown) => this.request<T>('PUT', path, body);
  patch = <T = any>(path: string, body?: unknown) => this.request<T>('PATCH', path, body);
  delete = <T = any>(path: string) => this.request<T>('DELETE', path);
}

export const OWNER = { email: 'owner@example.com', password: 'correct horse battery', name: '群主', workspaceName: '读书会' };

/** Creates the owner through the setup endpoint and returns a signed-in client. */
export async function setupOwner(url: string): Promise<ApiClient> {
  const api = new ApiClient(url);
  const r = await api.post('/api/v1/setup', OWNER);
  if (r.status !== 201) throw new Error(`setup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return api;
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A web community member: joins through the invite link and talks over the WebSocket. */
export class Member {
  readonly frames: any[] = [];
  token = '';
  platformUserId = '';
  groupId = '';
  ws: WebSocket | null = null;
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  /** Joins through the invite link; `gate` is what the group's join gate asks (the rules accepted, an answer). */
  async join(inviteUrl: string, nickname: string, gate: { acceptRules?: boolean; answer?: string } = {}): Promise<ApiResponse<any>> {
    const code = new URL(inviteUrl).pathname.split('/').pop() ?? '';
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(`${this.base}/api/v1/webchat/invites/${code}/join`, { method: 'POST', headers, body: JSON.stringify({ nickname, ...gate }) });
    const body = (await res.json()) as any;
    if (res.status === 201) {
      this.token = body.token;
      this.platformUserId = body.member.platformUserId;
      this.groupId = body.groupId;
    }
    return { status: res.status, body, headers: res.headers };
  }

  async connect(): Promise<void> {
    const url = `${this.base.replace(/^http/, 'ws')}/api/v1/webchat/ws?token=${encodeURIComponent(this.token)}&groupId=${this.groupId}`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.addEventListener('message', (e) => this.frames.push(JSON.parse(String(e.data))));
    await waitFor(() => this.frames.some((f) => f.type === 'ready'), 'ready frame');
  }

  say(text: string, clientMessageId: string = crypto.randomUUID(), mentions: unknown[] = [], replyToId?: string): string {
    this.ws?.send(JSON.stringify({ type: 'send', clientMessageId, text, mentions, ...(replyToId ? { replyToId } : {}) }));
    return clientMessageId;
  }

  /** Replies to a message (by its Shequn id), as the chat page's reply action does. */
  reply(messageId: string, text: string): string {
    return this.say(text, crypto.randomUUID(), [], messageId);
  }

  messages(): any[] {
    return this.frames.flatMap((f) => (f.type === 'message' ? [f.message] : f.type === 'ready' ? f.recent : []));
  }

  close(): void {
    this.ws?.close();
    this.direct?.close();
  }

  /** The private chat with the assistant, opened from a group (default: the one joined last). */
  readonly directFrames: any[] = [];
  direct: WebSocket | null = null;

  async connectDirect(groupId: string = this.groupId): Promise<void> {
    const url = `${this.base.replace(/^http/, 'ws')}/api/v1/webchat/direct/ws?token=${encodeURIComponent(this.token)}&groupId=${groupId}`;
    const ready = () => this.directFrames.filter((f) => f.type === 'direct_ready').length;
    const before = ready();
    const ws = new WebSocket(url);
    this.direct = ws;
    ws.addEventListener('message', (e) => this.directFrames.push(JSON.parse(String(e.data))));
    await waitFor(() => ready() > before, 'direct_ready frame');
  }

  sayPrivately(text: string, clientMessageId: string = crypto.randomUUID()): string {
    this.direct?.send(JSON.stringify({ type: 'send', clientMessageId, text }));
    return clientMessageId;
  }

  directMessages(): any[] {
    return this.directFrames.flatMap((f) => (f.type === 'message' ? [f.message] : f.type === 'direct_ready' ? f.recent : []));
  }
}
