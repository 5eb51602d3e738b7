/**
 * HyperLogLog (Flajolet et al. 2007, with the small-range correction of Heule et al. 2013) over
 * 2^precision one-byte registers. A listener window holds up to millions of distinct listeners in
 * 16 KiB at precision 14 (standard error ~0.8%), and two windows merge by a register-wise max.
 * Items are already uniformly random (server-issued listener ids), so their bytes are the hash.
 */
export class HyperLogLog {
  readonly precision: number;
  readonly #registers: Uint8Array;

  constructor(precision = 14) {
    if (!Number.isInteger(precision) || precision < 4 || precision > 18) throw new TypeError('precision must be an integer in [4, 18]');
    this.precision = precision;
    this.#registers = new Uint8Array(1 << precision);
  }

  /** Adds a 64-bit uniformly distributed value given as two 32-bit halves. */
  addHash(high: number, low: number): void {
    const p = this.precision;
    const index = high >>> (32 - p);
    // The remaining 64 - p bits: rank = position of the first 1 bit, counting from 1.
    const rest = ((high << p) >>> 0) | 0;
    let rank: number;
    if (rest !== 0) rank = Math.clz32(rest) + 1;
    else rank = (32 - p) + (low === 0 ? 32 : Math.clz32(low)) + 1;
    if (rank > this.#registers[index]!) this.#registers[index] = rank;
  }

  /** Adds an item of at least 8 random bytes (its first 8 bytes are the hash). */
  addRandomBytes(bytes: Uint8Array): void {
    if (bytes.length < 8) throw new TypeError('need at least 8 random bytes');
    const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
    this.addHash(view.getUint32(0), view.getUint32(4));
  }

  merge(other: HyperLogLog): this {
    if (other.precision !== this.precision) throw new TypeError('cannot merge sketches of different precision');
    const mine = this.#registers;
    const theirs = other.#registers;
    for (let i = 0; i < mine.length; i++) if (theirs[i]! > mine[i]!) mine[i] = theirs[i]!;
    return this;
  }

  clone(): HyperLogLog {
    return new HyperLogLog(this.precision).merge(this);
  }

  /**
   * Ertl's improved raw estimator ("New cardinality estimation algorithms for HyperLogLog sketches",
   * 2017; what Redis has used since 5.0). It works from the histogram of register values and has no
   * bias anywhere in the range, where the classic raw estimate with a switch to linear counting at
   * 2.5 m is off by several percent just above the switch.
   */
  count(): number {
    const m = this.#registers.length;
    const q = 64 - this.precision;
    const histogram = new Float64Array(q + 2);
    for (const r of this.#registers) histogram[r]!++;
    let z = m * tau((m - histogram[q + 1]!) / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
    z += m * sigma(histogram[0]! / m);
    return Math.round((m * m) / (2 * Math.LN2 * z));
  }
}

/** σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k-1), the correction for empty registers (infinite when all are). */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const previous = z;
    z += x * y;
    y += y;
    if (z === previous) return z;
  }
}

/** τ(x) = (1 - x - Σ_{k≥1} (1 - x^(2^-k))² 2^-k) / 3, the correction for saturated registers. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === previous) return z / 3;
  }
}
