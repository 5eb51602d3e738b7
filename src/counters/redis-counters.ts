import { Redis } from 'ioredis';
import { closeRedis } from '../bus/redis/close-redis.js';
import type { ReactionCounts } from '../domain/reaction-tally.js';
import type { Reaction } from '../domain/types.js';
import { LISTENER_BUCKET_MS, LISTENER_WINDOW_BUCKETS, REACTION_RATE_SECONDS, type AudienceCounters } from './counters.js';

export interface RedisCountersOptions {
  readonly url: string;
  readonly prefix: string;
  /** How long a Space's reaction totals outlive its last reaction. */
  readonly totalsTtlMs?: number;
  readonly onError?: (err: unknown) => void;
}

/**
 * Cluster mode's counters, in Redis so that every origin adds to the same ones: a HyperLogLog per
 * Space and heartbeat bucket (PFADD; PFCOUNT over the window's keys is their union), reaction totals
 * and per-second counts in hashes (HINCRBY, acknowledged before the client is). Auto-pipelining sends
 * every command issued in the same tick of the event loop in one write: under load, one round trip
 * carries many heartbeats and taps.
 */
export class RedisCounters implements AudienceCounters {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #totalsTtlMs: number;

  constructor(options: RedisCountersOptions) {
    this.#prefix = options.prefix;
    this.#totalsTtlMs = options.totalsTtlMs ?? 7 * 86_400_000;
    this.#redis = new Redis(options.url, { enableAutoPipelining: true, maxRetriesPerRequest: 1 });
    this.#redis.on('error', options.onError ?? (() => {}));
  }

  // The hash tag keeps a Space's keys in one slot, so multi-key PFCOUNT works on Redis Cluster too.
  #listenersKey(spaceId: string, bucket: number): string { return `${this.#prefix}:ls:{${spaceId}}:${bucket}`; }
  #totalsKey(spaceId: string): string { return `${this.#prefix}:rx:{${spaceId}}:total`; }
  #secondKey(spaceId: string, second: number): string { return `${this.#prefix}:rx:{${spaceId}}:s:${second}`; }

  async addListener(spaceId: string, listenerId: Uint8Array, now: number): Promise<void> {
    const key = this.#listenersKey(spaceId, Math.floor(now / LISTENER_BUCKET_MS));
    // A bucket is read for two windows; expiry is a little longer than that, in Redis's own time.
    await this.#redis.multi().pfadd(key, Buffer.from(listenerId)).pexpire(key, LISTENER_BUCKET_MS * (LISTENER_WINDOW_BUCKETS + 1)).exec().then(check);
  }

  async listeners(spaceId: string, now: number): Promise<number> {
    const bucket = Math.floor(now / LISTENER_BUCKET_MS);
    const keys = Array.from({ length: LISTENER_WINDOW_BUCKETS }, (_, i) => this.#listenersKey(spaceId, bucket - i));
    return this.#redis.pfcount(...(keys as [string, ...string[]]));
  }

  async addReaction(spaceId: string, reaction: Reaction, now: number): Promise<void> {
    const second = Math.floor(now / 1000);
    const totals = this.#totalsKey(spaceId);
    const perSecond = this.#secondKey(spaceId, second);
    await this.#redis.multi()
      .hincrby(totals, reaction, 1).pexpire(totals, this.#totalsTtlMs)
      .hincrby(perSecond, reaction, 1).pexpire(perSecond, (REACTION_RATE_SECONDS + 5) * 1000)
      .exec().then(check);
  }

  async reactions(spaceId: string, now: number): Promise<{ totals: ReactionCounts; perSecond: ReactionCounts }> {
    const second = Math.floor(now / 1000);
    const pipeline = this.#redis.pipeline().hgetall(this.#totalsKey(spaceId));
    for (let s = second - REACTION_RATE_SECONDS + 1; s <= second; s++) pipeline.hgetall(this.#secondKey(spaceId, s));
    const results = check(await pipeline.exec()) as Array<[null, Record<string, string>]>;
    const [totalsRaw, ...seconds] = results.map(([, value]) => value);
    const totals = Object.fromEntries(Object.entries(totalsRaw ?? {}).map(([k, v]) => [k, Number(v)])) as ReactionCounts;
    const perSecond: Record<string, number> = {};
    for (const counts of seconds) for (const [k, v] of Object.entries(counts ?? {})) perSecond[k] = (perSecond[k] ?? 0) + Number(v) / REACTION_RATE_SECONDS;
    return { totals, perSecond: perSecond as ReactionCounts };
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  async close(): Promise<void> {
    await closeRedis(this.#redis);
  }
}

/** A MULTI or pipeline resolves even when one of its commands failed: make that a rejection. */
function check<T extends Array<[Error | null, unknown]> | null>(results: T): T {
  if (!results) throw new Error('redis transaction aborted');
  for (const [err] of results) if (err) throw err;
  return results;
}
