import type { SpaceEvent } from './events.js';

export type SpaceEventHandler = (event: SpaceEvent) => void;

/**
 * Publish/subscribe of Space events between the parts of one origin, or across origins (Redis).
 * Kept narrow on purpose: fire-and-forget delivery to current subscribers, no history.
 */
export interface Bus {
  publish(spaceId: string, event: SpaceEvent): void;
  /** Returns the function that unsubscribes. */
  subscribe(spaceId: string, handler: SpaceEventHandler): () => void;
  close(): Promise<void>;
}
