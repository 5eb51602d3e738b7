import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { HyperLogLog } from './hyperloglog.js';

test('estimates 100k distinct random ids within 3%, and repeats do not count', () => {
  const hll = new HyperLogLog(14);
  const ids = Array.from({ length: 100_000 }, () => randomBytes(16));
  for (const id of ids) hll.addRandomBytes(id);
  for (const id of ids.slice(0, 50_000)) hll.addRandomBytes(id);
  const error = Math.abs(hll.count() - 100_000) / 100_000;
  assert.ok(error < 0.03, `error ${(error * 100).toFixed(2)}%`);
});

test('small counts are exact enough (linear counting range)', () => {
  const hll = new HyperLogLog(14);
  for (let i = 0; i < 40; i++) hll.addRandomBytes(randomBytes(8));
  assert.ok(Math.abs(hll.count() - 40) <= 1, String(hll.count()));
  assert.equal(new HyperLogLog().count(), 0);
});

test('merge is the union', () => {
  const a = new HyperLogLog(12);
  const b = new HyperLogLog(12);
  const shared = Array.from({ length: 5_000 }, () => randomBytes(8));
  for (const id of shared) { a.addRandomBytes(id); b.addRandomBytes(id); }
  for (let i = 0; i < 5_000; i++) b.addRandomBytes(randomBytes(8));
  const union = a.clone().merge(b).count();
  assert.ok(Math.abs(union - 10_000) / 10_000 < 0.05, String(union));
  assert.throws(() => a.merge(new HyperLogLog(10)), TypeError);
  assert.throws(() => new HyperLogLog(3), TypeError);
  assert.throws(() => a.addRandomBytes(new Uint8Array(4)), TypeError);
});
