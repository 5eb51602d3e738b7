/**
 * What a waiting-room decision costs: newcomers queued behind a full room, then check-ins with their
 * tickets, through `WaitingRoom` (HMAC and all) on the memory store and on Redis.
 * Usage: npx tsx scripts/waiting-room-bench.ts [waiters, default 20000] [redis url]
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { WaitingRoom } from '../src/control/defence/waiting-room.js';
import { TribuneError } from '../src/errors/catalogue.js';
import { MemoryWaitingRoom, RedisWaitingRoom, type WaitingRoomStore } from '../src/limits/index.js';

const waiters = Number(process.argv[2] ?? 20_000);
const redisUrl = process.argv[3] ?? 'redis://127.0.0.1:6379';
const settings = { setting: 'on' as const, totalActiveUsers: 1, newUsersPerMinute: 1, sessionMinutes: 60, ticketMinutes: 60 };

async function run(name: string, store: WaitingRoomStore): Promise<void> {
  const room = new WaitingRoom({ settings, store, secret: 'bench-secret-0123456789', underAttack: () => false });
  await room.admit('sp_bench', undefined);
  const tickets: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < waiters; i++) {
    try { await room.admit('sp_bench', undefined); } catch (err) { tickets.push(String((err as TribuneError).details?.['ticket'])); }
  }
  const t1 = performance.now();
  for (const ticket of tickets) {
    try { await room.admit('sp_bench', ticket); } catch { /* still held, as expected */ }
  }
  const t2 = performance.now();
  const rate = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en');
  process.stdout.write(`${name}: ${waiters} newcomers queued at ${rate(waiters, t1 - t0)}/s (${((t1 - t0) / waiters * 1000).toFixed(0)} µs each), ` +
    `${tickets.length} check-ins at ${rate(tickets.length, t2 - t1)}/s (${((t2 - t1) / tickets.length * 1000).toFixed(0)} µs each), one client in series\n`);
}

await run('memory', new MemoryWaitingRoom());
const redis = new Redis(redisUrl);
const prefix = `tribune-bench:${randomBytes(4).toString('hex')}:`;
try {
  await run('redis', new RedisWaitingRoom(redis, prefix));
} finally {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
