/**
 * What a waiting-room decision costs: newcomers queued behind a full room, then check-ins with their
 * tickets, through `WaitingRoom` (HMAC and all) on the memory store and on Redis, each against an
 * anchor measured in the same run: an HMAC of a ticket (memory), a PING round trip in series (Redis).
 * Usage: npx tsx scripts/waiting-room-bench.ts [waiters, default 20000] [redis url]
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { WaitingRoom } from '../src/control/defence/waiting-room.js';
import { TribuneError } from '../src/errors/catalogue.js';
import { MemoryWaitingRoom, RedisWaitingRoom, type WaitingRoomStore } from '../src/limits/index.js';

const waiters = Number(process.argv[2] ?? 20_000);
const redisUrl = process.argv[3] ?? 'redis://127.0.0.1:6379';
const settings = { setting: 'on' as const, totalActiveUsers: 1, newUsersPerMinute: 1, sessionMinutes: 60, ticketMinutes: 60 };

/** µs per call of `op`, over `n` calls in series. */
async function perCall(n: number, op: () => unknown): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op();
  return ((performance.now() - t0) / n) * 1000;
}

async function run(name: string, store: WaitingRoomStore, anchor: { what: string; us: number }): Promise<void> {
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
  const ratio = (ms: number, n: number) => ((ms / n) * 1000 / anchor.us).toFixed(1);
  process.stdout.write(`  against ${anchor.what} (${anchor.us.toFixed(1)} µs, same run): a newcomer ${ratio(t1 - t0, waiters)}×, a check-in ${ratio(t2 - t1, tickets.length)}×\n`);
}

const sampleTicket = randomBytes(96).toString('base64url');
const hmacUs = await perCall(waiters, () => createHmac('sha256', 'bench-secret-0123456789').update(sampleTicket).digest());
await run('memory', new MemoryWaitingRoom(), { what: 'one HMAC of a ticket', us: hmacUs });
const redis = new Redis(redisUrl);
const prefix = `tribune-bench:${randomBytes(4).toString('hex')}:`;
try {
  const pingUs = await perCall(Math.min(waiters, 5_000), () => redis.ping());
  await run('redis', new RedisWaitingRoom(redis, prefix), { what: 'a Redis PING round trip', us: pingUs });
} finally {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
