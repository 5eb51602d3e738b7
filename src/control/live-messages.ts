import type { SpaceEvent } from '../bus/events.js';

/**
 * What the server sends on the stage channel: a hello, then the Space's events as they happen.
 * Free of Node types, so the browser app imports it as its contract for the WebSocket.
 */
/** What the server sends on the stage channel: a hello, then the Space's events as they happen. */
export type LiveMessage =
  | { type: 'hello'; spaceId: string; roles: string[]; participantId: string | null }
  | SpaceEvent
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };
