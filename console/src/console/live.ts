import { useEffect, useRef, useState } from 'react';
import type { LiveFrame } from '../../../src/shared/webchat-protocol.ts';
import { wsUrl } from '../api.ts';

export type LiveStatus = 'connecting' | 'open' | 'reconnecting';

const BACKOFF_MAX_MS = 15_000;

interface Subscriber {
  onFrame(frame: LiveFrame): void;
  onOpen(): void;
  onStatus(status: LiveStatus): void;
}

/**
 * One WebSocket to `/api/v1/live` (session cookie) shared by every part of the page that follows
 * it (the navigation's review-queue badge, a group's log, the queue itself): opened for the first
 * subscriber, closed after the last, reconnected with backoff in between.
 */
class LiveHub {
  readonly #subscribers = new Set<Subscriber>();
  #ws: WebSocket | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #attempt = 0;
  #status: LiveStatus = 'connecting';

  subscribe(s: Subscriber): () => void {
    this.#subscribers.add(s);
    s.onStatus(this.#status);
    if (this.#subscribers.size === 1) this.#connect();
    else if (this.#status === 'open') s.onOpen();
    return () => {
      this.#subscribers.delete(s);
      if (this.#subscribers.size === 0) this.#close();
    };
  }

  #setStatus(status: LiveStatus): void {
    this.#status = status;
    for (const s of this.#subscribers) s.onStatus(status);
  }

  #connect(): void {
    const socket = new WebSocket(wsUrl('/api/v1/live'));
    this.#ws = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.#setStatus('open');
      for (const s of this.#subscribers) s.onOpen();
    };
    socket.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let frame: LiveFrame;
      try {
        frame = JSON.parse(ev.data) as LiveFrame;
      } catch {
        return; // Not JSON: not a frame of ours.
      }
      for (const s of this.#subscribers) s.onFrame(frame);
    };
    socket.onclose = () => {
      this.#ws = null;
      this.#setStatus('reconnecting');
      const delay = Math.min(1000 * 2 ** this.#attempt, BACKOFF_MAX_MS);
      this.#attempt++;
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#connect();
      }, delay);
    };
  }

  #close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#attempt = 0;
    this.#status = 'connecting';
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close(1000, 'leaving');
    }
  }
}

const hub = new LiveHub();

/**
 * The console's live feed. `onOpen` runs when the feed is (re)connected — at once when it already
 * is — so the caller can fetch what it missed while away.
 */
export function useLiveFeed(onFrame: (frame: LiveFrame) => void, onOpen: () => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const handlers = useRef({ onFrame, onOpen });
  useEffect(() => {
    handlers.current = { onFrame, onOpen };
  });

  useEffect(
    () =>
      hub.subscribe({
        onFrame: (f) => handlers.current.onFrame(f),
        onOpen: () => handlers.current.onOpen(),
        onStatus: setStatus,
      }),
    [],
  );

  return status;
}

/**
 * The live feed of a view that loads what it shows itself: `onReconnect` runs when the feed comes
 * back after a drop, to fetch what was missed meanwhile; not on the first open, which the view's
 * own load covers.
 */
export function useLiveUpdates(onFrame: (frame: LiveFrame) => void, onReconnect: () => void): LiveStatus {
  const opened = useRef(false);
  return useLiveFeed(onFrame, () => {
    if (opened.current) onReconnect();
    opened.current = true;
  });
}
