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

interface Waiter { resolve(): void; reject(err: unknown): void }

/** The writes of one turn of the event loop, grouped by key: one command per key, whatever their number. */
interface Batch {
  /** HyperLogLog key -> the listener ids heard. */
  readonly listeners: Map<string, Buffer[]>;
  /** `<hash key>\n<reaction>` -> how many; each hash key with its time to live. */
  readonly reactions: Map<string, number>;
  readonly ttls: Map<string, number>;
  readonly waiters: Waiter[];
}

const emptyBatch = (): Batch => ({ listeners: new Map(), reactions: new Map(), ttls: new Map(), waiters: [] });

/**
 * Cluster mode's counters, in Redis so that every origin adds to the same ones: a HyperLogLog per
 * Space and heartbeat bucket (PFADD; PFCOUNT over the window's keys is their union), reaction totals
 * and per-second counts in hashes (HINCRBY), each acknowledged to its client only once Redis has it.
 * The heartbeats and taps that arrive in one turn of the event loop are coalesced into one MULTI: one
 * PFADD of every listener id per bucket, one HINCRBY by the count per reaction, one PEXPIRE per key,
 * so under load one round trip and a handful of commands carry many writes (docs/benchmarks.md,
 * "Audience writes across origins").
 */
export class RedisCounters implements AudienceCounters {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #totalsTtlMs: number;
  #batch: Batch = emptyBatch();
  #scheduled = false;

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

  addListener(spaceId: string, listenerId: Uint8Array, now: number): Promise<void> {
    const key = this.#listenersKey(spaceId, Math.floor(now / LISTENER_BUCKET_MS));
    return this.#enqueue((batch) => {
      const ids = batch.listeners.get(key);
      if (ids) ids.push(Buffer.from(listenerId));
      else batch.listeners.set(key, [Buffer.from(listenerId)]);
    });
  }

  async listeners(spaceId: string, now: number): Promise<number> {
    const bucket = Math.floor(now / LISTENER_BUCKET_MS);
    const keys = Array.from({ length: LISTENER_WINDOW_BUCKETS }, (_, i) => this.#listenersKey(spaceId, bucket - i));
    return this.#redis.pfcount(...(keys as [string, ...string[]]));
  }

  addReaction(spaceId: string, reaction: Reaction, now: number): Promise<void> {
    const totals = this.#totalsKey(spaceId);
    const perSecond = this.#secondKey(spaceId, Math.floor(now / 1000));
    return this.#enqueue((batch) => {
      for (const key of [totals, perSecond]) batch.reactions.set(`${key}\n${reaction}`, (batch.reactions.get(`${key}\n${reaction}`) ?? 0) + 1);
      batch.ttls.set(totals, this.#totalsTtlMs);
      batch.ttls.set(perSecond, (REACTION_RATE_SECONDS + 5) * 1000);
    });
  }

  /** Adds to the batch of this turn; resolves when that batch's MULTI has been answered. */
  #enqueue(add: (batch: Batch) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      add(this.#batch);
      this.#batch.waiters.push({ resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // setImmediate runs after the I/O of this turn: every request parsed in it joins the batch.
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    const batch = this.#batch;
    this.#batch = emptyBatch();
    this.#scheduled = false;
    const multi = this.#redis.multi();
    // A bucket is read for two windows; expiry is a little longer than that, in Redis's own time.
    for (const [key, ids] of batch.listeners) multi.pfadd(key, ...ids).pexpire(key, LISTENER_BUCKET_MS * (LISTENER_WINDOW_BUCKETS + 1));
    for (const [entry, count] of batch.reactions) {
      const [key, reaction] = entry.split('\n') as [string, string];
      multi.hincrby(key, reaction, count);
    }
    for (const [key, ttl] of batch.ttls) multi.pexpire(key, ttl);
    multi.exec().then(check).then(
      () => { for (const w of batch.waiters) w.resolve(); },
      (err: unknown) => { for (const w of batch.waiters) w.reject(err); },
    );
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
