import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantOf, localOf } from '../../web/src/lib/zoned-time.js';

test('a wall-clock time in a named zone is the right instant, across daylight saving changes', () => {
  assert.equal(new Date(instantOf('2027-01-15T19:30', 'Europe/Paris')).toISOString(), '2027-01-15T18:30:00.000Z');
  assert.equal(new Date(instantOf('2027-07-15T19:30', 'Europe/Paris')).toISOString(), '2027-07-15T17:30:00.000Z');
  assert.equal(new Date(instantOf('2027-03-14T09:00', 'America/New_York')).toISOString(), '2027-03-14T13:00:00.000Z', 'the day the US moves to EDT');
  assert.equal(new Date(instantOf('2027-03-13T09:00', 'America/New_York')).toISOString(), '2027-03-13T14:00:00.000Z');
  assert.equal(new Date(instantOf('2027-06-01T12:00', 'Asia/Kolkata')).toISOString(), '2027-06-01T06:30:00.000Z');
});

test('and back: an instant shown on the zone\'s wall clock', () => {
  for (const [zone, local] of [['Europe/Paris', '2027-10-31T01:15'], ['Pacific/Auckland', '2027-04-04T12:00'], ['UTC', '2027-12-31T23:59']] as const) {
    assert.equal(localOf(instantOf(local, zone), zone), local, zone);
  }
  assert.throws(() => instantOf('tomorrow', 'UTC'), RangeError);
});
