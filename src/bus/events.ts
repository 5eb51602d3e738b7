import type { SpaceState } from '../domain/types.js';
import type { SeatMediaState } from '../media/types.js';

/**
 * The typed events of a Space, as they travel on the bus and, for the stage channel, on the
 * WebSocket. Payloads carry ids and small facts; clients re-read what they need.
 */
export type SpaceEvent =
  | { type: 'space.state'; state: SpaceState }
  | { type: 'stage.changed'; reason: 'joined' | 'left' | 'removed' | 'muted' | 'unmuted' | 'promoted' | 'blocked'; participantId: string }
  | { type: 'stage.levels'; levels: Record<string, { level: number; speaking: boolean }> }
  | { type: 'stage.media'; participantId: string; state: SeatMediaState }
  | { type: 'speak-request.created' | 'speak-request.answered' | 'speak-request.withdrawn'; requestId: string; userId: string; state: string }
  | { type: 'question.created' | 'question.updated' | 'question.voted'; questionId: string; state: string; votes: number; highlighted: boolean }
  | { type: 'reactions'; second: number; counts: Record<string, number> }
  | { type: 'listeners'; count: number; peak: number };

export type SpaceEventType = SpaceEvent['type'];

/**
 * High-rate telemetry, superseded by the next value within a second or two: it travels on a lossy
 * channel (no log, nothing to resume). Every other event is a domain event: logged, ordered, resumable.
 */
const TELEMETRY: ReadonlySet<SpaceEventType> = new Set(['stage.levels', 'reactions', 'listeners']);

export const isTelemetry = (event: SpaceEvent): boolean => TELEMETRY.has(event.type);

/** An event as it travels: who published it, when, and where it sits in its Space's log. */
export interface Envelope {
  /** Opaque, increasing within the Space's log; a subscriber resumes after it. null for telemetry. */
  readonly id: string | null;
  readonly spaceId: string;
  /** 1, 2, 3… per Space across every origin; null for telemetry. */
  readonly seq: number | null;
  /** The origin that published it. */
  readonly origin: string;
  /** Milliseconds since the epoch, from the publisher's clock. */
  readonly at: number;
  readonly event: SpaceEvent;
}
