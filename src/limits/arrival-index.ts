/**
 * How many waiting arrivals come before a given one, in O(log n): a Fenwick tree over arrival
 * numbers (monotonic, so the queue's order is theirs). It spans the oldest waiter to the newest
 * arrival; when an arrival falls outside it, it is rebuilt from the waiters, starting at the oldest,
 * so its size follows the queue rather than every arrival since start.
 */
export class ArrivalIndex {
  #base = 1;
  #tree = new Int32Array(1024);

  /**
   * Counts `arrival` in (delta 1, before it joins `waiting`) or out (delta -1); `waiting` lists the
   * other waiters, for a rebuild.
   */
  add(arrival: number, delta: 1 | -1, waiting: () => Iterable<number>): void {
    const outside = arrival < this.#base || arrival - this.#base + 1 >= this.#tree.length;
    // Every waiter is inside: one outside was never counted in.
    if (outside && delta < 0) return;
    if (outside) this.#rebuild(arrival, waiting);
    for (let i = arrival - this.#base + 1; i < this.#tree.length; i += i & -i) this.#tree[i]! += delta;
  }

  /** Waiters with a smaller arrival number. */
  before(arrival: number): number {
    let count = 0;
    for (let i = Math.min(arrival - this.#base, this.#tree.length - 1); i > 0; i -= i & -i) count += this.#tree[i]!;
    return count;
  }

  #rebuild(arrival: number, waiting: () => Iterable<number>): void {
    const live = [...waiting()];
    let low = arrival;
    let high = arrival;
    for (const a of live) { if (a < low) low = a; if (a > high) high = a; }
    let size = 1024;
    while (size <= 2 * (high - low + 1)) size *= 2;
    this.#base = low;
    this.#tree = new Int32Array(size);
    for (const a of live) for (let i = a - low + 1; i < size; i += i & -i) this.#tree[i]! += 1;
  }
}
