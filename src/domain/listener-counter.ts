import { HyperLogLog } from './hyperloglog.js';

/**
 * Distinct listeners of one Space over a sliding window, from heartbeats. The window is made of
 * buckets (a heartbeat period each); the count is the union of the last `windowBuckets` of them, so a
 * listener who beats every 30 s is always in a 60 s window exactly once, however often they beat.
 */
export class ListenerCounter {
  readonly #bucketMs: number;
  readonly #windowBuckets: number;
  readonly #precision: number;
  readonly #buckets = new Map<number, HyperLogLog>();
  /** Everyone heard from since this counter began: the "total listeners" of a Space's summary. */
  readonly #everyone: HyperLogLog;
  #peak = 0;

  constructor(options: { bucketMs?: number; windowBuckets?: number; precision?: number } = {}) {
    this.#bucketMs = options.bucketMs ?? 30_000;
    this.#windowBuckets = options.windowBuckets ?? 2;
    this.#precision = options.precision ?? 14;
    this.#everyone = new HyperLogLog(this.#precision);
  }

  add(listenerId: Uint8Array, now: number): void {
    const index = Math.floor(now / this.#bucketMs);
    let sketch = this.#buckets.get(index);
    if (!sketch) {
      sketch = new HyperLogLog(this.#precision);
      this.#buckets.set(index, sketch);
      for (const old of this.#buckets.keys()) if (old <= index - this.#windowBuckets) this.#buckets.delete(old);
    }
    sketch.addRandomBytes(listenerId);
    this.#everyone.addRandomBytes(listenerId);
  }

  /** Distinct listeners over the counter's whole life (not only the window). */
  get total(): number {
    return Math.max(this.#peak, this.#everyone.count());
  }

  count(now: number): number {
    const index = Math.floor(now / this.#bucketMs);
    let union: HyperLogLog | undefined;
    for (const [i, sketch] of this.#buckets) {
      if (i > index - this.#windowBuckets && i <= index) union = union ? union.merge(sketch) : sketch.clone();
    }
    const count = union?.count() ?? 0;
    if (count > this.#peak) this.#peak = count;
    return count;
  }

  get peak(): number {
    return this.#peak;
  }
}
