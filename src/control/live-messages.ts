import type { SpaceEvent } from '../bus/events.js';

/**
 * What the server sends on the stage channel: a hello, then the Space's events as they happen, each
 * with its place in the Space's log (`id`: pass it back as ?after= after a reconnect, to any origin, to
 * receive what was missed; `resync` says the log no longer reaches back that far: re-read the state).
 * Free of Node types, so the browser app imports it as its contract for the WebSocket.
 */
export type LiveMessage =
  | { type: 'hello'; spaceId: string; roles: string[]; participantId: string | null }
  | (SpaceEvent & { id: string | null; seq: number | null; at: number })
  | { type: 'resync' }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };
