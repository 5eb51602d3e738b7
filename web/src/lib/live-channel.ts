import type { LiveEvent } from './types.js';

/** The stage WebSocket (src/control/live-channel.ts): events of one Space, for those who act on its stage. */
export type { LiveEvent };

const RETRY_MS = [500, 1000, 2000, 5000];
const PING_MS = 20_000;

export interface LiveChannelHooks {
  /** The socket closed (its origin may be gone); the channel reconnects by itself. */
  onClose?: () => void;
}

/**
 * Connects and reconnects with backoff until closed. Same origin: the session cookie authenticates;
 * a guest speaker passes their stage token as ?token= (browsers cannot set WebSocket headers).
 * A reconnect (to any origin) passes `?after=<id of the last event>`: the server replays what was
 * missed, or sends `{"type":"resync"}` when its log no longer reaches back that far; `onEvent` sees
 * that message like any other, and the page re-reads the state.
 */
export function openLiveChannel(spaceId: string, onEvent: (e: LiveEvent) => void, token?: string, hooks: LiveChannelHooks = {}): () => void {
  let ws: WebSocket | null = null;
  let attempt = 0;
  let closed = false;
  let lastId: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ping: ReturnType<typeof setInterval> | undefined;

  function connect() {
    const url = new URL(`/api/v1/spaces/${encodeURIComponent(spaceId)}/live`, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (token) url.searchParams.set('token', token);
    if (lastId) url.searchParams.set('after', lastId);
    ws = new WebSocket(url);
    ws.onopen = () => { attempt = 0; };
    ws.onmessage = (m) => {
      let event: LiveEvent;
      try { event = JSON.parse(String(m.data)) as LiveEvent; } catch { return; /* ignore a malformed frame */ }
      if ('id' in event && typeof event.id === 'string') lastId = event.id;
      onEvent(event);
    };
    ws.onclose = () => {
      clearInterval(ping);
      if (closed) return;
      hooks.onClose?.();
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
