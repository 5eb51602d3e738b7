import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notifierVerdict, providerVerdict } from './misuse-rules.js';

const now = Date.parse('2026-11-30T12:00:00Z');
const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();

test('notifiers: accept, then warn, then refuse only once warned, and only for 30 days', () => {
  assert.deepEqual(notifierVerdict({ count: 2, lastAt: daysAgo(1) }, null, now), { kind: 'accept' });
  assert.deepEqual(notifierVerdict({ count: 3, lastAt: daysAgo(1) }, null, now), { kind: 'warn', count: 3 });
  assert.deepEqual(notifierVerdict({ count: 7, lastAt: daysAgo(1) }, null, now), { kind: 'warn', count: 7 }, 'never refused without a warning');
  assert.equal(notifierVerdict({ count: 5, lastAt: daysAgo(1) }, daysAgo(10), now).kind, 'refuse');
  assert.equal(notifierVerdict({ count: 5, lastAt: daysAgo(31) }, daysAgo(40), now).kind, 'warn', 'the refusal ends');
});

test('providers: a warning at the second manifestly illegal item, a 14-day suspension at the third once warned', () => {
  assert.deepEqual(providerVerdict(1, null, now), { kind: 'none' });
  assert.deepEqual(providerVerdict(2, null, now), { kind: 'warn', count: 2 });
  assert.deepEqual(providerVerdict(2, daysAgo(1), now), { kind: 'none' }, 'warned once');
  assert.deepEqual(providerVerdict(3, null, now), { kind: 'warn', count: 3 }, 'a suspension needs a warning first');
  assert.deepEqual(providerVerdict(3, daysAgo(1), now), { kind: 'suspend', count: 3, until: new Date(now + 14 * 86_400_000).toISOString() });
});
