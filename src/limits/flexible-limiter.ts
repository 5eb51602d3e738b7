import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimitDecision, Limiter, LimitSpec } from './limiter.js';

class FlexibleLimiter implements Limiter {
  readonly #inner: RateLimiterAbstract;

  constructor(inner: RateLimiterAbstract) {
    this.#inner = inner;
  }

  async take(key: string, cost = 1): Promise<LimitDecision> {
    try {
      await this.#inner.consume(key, cost);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      throw rejection;
    }
  }
}

/** One origin's limits, in its memory. */
export function memoryLimiter(name: string, spec: LimitSpec): Limiter {
  return new FlexibleLimiter(new RateLimiterMemory({ keyPrefix: name, points: spec.points, duration: spec.seconds }));
}

/**
 * One limit across every origin of a cluster. While Redis cannot be reached each origin falls back
 * to its own memory (the insurance limiter): limits loosen by the number of origins, never vanish.
 */
export function redisLimiter(redis: Redis, prefix: string, name: string, spec: LimitSpec): Limiter {
  return new FlexibleLimiter(new RateLimiterRedis({
    storeClient: redis, keyPrefix: `${prefix}limit:${name}`, points: spec.points, duration: spec.seconds,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points: spec.points, duration: spec.seconds }),
  }));
}
