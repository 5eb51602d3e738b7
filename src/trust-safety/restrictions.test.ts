import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccountRestrictions } from './restrictions.js';

test('a suspension ends on its date, a termination does not; lifting one leaves the other', () => {
  let now = Date.parse('2026-11-30T00:00:00Z');
  const r = new AccountRestrictions({ now: () => now });
  assert.equal(r.empty, true);
  r.restrict('u1', 'd1', 'suspended', '2026-12-07T00:00:00.000Z');
  r.restrict('u2', 'd2', 'terminated', null);
  r.restrict('u2', 'd3', 'suspended', '2026-12-01T00:00:00.000Z');
  assert.equal(r.current('u1')?.decisionId, 'd1');
  assert.equal(r.current('u2')?.state, 'terminated', 'a termination outranks a suspension');
  r.lift('u2', 'd2');
  assert.equal(r.current('u2')?.decisionId, 'd3');
  now = Date.parse('2026-12-08T00:00:00Z');
  assert.equal(r.current('u1'), null);
  assert.equal(r.current('u2'), null);
  assert.equal(r.empty, true, 'expired ones are forgotten');
});
