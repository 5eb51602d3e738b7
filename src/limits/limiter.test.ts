import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { testRedis } from '../../test/helpers/cluster-engines.js';
import { memoryLimiter, redisLimiter, type Limiter } from './index.js';

const { prefix, redis } = testRedis();

async function taken(limiter: Limiter, key: string, n: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < n; i++) if ((await limiter.take(key)).allowed) allowed++;
  return allowed;
}

for (const [name, make] of [
  ['memory', () => memoryLimiter('suite', { points: 5, seconds: 60 })],
  ['redis', () => redisLimiter(redis(), prefix, 'suite', { points: 5, seconds: 60 })],
] as const) {
  describe(`the ${name} limiter`, () => {
    it('allows the burst, then refuses with a Retry-After within the window', async () => {
      const limiter = make();
      const key = `k-${randomBytes(4).toString('hex')}`;
      assert.equal(await taken(limiter, key, 8), 5);
      const refused = await limiter.take(key);
      assert.equal(refused.allowed, false);
      assert.ok(!refused.allowed && refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 60);
      assert.equal(await taken(limiter, `other-${key}`, 5), 5, 'another key has its own allowance');
    });
  });
}

describe('across origins', () => {
  it('two origins on one Redis share one limit; two in memory do not', async () => {
    const key = `shared-${randomBytes(4).toString('hex')}`;
    const a = redisLimiter(redis(), prefix, 'cluster', { points: 6, seconds: 60 });
    const b = redisLimiter(redis(), prefix, 'cluster', { points: 6, seconds: 60 });
    assert.equal((await taken(a, key, 4)) + (await taken(b, key, 4)), 6);
    const m1 = memoryLimiter('cluster-m1', { points: 6, seconds: 60 });
    const m2 = memoryLimiter('cluster-m2', { points: 6, seconds: 60 });
    assert.equal((await taken(m1, key, 4)) + (await taken(m2, key, 4)), 8);
  });

  it('while Redis cannot be reached, each origin falls back to its own memory (limits loosen, never vanish)', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    down.on('error', () => {});
    const limiter = redisLimiter(down, prefix, 'down', { points: 3, seconds: 60 });
    assert.equal(await taken(limiter, 'k', 6), 3);
    down.disconnect();
  });
});
