import { ListenerCounter } from '../domain/listener-counter.js';
import type { ReactionCounts } from '../domain/reaction-tally.js';
import type { Reaction } from '../domain/types.js';
import { LISTENER_BUCKET_MS, LISTENER_WINDOW_BUCKETS, REACTION_RATE_SECONDS, type AudienceCounters } from './counters.js';

interface SpaceCounts {
  readonly listeners: ListenerCounter;
  readonly totals: ReactionCounts;
  /** second -> counts, the last REACTION_RATE_SECONDS of them. */
  readonly recent: Map<number, ReactionCounts>;
  lastUsed: number;
}

const IDLE_MS = 600_000;

/** The embedded default: one process holds every count. A Space idle for ten minutes is forgotten. */
export class MemoryCounters implements AudienceCounters {
  readonly #spaces = new Map<string, SpaceCounts>();

  async addListener(spaceId: string, listenerId: Uint8Array, now: number): Promise<void> {
    this.#space(spaceId, now).listeners.add(listenerId, now);
  }

  async listeners(spaceId: string, now: number): Promise<number> {
    return this.#spaces.get(spaceId)?.listeners.count(now) ?? 0;
  }

  async addReaction(spaceId: string, reaction: Reaction, now: number): Promise<void> {
    const space = this.#space(spaceId, now);
    const second = Math.floor(now / 1000);
    space.totals[reaction] = (space.totals[reaction] ?? 0) + 1;
    let counts = space.recent.get(second);
    if (!counts) {
      space.recent.set(second, (counts = {}));
      for (const s of space.recent.keys()) if (s <= second - REACTION_RATE_SECONDS) space.recent.delete(s);
    }
    counts[reaction] = (counts[reaction] ?? 0) + 1;
  }

  async reactions(spaceId: string, now: number): Promise<{ totals: ReactionCounts; perSecond: ReactionCounts }> {
    const space = this.#spaces.get(spaceId);
    const second = Math.floor(now / 1000);
    const perSecond: ReactionCounts = {};
    for (const [s, counts] of space?.recent ?? []) {
      if (s <= second - REACTION_RATE_SECONDS || s > second) continue;
      for (const [k, v] of Object.entries(counts) as [Reaction, number][]) perSecond[k] = (perSecond[k] ?? 0) + v / REACTION_RATE_SECONDS;
    }
    return { totals: { ...space?.totals }, perSecond };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#spaces.clear();
  }

  #space(spaceId: string, now: number): SpaceCounts {
    let space = this.#spaces.get(spaceId);
    if (!space) {
      for (const [id, old] of this.#spaces) if (now - old.lastUsed > IDLE_MS) this.#spaces.delete(id);
      space = { listeners: new ListenerCounter({ bucketMs: LISTENER_BUCKET_MS, windowBuckets: LISTENER_WINDOW_BUCKETS }), totals: {}, recent: new Map(), lastUsed: now };
      this.#spaces.set(spaceId, space);
    }
    space.lastUsed = now;
    return space;
  }
}
