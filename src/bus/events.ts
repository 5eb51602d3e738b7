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
