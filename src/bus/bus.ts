import type { Envelope, SpaceEvent } from './events.js';

export type EnvelopeHandler = (envelope: Envelope) => void;

export interface PublishOptions {
  /** Unique forever: a second publish under it is dropped (kept at least an hour in Redis, the last 4,096 in memory). */
  readonly eventId?: string;
}

export interface SubscribeOptions {
  /**
   * Resume: deliver the retained domain events published after this id, then live ones. Without it,
   * only events published from now on.
   */
  readonly after?: string;
  /** Called (before any replay) when `after` is no longer retained: events were missed, re-read the state. */
  readonly onGap?: () => void;
}

/**
 * The events of each Space, between the parts of one origin (memory) or across origins (Redis). Domain
 * events go into a bounded, ordered log per Space that a subscriber can resume from after a reconnect;
 * telemetry (isTelemetry) is fire-and-forget. Delivery to subscribers is at most once per subscription,
 * in log order for domain events.
 */
export interface Bus {
  /** The origin this bus publishes as. */
  readonly origin: string;
  /**
   * Resolves with the envelope once the bus holds the event (domain events: in the log), so a
   * subscriber anywhere will see it. Rejects when the bus cannot take it (its server is unreachable).
   * With `eventId` (the outbox's), a domain event published a second time under the same id (a relay
   * that died before it could delete the row) is not logged again: the first envelope is returned.
   */
  publish(spaceId: string, event: SpaceEvent, options?: PublishOptions): Promise<Envelope>;
  /** Returns the function that unsubscribes. */
  subscribe(spaceId: string, handler: EnvelopeHandler, options?: SubscribeOptions): () => void;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
