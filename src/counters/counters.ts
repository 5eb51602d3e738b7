import type { ReactionCounts } from '../domain/reaction-tally.js';
import type { Reaction } from '../domain/types.js';

/** Heartbeats fall into buckets of a heartbeat period; the count is the union of the last two. */
export const LISTENER_BUCKET_MS = 30_000;
export const LISTENER_WINDOW_BUCKETS = 2;
/** The reaction rate shown to listeners averages this many seconds. */
export const REACTION_RATE_SECONDS = 10;

/**
 * The audience's counters, merged across every origin of a deployment: distinct listeners (a sketch
 * per window, their union) and reactions (additive). In memory for the embedded default; in Redis in
 * cluster mode, where any origin's heartbeat or tap counts once, wherever the next read happens.
 */
export interface AudienceCounters {
  /** Counts a listener (a server-minted id) in the Space's current window. */
  addListener(spaceId: string, listenerId: Uint8Array, now: number): Promise<void>;
  /** Distinct listeners in the window ending now: the union over every origin, not a sum nor a max. */
  listeners(spaceId: string, now: number): Promise<number>;
  /** Adds a reaction; once resolved it is counted for good (a crash of this origin loses nothing). */
  addReaction(spaceId: string, reaction: Reaction, now: number): Promise<void>;
  /** Totals since the counters began (Redis: since it last started) and the rate per second lately. */
  reactions(spaceId: string, now: number): Promise<{ totals: ReactionCounts; perSecond: ReactionCounts }>;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
