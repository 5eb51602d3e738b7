import { REACTIONS, type Reaction } from './types.js';

export const NO_REACTIONS: Readonly<Record<Reaction, number>> = Object.freeze(Object.fromEntries(REACTIONS.map((r) => [r, 0])) as Record<Reaction, number>);

export type ReactionCounts = Partial<Record<Reaction, number>>;

/**
 * Coalesces reaction taps: a million taps a second become one row per (second, reaction) and one
 * event per second on the bus. Keeps the totals and a short history for the rate shown to listeners.
 */
export class ReactionTally {
  #current: ReactionCounts = {};
  #currentSecond: number | null = null;
  readonly #recent: Array<{ second: number; counts: ReactionCounts }> = [];

  add(reaction: Reaction, second: number, n = 1): void {
    this.#currentSecond ??= second;
    this.#current[reaction] = (this.#current[reaction] ?? 0) + n;
  }

  /** Takes what was counted since the last drain; null when nothing was. */
  drain(second: number): { second: number; counts: ReactionCounts } | null {
    if (this.#currentSecond === null) return null;
    const drained = { second: this.#currentSecond ?? second, counts: this.#current };
    this.#current = {};
    this.#currentSecond = null;
    this.#recent.push(drained);
    while (this.#recent.length > 0 && this.#recent[0]!.second < second - 10) this.#recent.shift();
    return drained;
  }

  /** Counted but not yet drained (and so not yet stored). */
  get pending(): Readonly<ReactionCounts> {
    return this.#current;
  }

  /** Reactions per second over the last `seconds`, for the listener page's bursts. */
  ratePerSecond(now: number, seconds = 10): ReactionCounts {
    const out: ReactionCounts = {};
    for (const { second, counts } of this.#recent) {
      if (second <= now - seconds) continue;
      for (const [k, v] of Object.entries(counts) as [Reaction, number][]) out[k] = (out[k] ?? 0) + v / seconds;
    }
    return out;
  }
}
