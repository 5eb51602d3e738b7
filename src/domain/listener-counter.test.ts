import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../test/helpers/seeded-random.js';
import { ListenerCounter } from './listener-counter.js';

test('a listener beating every 30 s counts once; one who stops leaves the window after 60 s', () => {
  const random = seededRandom(7);
  const counter = new ListenerCounter({ bucketMs: 30_000, windowBuckets: 2 });
  const stays = Array.from({ length: 500 }, () => random.bytes(16));
  const leaves = Array.from({ length: 300 }, () => random.bytes(16));
  for (const id of [...stays, ...leaves]) counter.add(id, 1_000);
  for (const id of stays) counter.add(id, 2_000);
  // The sketch's standard error is ~0.8%: allow 3% (almost 4 sigma) so the test is exact, not lucky.
  assert.ok(Math.abs(counter.count(10_000) - 800) <= 24, String(counter.count(10_000)));
  for (let t = 31_000; t <= 151_000; t += 30_000) for (const id of stays) counter.add(id, t);
  assert.ok(Math.abs(counter.count(151_000) - 500) <= 15, String(counter.count(151_000)));
  assert.ok(counter.peak >= 776, String(counter.peak));
});
