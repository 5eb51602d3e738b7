import type { SpaceEvent } from '../bus/events.js';

/** A domain event a write commits with it: the outbox row is written in the write's own transaction. */
export interface OutboxEvent {
  readonly spaceId: string;
  readonly event: SpaceEvent;
}

/** Events that depend on the row as the write left it (a vote's count, a question's new state). */
export type EventsOf<T> = (written: T) => readonly OutboxEvent[];

/** An outbox row waiting for the relay. */
export interface PendingEvent extends OutboxEvent {
  /** Unique forever: the bus drops a second publish of the same id, so a relay that dies between publishing and deleting does no harm. */
  readonly eventId: string;
  /** The origin whose write committed it. */
  readonly origin: string;
  readonly createdAt: number;
}

/**
 * The events that must not be lost, between the commit that caused them and the bus. Writes append to
 * it through their repository methods (an `events` argument); the relay of each origin drains it.
 */
export interface OutboxRepository {
  /**
   * Hands the oldest pending events (at most `limit`, in commit order) to `publish`, one at a time,
   * and deletes each one published. Stops at the first that throws: the ones before it are deleted,
   * it and the rest stay, and the error is rethrown. Resolves 'busy' when another origin's relay holds
   * the outbox: one relay at a time keeps each Space's events in order.
   */
  relay(limit: number, publish: (event: PendingEvent) => Promise<void>): Promise<number | 'busy'>;
  /** Pending rows per origin that wrote them, and the oldest one's time (ms since the epoch). */
  depth(): Promise<Array<{ origin: string; pending: number; oldestAt: number }>>;
  /** `listener` is called after every commit that appended events (in this process). */
  onAppend(listener: () => void): void;
}
