/** Nearest-rank percentile of unsorted values (copied and sorted; fine for the sizes we keep). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Percentiles { count: number; p50: number; p90: number; p99: number; max: number }

export function summarize(values: readonly number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: round(sorted[sorted.length - 1]!) };
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Samples kept whole for the run (for the summary) and per window (for the timeline). A cap keeps a
 * long run's memory bounded: past it, reservoir sampling keeps a uniform sample.
 */
export class Samples {
  readonly all: number[] = [];
  window: number[] = [];
  #seen = 0;
  constructor(readonly cap = 200_000) {}

  add(value: number): void {
    this.window.push(value);
    this.#seen += 1;
    if (this.all.length < this.cap) this.all.push(value);
    else {
      const j = Math.floor(Math.random() * this.#seen);
      if (j < this.cap) this.all[j] = value;
    }
  }

  get seen(): number {
    return this.#seen;
  }

  takeWindow(): number[] {
    const w = this.window;
    this.window = [];
    return w;
  }
}

/** Counts by kind (errors: 'http-503', 'timeout', 'rate-limited', ...). */
export class Counter {
  readonly #counts = new Map<string, number>();
  add(kind: string, n = 1): void {
    this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + n);
  }
  get total(): number {
    let t = 0;
    for (const v of this.#counts.values()) t += v;
    return t;
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort((a, b) => b[1] - a[1]));
  }
}
