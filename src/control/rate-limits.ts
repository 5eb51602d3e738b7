import type { FastifyRequest } from 'fastify';
import { perMinute, RateLimiter } from '../domain/rate-limiter.js';
import { TribuneError } from '../errors/catalogue.js';
import type { Config } from '../config/schema.js';

/** The audience's write paths, each with its own bucket per client. */
export function createRateLimits(limits: Config['limits']) {
  return {
    auth: new RateLimiter(perMinute(limits.authPerMinute)),
    votes: new RateLimiter(perMinute(limits.votesPerMinute)),
    reactions: new RateLimiter({ burst: limits.reactionsPerSecond * 2, perSecond: limits.reactionsPerSecond }),
    heartbeats: new RateLimiter(perMinute(limits.heartbeatsPerMinute)),
    listenerTokens: new RateLimiter(perMinute(limits.listenerTokensPerMinute)),
    // Shared NATs put thousands of listeners behind one address: a generous per-address ceiling.
    heartbeatsPerAddress: new RateLimiter({ burst: 2_000, perSecond: 1_000 }),
    writes: new RateLimiter({ burst: limits.writesPerSecond * 6, perSecond: limits.writesPerSecond }),
    // Notices and note ratings: per account, and per address ten times wider (anonymous notices, shared NATs).
    notices: new RateLimiter(perMinute(limits.noticesPerMinute)),
    noticesPerAddress: new RateLimiter(perMinute(limits.noticesPerMinute * 10)),
    ratings: new RateLimiter(perMinute(limits.ratingsPerMinute)),
    ratingsPerAddress: new RateLimiter(perMinute(limits.ratingsPerMinute * 10)),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;

export function enforce(limiter: RateLimiter, key: string): void {
  const decision = limiter.take(key);
  if (!decision.allowed) throw new TribuneError('RATE_LIMITED', { retryAfter: decision.retryAfterSeconds }, { details: { retryAfter: decision.retryAfterSeconds } });
}

export function addressKey(request: FastifyRequest): string {
  return `ip:${request.ip}`;
}
