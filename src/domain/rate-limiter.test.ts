import assert from 'node:assert/strict';
import { test } from 'node:test';
import { perMinute, RateLimiter } from './rate-limiter.js';

test('a burst passes, the next is refused with a retry time, tokens come back with time', () => {
  let now = 0;
  const limiter = new RateLimiter({ burst: 3, perSecond: 1 }, { now: () => now });
  for (let i = 0; i < 3; i++) assert.deepEqual(limiter.take('a'), { allowed: true });
  assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 1 });
  assert.deepEqual(limiter.take('b'), { allowed: true }, 'buckets are per key');
  now += 1000;
  assert.deepEqual(limiter.take('a'), { allowed: true });
  assert.equal(limiter.take('a').allowed, false);
});

test('one a minute waits a minute', () => {
  let now = 0;
  const limiter = new RateLimiter(perMinute(1), { now: () => now });
  assert.equal(limiter.take('q').allowed, true);
  assert.deepEqual(limiter.take('q'), { allowed: false, retryAfterSeconds: 60 });
  now += 60_000;
  assert.equal(limiter.take('q').allowed, true);
});

test('memory is bounded: the least recently seen keys are forgotten first', () => {
  const limiter = new RateLimiter({ burst: 1, perSecond: 0.001 }, { maxKeys: 2, now: () => 0 });
  limiter.take('a');
  limiter.take('b');
  limiter.take('a');
  limiter.take('c'); // forgets b, the least recently seen
  assert.equal(limiter.size, 2);
  assert.equal(limiter.take('a').allowed, false, 'a is remembered');
  assert.equal(limiter.take('b').allowed, true, 'b was forgotten, so it starts full');
  assert.throws(() => new RateLimiter({ burst: 0, perSecond: 1 }), TypeError);
});
