/**
 * One limiter interface for every per-client limit: an in-memory implementation for one origin and a
 * Redis one for a cluster (one limit across every origin). Both are `rate-limiter-flexible` underneath.
 */
export type LimitDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface Limiter {
  /** Takes `cost` points from `key`'s allowance if it has them. */
  take(key: string, cost?: number): Promise<LimitDecision>;
}

/** A limit: `points` per `seconds`, i.e. a burst of `points`, refilled over `seconds`. */
export interface LimitSpec {
  readonly points: number;
  readonly seconds: number;
}

export const perMinute = (n: number): LimitSpec => ({ points: n, seconds: 60 });
/** `rate` a second on average, with bursts of `burstSeconds` worth. */
export const perSecond = (rate: number, burstSeconds = 2): LimitSpec => ({ points: rate * burstSeconds, seconds: burstSeconds });
