import type { Redis } from 'ioredis';
import { MemoryWaitingRoom } from './memory-waiting-room.js';
import type { RoomLimits, RoomStats, Standing, WaitingRoomStore } from './waiting-room.js';

/**
 * KEYS: 1 arrival counter, 2 waiting (score: arrival), 3 last check-ins (score: time),
 * 4 active (score: session end), 5 admissions (score: time). ARGV: now, ticketMs, sessionMs,
 * totalActiveUsers, newUsersPerMinute, then the command's own. Each command is one script, so
 * origins never interleave between reading the room and changing it.
 */
const PRELUDE = `
local now = tonumber(ARGV[1])
local ticketMs, sessionMs = tonumber(ARGV[2]), tonumber(ARGV[3])
local total, perMinute = tonumber(ARGV[4]), tonumber(ARGV[5])
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - ticketMs, 'LIMIT', 0, 1000)
if #gone > 0 then
  redis.call('ZREM', KEYS[2], unpack(gone))
  redis.call('ZREM', KEYS[3], unpack(gone))
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - 60000)
local active, admitted = redis.call('ZCARD', KEYS[4]), redis.call('ZCARD', KEYS[5])
local free = math.max(0, math.min(total - active, perMinute - admitted))
local function admit(arrival)
  redis.call('ZREM', KEYS[2], arrival)
  redis.call('ZREM', KEYS[3], arrival)
  redis.call('ZADD', KEYS[4], now + sessionMs, arrival)
  redis.call('ZADD', KEYS[5], now, arrival)
  return {1, arrival}
end
local function held(arrival, position)
  return {0, arrival, position, redis.call('ZCARD', KEYS[2]), active, admitted}
end
`;

const ARRIVE = `${PRELUDE}
local arrival = redis.call('INCR', KEYS[1])
if redis.call('ZCARD', KEYS[2]) == 0 and free > 0 then return admit(arrival) end
redis.call('ZADD', KEYS[2], arrival, arrival)
redis.call('ZADD', KEYS[3], now, arrival)
return held(arrival, redis.call('ZCARD', KEYS[2]))
`;

const CHECK_IN = `${PRELUDE}
local arrival = tonumber(ARGV[6])
local rank = redis.call('ZRANK', KEYS[2], arrival)
if not rank then return nil end
if rank < free then return admit(arrival) end
redis.call('ZADD', KEYS[3], now, arrival)
return held(arrival, rank + 1)
`;

const TOUCH = `${PRELUDE}
local arrival = ARGV[6]
if not redis.call('ZSCORE', KEYS[4], arrival) then return 0 end
redis.call('ZADD', KEYS[4], now + sessionMs, arrival)
return 1
`;

const STATS = `${PRELUDE}
return {redis.call('ZCARD', KEYS[2]), active, admitted}
`;

/** admitted (1/0), arrival, then when held: position, waiting, active, admitted in the last minute. */
type Reply = number[] | null;

/**
 * One waiting room for every origin of a cluster. While Redis cannot be reached each origin keeps a
 * room of its own in memory (as the limiters do): the limits loosen by the number of origins, the
 * room never opens its doors wide. Tickets handed out meanwhile are unknown to Redis afterwards, so
 * their holders queue again.
 */
export class RedisWaitingRoom implements WaitingRoomStore {
  readonly #redis: Redis;
  readonly #keys: string[];
  readonly #fallback = new MemoryWaitingRoom();
  readonly #onError: (err: unknown) => void;

  constructor(redis: Redis, prefix: string, onError: (err: unknown) => void = () => {}) {
    this.#redis = redis;
    // One hash tag: every key of a script in one slot, should the Redis be a sharded cluster.
    this.#keys = ['seq', 'waiting', 'seen', 'active', 'admitted'].map((k) => `${prefix}{room}:${k}`);
    this.#onError = onError;
  }

  async #run(script: string, limits: RoomLimits, now: number, ...extra: number[]): Promise<unknown> {
    const args = [now, limits.ticketMs, limits.sessionMs, limits.totalActiveUsers, limits.newUsersPerMinute, ...extra];
    return this.#redis.eval(script, this.#keys.length, ...this.#keys, ...args.map(String));
  }

  async #or<T>(primary: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    try {
      return await primary();
    } catch (err) {
      this.#onError(err);
      return fallback();
    }
  }

  arrive(limits: RoomLimits, now: number): Promise<Standing> {
    return this.#or(async () => standing(await this.#run(ARRIVE, limits, now) as Reply)!, () => this.#fallback.arrive(limits, now));
  }

  checkIn(arrival: number, limits: RoomLimits, now: number): Promise<Standing | null> {
    return this.#or(async () => standing(await this.#run(CHECK_IN, limits, now, arrival) as Reply), () => this.#fallback.checkIn(arrival, limits, now));
  }

  touch(arrival: number, limits: RoomLimits, now: number): Promise<boolean> {
    return this.#or(async () => (await this.#run(TOUCH, limits, now, arrival)) === 1, () => this.#fallback.touch(arrival, limits, now));
  }

  stats(limits: RoomLimits, now: number): Promise<RoomStats> {
    return this.#or(async () => {
      const [waiting, active, admittedLastMinute] = await this.#run(STATS, limits, now) as [number, number, number];
      return { waiting, active, admittedLastMinute };
    }, () => this.#fallback.stats(limits, now));
  }

  async close(): Promise<void> {}
}

function standing(reply: Reply): Standing | null {
  if (!reply) return null;
  const [admitted, arrival, position, waiting, active, admittedLastMinute] = reply.map(Number) as [number, number, number, number, number, number];
  return admitted === 1 ? { admitted: true, arrival } : { admitted: false, arrival, position, stats: { waiting, active, admittedLastMinute } };
}
