import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.js';
import { TribuneError } from '../errors/catalogue.js';
import { memoryLimiter, perMinute, perSecond, type Limiter, type LimitSpec } from '../limits/index.js';

/** Builds one limiter: in memory on a single origin, in Redis across a cluster. */
export type LimiterFactory = (name: string, spec: LimitSpec) => Limiter;

/** The audience's and accounts' write paths, each with its own allowance per client. */
export function createRateLimits(limits: Config['limits'], make: LimiterFactory = memoryLimiter) {
  return {
    auth: make('auth', perMinute(limits.authPerMinute)),
    votes: make('votes', perMinute(limits.votesPerMinute)),
    reactions: make('reactions', perSecond(limits.reactionsPerSecond)),
    heartbeats: make('heartbeats', perMinute(limits.heartbeatsPerMinute)),
    listenerTokens: make('listener-tokens', perMinute(limits.listenerTokensPerMinute)),
    // Shared NATs put thousands of listeners behind one address: a generous per-address ceiling.
    heartbeatsPerAddress: make('heartbeats-address', perSecond(1_000)),
    writes: make('writes', perSecond(limits.writesPerSecond, 6)),
    // Notices and note ratings: per account, and per address ten times wider (anonymous notices, shared NATs).
    notices: make('notices', perMinute(limits.noticesPerMinute)),
    noticesPerAddress: make('notices-address', perMinute(limits.noticesPerMinute * 10)),
    ratings: make('ratings', perMinute(limits.ratingsPerMinute)),
    ratingsPerAddress: make('ratings-address', perMinute(limits.ratingsPerMinute * 10)),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;

/** Throws RATE_LIMITED (429, Retry-After) when `key` has no allowance left. */
export async function admit(limiter: Limiter, key: string): Promise<void> {
  const decision = await limiter.take(key);
  if (!decision.allowed) {
    const retryAfter = decision.retryAfterSeconds;
    throw new TribuneError('RATE_LIMITED', { retryAfter }, { details: { retryAfter } });
  }
}

export function addressKey(request: FastifyRequest): string {
  return `ip:${request.ip}`;
}
