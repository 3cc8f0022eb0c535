/**
 * The member's side of a web community chat room: history over HTTP, live frames over a
 * WebSocket that reconnects with backoff, and messages typed while offline kept pending and
 * re-sent with the same clientMessageId (the server de-duplicates them). React reads it through
 * `useSyncExternalStore` (subscribe / getSnapshot).
 */
import type { Message, WebchatMember } from '../../../src/shared/api.ts';
import type { CLOSE_NOT_MEMBER as NotMemberCode, CLOSE_UNAUTHORIZED as UnauthorizedCode, ClientFrame, DirectServerFrame, ServerFrame } from '../../../src/shared/webchat-protocol.ts';
import { ApiRequestError, webchatApi, wsUrl } from '../api.ts';
import { markDeleted, mergeMessages } from '../shared/messages.ts';
import type { Mention } from './mentions.ts';

// The protocol's close codes, checked against the contract at compile time (importing the values
// would bundle zod into the member pages).
const CLOSE_UNAUTHORIZED: typeof UnauthorizedCode = 4401;
const CLOSE_NOT_MEMBER: typeof NotMemberCode = 4403;

const PING_EVERY_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
const BACKOFF_MAX_MS = 15_000;
const PAGE = 50;
/** After a reconnect, how many pages back to look for messages missed while away. */
const CATCH_UP_PAGES = 10;

export type RoomStatus = 'connecting' | 'open' | 'reconnecting' | 'rejected';

/** A group's chat, or the member's private chat with the assistant opened from that group. */
export type RoomKind = 'group' | 'direct';

export interface PendingMessage {
  clientMessageId: string;
  text: string;
  mentions: Mention[];
  /** The message this one quotes (a reply), or null. */
  replyToId: string | null;
  createdAt: number;
  /** Set once the server acknowledged it; the message itself arrives as a `message` frame. */
  messageId: string | null;
}

export interface ChatSnapshot {
  status: RoomStatus;
  /** Why the room refused us: the token is unknown (it was cleared) or not a member here. */
  rejection: 'unauthorized' | 'not_member' | null;
  me: WebchatMember | null;
  /** The group; for a private chat, the group it was opened from. */
  group: { id: string; name: string; rules: string } | null;
  /** The group's members; in a private chat, the assistant. */
  members: WebchatMember[];
  /** Messages the assistant sent privately while this group chat was open. */
  directUnread: number;
  messages: Message[];
  pending: PendingMessage[];
  historyLoaded: boolean;
  hasEarlier: boolean;
  loadingEarlier: boolean;
  /** The last error worth telling the member (a failed history load, a server error frame). */
  error: string | null;
}

