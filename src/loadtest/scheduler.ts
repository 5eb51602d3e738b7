/**
 * One timer for many simulated clients: callbacks go into 50 ms buckets served by a single interval.
 * Thousands of listeners retrying or heartbeating would otherwise each hold a Node timer.
 */
export class Scheduler {
  readonly #buckets = new Map<number, Array<() => void>>();
  readonly #resolutionMs: number;
  readonly #timer: NodeJS.Timeout;
  #cursor: number;

  constructor(resolutionMs = 50) {
    this.#resolutionMs = resolutionMs;
    this.#cursor = Math.floor(Date.now() / resolutionMs);
    this.#timer = setInterval(() => this.#run(), resolutionMs);
  }

  after(delayMs: number, fn: () => void): void {
    const slot = Math.max(this.#cursor + 1, Math.ceil((Date.now() + delayMs) / this.#resolutionMs));
    let bucket = this.#buckets.get(slot);
    if (!bucket) this.#buckets.set(slot, (bucket = []));
    bucket.push(fn);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#buckets.clear();
  }

  #run(): void {
    const until = Math.floor(Date.now() / this.#resolutionMs);
    // Bounded: at most the slots elapsed since the last run (a stalled loop catches up once).
    for (; this.#cursor <= until; this.#cursor++) {
      const bucket = this.#buckets.get(this.#cursor);
      if (!bucket) continue;
      this.#buckets.delete(this.#cursor);
      for (const fn of bucket) fn();
    }
  }
}
