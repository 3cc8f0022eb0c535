import { useEffect, useRef, useState } from 'react';
import type { LiveFrame } from '../../../src/shared/webchat-protocol.ts';
import { wsUrl } from '../api.ts';

export type LiveStatus = 'connecting' | 'open' | 'reconnecting';

const BACKOFF_MAX_MS = 15_000;

/**
 * The console's live feed (`/api/v1/live`, session cookie). Reconnects with backoff; `onOpen`
 * runs on every (re)connection so the caller can fetch what it missed while away.
 */
export function useLiveFeed(onFrame: (frame: LiveFrame) => void, onOpen: () => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const handlers = useRef({ onFrame, onOpen });
  useEffect(() => {
    handlers.current = { onFrame, onOpen };
  });

  useEffect(() => {
    let ws: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;
    let stopped = false;

    const connect = () => {
      const socket = new WebSocket(wsUrl('/api/v1/live'));
      ws = socket;
      socket.onopen = () => {
        attempt = 0;
        setStatus('open');
        handlers.current.onOpen();
      };
      socket.onmessage = (ev) => {
        if (typeof ev.data !== 'string') return;
        try {
          handlers.current.onFrame(JSON.parse(ev.data) as LiveFrame);
        } catch {
          // Not JSON: not a frame of ours.
        }
      };
      socket.onclose = () => {
        if (stopped) return;
        setStatus('reconnecting');
        const delay = Math.min(1000 * 2 ** attempt, BACKOFF_MAX_MS);
        attempt++;
        timer = setTimeout(connect, delay);
      };
    };
    connect();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (ws) {
        ws.onclose = null;
        ws.close(1000, 'leaving');
      }
    };
  }, []);

  return status;
}
