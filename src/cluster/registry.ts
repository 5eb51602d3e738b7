import type { Redis } from 'ioredis';

export type OriginState = 'serving' | 'draining';

export interface OriginInfo {
  readonly id: string;
  readonly internalUrl: string | null;
  readonly state: OriginState;
  /** 0 (idle) to 1 (full): the share of its media capacity in use. */
  readonly load: number;
  /** Live Spaces whose media runs there. */
  readonly spaces: number;
  /** When it last reported, ms since the epoch by its own clock. */
  readonly heartbeatAt: number;
}

/** An origin that has not reported for this long is not offered new Spaces (LiveKit's rule: stats younger than 5 s). */
export const ORIGIN_FRESH_MS = 5_000;
/** An origin silent for this long leaves the registry. */
const ORIGIN_FORGET_MS = 60_000;

/** The origins of a deployment, each reporting its state and load every couple of seconds (a Redis hash). */
export class OriginRegistry {
  readonly #redis: Redis;
  readonly #key: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#key = `${prefix}:origins`;
  }

  async report(origin: OriginInfo): Promise<void> {
    await this.#redis.hset(this.#key, origin.id, JSON.stringify(origin));
  }

  async remove(originId: string): Promise<void> {
    await this.#redis.hdel(this.#key, originId);
  }

  /** Every origin heard from in the last minute; the long-silent ones are removed on the way. */
  async list(now: number): Promise<OriginInfo[]> {
    const all = Object.values(await this.#redis.hgetall(this.#key)).map((v) => JSON.parse(v) as OriginInfo);
    const gone = all.filter((o) => now - o.heartbeatAt > ORIGIN_FORGET_MS);
    if (gone.length) await this.#redis.hdel(this.#key, ...gone.map((o) => o.id));
    return all.filter((o) => !gone.includes(o)).sort((a, b) => a.id.localeCompare(b.id));
  }
}

/** Serving and heard from recently: may be offered a Space. */
export const isAvailable = (origin: OriginInfo, now: number): boolean =>
  origin.state === 'serving' && now - origin.heartbeatAt <= ORIGIN_FRESH_MS;

/**
 * Whether `me` should try to take a Space nobody runs: the least loaded available origin should (ties
 * by id, so every origin computes the same answer). Every origin tries anyway once the Space has been
 * orphaned for a while, so a stale registry cannot leave a Space without media.
 */
export function shouldTake(me: string, origins: readonly OriginInfo[], now: number, orphanedForMs: number, patienceMs: number, except?: string): boolean {
  if (orphanedForMs >= patienceMs) return true;
  const candidates = origins.filter((o) => isAvailable(o, now) && o.id !== except).sort((a, b) => a.load - b.load || a.spaces - b.spaces || a.id.localeCompare(b.id));
  return candidates[0]?.id === me;
}
