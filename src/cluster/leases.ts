import type { Redis } from 'ioredis';

// Renew and release act only for the holder: a lease that lapsed and was taken by another origin is
// never extended nor deleted by the one that lost it.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
// A lease passes from one named holder to another, or not at all: a drain handing its Space to the
// standby, or a standby taking it from a primary it found dead, never overwrites a third origin's.
const PASS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) and 1 or 0 else return 0 end`;

/**
 * One lease per live Space: the origin holding it runs the Space's media. SET NX PX takes it, its holder
 * renews it well within the time to live, and when an origin dies its leases lapse and another origin
 * takes the Space. The same shape, under `standby`, names the origin that keeps a hot copy.
 */
export class SpaceLeases {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #kind: string;

  constructor(redis: Redis, prefix: string, kind: 'lease' | 'standby' = 'lease') {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#kind = kind;
  }

  #key(spaceId: string): string { return `${this.#prefix}:${this.#kind}:{${spaceId}}`; }

  /** True when the lease was `from`'s and is now `to`'s. */
  async pass(spaceId: string, from: string, to: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.eval(PASS, 1, this.#key(spaceId), from, to, ttlMs)) === 1;
  }

  /** True when this origin now holds the lease (it was free). */
  async acquire(spaceId: string, originId: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.set(this.#key(spaceId), originId, 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** True when this origin still held the lease and it was extended. */
  async renew(spaceId: string, originId: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.eval(RENEW, 1, this.#key(spaceId), originId, ttlMs)) === 1;
  }

  async release(spaceId: string, originId: string): Promise<boolean> {
    return (await this.#redis.eval(RELEASE, 1, this.#key(spaceId), originId)) === 1;
  }

  /** Who holds each Space's lease (null: nobody), in one round trip. */
  async holders(spaceIds: readonly string[]): Promise<Map<string, string | null>> {
    if (spaceIds.length === 0) return new Map();
    const pipeline = this.#redis.pipeline();
    for (const id of spaceIds) pipeline.get(this.#key(id));
    const results = (await pipeline.exec()) ?? [];
    return new Map(spaceIds.map((id, i) => {
      const [err, value] = results[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      return [id, (value as string | null) ?? null];
    }));
  }
}
