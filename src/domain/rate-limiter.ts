/**
 * Token buckets keyed by client (IP, account, listener), bounded in memory: the least recently seen
 * keys are forgotten first, which only ever errs towards letting a forgotten client through.
 */
export interface RateLimit {
  /** Tokens the bucket holds when full: the burst allowed. */
  readonly burst: number;
  /** Tokens added per second. */
  readonly perSecond: number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket { tokens: number; updatedAt: number }

export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit, options: { maxKeys?: number; now?: () => number } = {}) {
    if (!(limit.burst >= 1) || !(limit.perSecond > 0)) throw new TypeError('burst must be >= 1 and perSecond > 0');
    this.#limit = limit;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Takes `cost` tokens from `key`'s bucket if it has them. */
  take(key: string, cost = 1): RateDecision {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key); // re-insert below: Map order is our LRU order
      const refill = ((now - bucket.updatedAt) / 1000) * this.#limit.perSecond;
      bucket.tokens = Math.min(this.#limit.burst, bucket.tokens + refill);
      bucket.updatedAt = now;
    } else {
      bucket = { tokens: this.#limit.burst, updatedAt: now };
      if (this.#buckets.size >= this.#maxKeys) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
    }
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / this.#limit.perSecond)) };
  }

  get size(): number {
    return this.#buckets.size;
  }
}

/** `n` per minute with a burst of `n`: the shape of most audience limits. */
export function perMinute(n: number): RateLimit {
  return { burst: n, perSecond: n / 60 };
}
