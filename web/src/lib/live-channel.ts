import type { LiveEvent } from './types.js';

/** The stage WebSocket (src/control/live-channel.ts): events of one Space, for those who act on its stage. */
export type { LiveEvent };

const RETRY_MS = [500, 1000, 2000, 5000];
const PING_MS = 20_000;

/**
 * Connects and reconnects with backoff until closed. Same origin: the session cookie authenticates;
 * a guest speaker passes their stage token as ?token= (browsers cannot set WebSocket headers).
 */
export function openLiveChannel(spaceId: string, onEvent: (e: LiveEvent) => void, token?: string): () => void {
  let ws: WebSocket | null = null;
  let attempt = 0;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ping: ReturnType<typeof setInterval> | undefined;

  function connect() {
    const url = new URL(`/api/v1/spaces/${encodeURIComponent(spaceId)}/live`, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (token) url.searchParams.set('token', token);
    ws = new WebSocket(url);
    ws.onopen = () => { attempt = 0; };
    ws.onmessage = (m) => {
      try { onEvent(JSON.parse(String(m.data)) as LiveEvent); } catch { /* ignore a malformed frame */ }
    };
    ws.onclose = () => {
      clearInterval(ping);
      if (closed) return;
      timer = setTimeout(connect, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
    };
    ping = setInterval(() => { if (ws?.readyState === WebSocket.OPEN) ws.send('{"type":"ping"}'); }, PING_MS);
  }
  connect();
  return () => {
    closed = true;
    clearTimeout(timer);
    clearInterval(ping);
    ws?.close();
  };
}