/** crypto.randomUUID needs a secure context; members may open plain-http LAN links. */
function newClientMessageId(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class ChatRoom {
  readonly groupId: string;
  readonly kind: RoomKind;
  readonly #token: string;
  readonly #onTokenRejected: () => void;
  #snap: ChatSnapshot;
  readonly #listeners = new Set<() => void>();
  #ws: WebSocket | null = null;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #pongTimer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  /** Cursor for "load earlier": the page before the oldest message we fetched. */
  #before: string | null = null;

  constructor(groupId: string, token: string, onTokenRejected: () => void, kind: RoomKind = 'group') {
    this.groupId = groupId;
    this.kind = kind;
    this.#token = token;
    this.#onTokenRejected = onTokenRejected;
    this.#snap = {
      status: 'connecting',
      rejection: null,
      me: null,
      group: null,
      members: [],
      directUnread: 0,
      messages: [],
      pending: [],
      historyLoaded: false,
      hasEarlier: false,
      loadingEarlier: false,
      error: null,
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): ChatSnapshot => this.#snap;

  start(): void {
    this.#stopped = false;
    window.addEventListener('online', this.#onOnline);
    void this.#loadLatest();
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    window.removeEventListener('online', this.#onOnline);
    this.#clearTimers();
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      ws.close(1000, 'leaving');
    }
  }

  /** Queues a message and sends it now if connected; otherwise it goes out after reconnecting. */
  send(text: string, mentions: Mention[], replyToId: string | null = null): void {
    const p: PendingMessage = { clientMessageId: newClientMessageId(), text, mentions, replyToId, createdAt: Date.now(), messageId: null };
    this.#update({ pending: [...this.#snap.pending, p] });
    if (this.#snap.status === 'open') this.#sendPending(p);
  }

  async loadEarlier(): Promise<void> {
    if (this.#snap.loadingEarlier || this.#before === null) return;
    this.#update({ loadingEarlier: true });
    try {
      const page = await this.#history(this.#before, PAGE);
      this.#before = page.nextBefore;
      this.#update({ messages: mergeMessages(this.#snap.messages, page.items), hasEarlier: page.nextBefore !== null, loadingEarlier: false });
    } catch (e) {
      this.#update({ loadingEarlier: false, error: e instanceof Error ? e.message : String(e) });
    }
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  #update(patch: Partial<ChatSnapshot>): void {
    this.#snap = { ...this.#snap, ...patch };
    for (const l of this.#listeners) l();
  }

  #history(before: string | undefined, limit: number) {
    return this.kind === 'group' ? webchatApi.messages(this.groupId, this.#token, before, limit) : webchatApi.directMessages(this.groupId, this.#token, before, limit);
  }

  #onOnline = () => {
    if (this.#snap.status !== 'reconnecting') return;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#attempt = 0;
    this.#connect();
  };

  async #loadLatest(): Promise<void> {
    try {
      const page = await this.#history(undefined, PAGE);
      if (this.#stopped) return;
      const first = !this.#snap.historyLoaded;
      if (first) this.#before = page.nextBefore;
      this.#applyIncoming(page.items, first ? { historyLoaded: true, hasEarlier: page.nextBefore !== null } : {});
    } catch (e) {
      if (this.#stopped) return;
      // A refused token is reported by the WebSocket's close code (unknown token vs. not a member).
      if (!(e instanceof ApiRequestError && e.status === 403)) this.#update({ error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** After a reconnect: fetch the latest pages until they meet what we already have. */
  async #catchUp(): Promise<void> {
    if (!this.#snap.historyLoaded) return this.#loadLatest();
    const known = new Set(this.#snap.messages.map((m) => m.id));
    let before: string | undefined;
    try {
      for (let i = 0; i < CATCH_UP_PAGES; i++) {
        const page = await this.#history(before, PAGE);
        if (this.#stopped) return;
        this.#applyIncoming(page.items);
        if (page.nextBefore === null || page.items.some((m) => known.has(m.id)) || known.size === 0) return;
        before = page.nextBefore;
      }
    } catch (e) {
      if (!this.#stopped) this.#update({ error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Merges messages by id and retires pending messages the server has now stored. */
  #applyIncoming(items: Message[], extra: Partial<ChatSnapshot> = {}): void {
    const messages = mergeMessages(this.#snap.messages, items);
    const ids = new Set(messages.map((m) => m.id));
    const pending = this.#snap.pending.filter((p) => p.messageId === null || !ids.has(p.messageId));
    this.#update({ messages, pending, ...extra });
  }

  #connect(): void {
    if (this.#stopped) return;
    const path = this.kind === 'group' ? '/api/v1/webchat/ws' : '/api/v1/webchat/direct/ws';
    const url = wsUrl(`${path}?token=${encodeURIComponent(this.#token)}&groupId=${encodeURIComponent(this.groupId)}`);
    const ws = new WebSocket(url);
    this.#ws = ws;
    if (this.#snap.status !== 'reconnecting') this.#update({ status: 'connecting' });
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let frame: ServerFrame | DirectServerFrame;
      try {
        frame = JSON.parse(ev.data) as ServerFrame | DirectServerFrame;
      } catch {
        return;
      }
      this.#onFrame(frame);
    };
    ws.onclose = (ev) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#clearTimers();
      if (this.#stopped) return;
      if (ev.code === CLOSE_UNAUTHORIZED) this.#reject('unauthorized');
      else if (ev.code === CLOSE_NOT_MEMBER) this.#reject('not_member');
      else this.#scheduleReconnect();
    };
  }

  #onFrame(frame: ServerFrame | DirectServerFrame): void {
    switch (frame.type) {
      case 'ready':
        this.#ready(frame.me, frame.group, frame.members, frame.recent);
        return;
      case 'direct_ready':
        this.#ready(frame.me, frame.origin, [frame.assistant], frame.recent);
        return;
      case 'direct_message':
        this.#update({ directUnread: this.#snap.directUnread + 1 });
        return;
      case 'message':
        if (frame.message.groupId === null || frame.message.groupId === this.groupId) this.#applyIncoming([frame.message]);
        return;
      case 'ack': {
        const stored = this.#snap.messages.some((m) => m.id === frame.messageId);
        const pending = stored
          ? this.#snap.pending.filter((p) => p.clientMessageId !== frame.clientMessageId)
          : this.#snap.pending.map((p) => (p.clientMessageId === frame.clientMessageId ? { ...p, messageId: frame.messageId } : p));
        this.#update({ pending });
        return;
      }
      case 'message_deleted': {
        // Members no longer get the text of a deleted message; drop our copy of it too.
        const messages = markDeleted(this.#snap.messages, frame.messageId, () => ({ text: '', mentions: [] }));
        if (messages) this.#update({ messages });
        return;
      }
      case 'member_joined': {
        const others = this.#snap.members.filter((m) => m.platformUserId !== frame.member.platformUserId);
        this.#update({ members: [...others, frame.member] });
        return;
      }
      case 'member_left':
        this.#update({ members: this.#snap.members.filter((m) => m.platformUserId !== frame.platformUserId) });
        return;
      case 'pong':
        if (this.#pongTimer) clearTimeout(this.#pongTimer);
        this.#pongTimer = null;
        return;
      case 'error':
        this.#update({ error: frame.message });
        return;
    }
  }

  #ready(me: WebchatMember, group: ChatSnapshot['group'], members: WebchatMember[], recent: Message[]): void {
    this.#attempt = 0;
    this.#update({ status: 'open', me, group, members, error: null });
    this.#startPing();
    // Whatever was typed while offline goes out now, under the same ids.
    for (const p of this.#snap.pending) {
      if (p.messageId === null) this.#sendPending(p);
    }
    // Messages stored while we were away (or while the first page loaded) fill in by id. The
    // catch-up looks at what we knew before this frame; `recent` fills in at once meanwhile.
    void this.#catchUp();
    this.#applyIncoming(recent);
  }

  #sendPending(p: PendingMessage): void {
    this.#sendFrame({ type: 'send', clientMessageId: p.clientMessageId, text: p.text, mentions: p.mentions, ...(p.replyToId === null ? {} : { replyToId: p.replyToId }) });
  }

  #sendFrame(frame: ClientFrame): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(frame));
  }

  #startPing(): void {
    this.#clearTimers();
    this.#pingTimer = setInterval(() => {
      this.#sendFrame({ type: 'ping' });
      if (this.#pongTimer) return;
      // No pong in time: the network is gone without a close; drop the socket and reconnect.
      this.#pongTimer = setTimeout(() => {
        this.#pongTimer = null;
        const ws = this.#ws;
        if (!ws) return;
        this.#ws = null;
        ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
        ws.close();
        this.#clearTimers();
        this.#scheduleReconnect();
      }, PONG_TIMEOUT_MS);
    }, PING_EVERY_MS);
  }

  #clearTimers(): void {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    if (this.#pongTimer) clearTimeout(this.#pongTimer);
    this.#pingTimer = null;
    this.#pongTimer = null;
  }

  #scheduleReconnect(): void {
    const delay = Math.min(1000 * 2 ** this.#attempt, BACKOFF_MAX_MS);
    this.#attempt++;
    this.#update({ status: 'reconnecting' });
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connect();
    }, delay);
  }

  #reject(reason: 'unauthorized' | 'not_member'): void {
    this.stop();
    // An unknown token is useless everywhere; a valid one stays, so joining again keeps this member.
    if (reason === 'unauthorized') this.#onTokenRejected();
    this.#update({ status: 'rejected', rejection: reason });
  }
}
