import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { testRedis } from '../../test/helpers/cluster-engines.js';
import { estimatedWaitSeconds, freePlaces, MemoryWaitingRoom, RedisWaitingRoom, type RoomLimits, type Standing, type WaitingRoomStore } from './index.js';

const { prefix, redis } = testRedis();

const T0 = 1_800_000_000_000;
/** A standing without the room's figures, to compare places. */
const place = (s: Standing | null) => (s && !s.admitted ? { admitted: false, arrival: s.arrival, position: s.position } : s);
const limits: RoomLimits = { totalActiveUsers: 3, newUsersPerMinute: 5, sessionMs: 10 * 60_000, ticketMs: 2 * 60_000 };

describe('the room arithmetic', () => {
  it('free places are bounded by both the ceiling and the rate', () => {
    assert.equal(freePlaces(limits, 0, 0), 3);
    assert.equal(freePlaces(limits, 1, 4), 1);
    assert.equal(freePlaces(limits, 3, 0), 0);
    assert.equal(freePlaces(limits, 5, 0), 0, 'never negative');
  });

  it('the wait moves at the admission rate, or at the pace places come back when full', () => {
    assert.equal(estimatedWaitSeconds(10, limits, { waiting: 10, active: 1, admittedLastMinute: 5 }), 120);
    assert.equal(estimatedWaitSeconds(1, limits, { waiting: 1, active: 0, admittedLastMinute: 0 }), 12);
    assert.equal(estimatedWaitSeconds(4, limits, { waiting: 4, active: 3, admittedLastMinute: 2 }), 120);
    assert.equal(estimatedWaitSeconds(4, limits, { waiting: 4, active: 3, admittedLastMinute: 0 }), 240, 'nobody left lately: one a minute');
  });
});

/** Two stores that must behave as one room (Redis) or the same store twice (memory). */
const kinds: Array<[string, () => [WaitingRoomStore, WaitingRoomStore]]> = [
  ['memory', () => { const room = new MemoryWaitingRoom(); return [room, room]; }],
  ['redis, two origins sharing a prefix', () => {
    const p = `${prefix}${randomBytes(3).toString('hex')}:`;
    return [new RedisWaitingRoom(redis(), p), new RedisWaitingRoom(redis(), p)];
  }],
];

for (const [name, make] of kinds) {
  describe(`the ${name} waiting room`, () => {
    it('admits newcomers while there is room, then queues them in arrival order', async () => {
      const [a, b] = make();
      const first = await Promise.all([a.arrive(limits, T0), b.arrive(limits, T0), a.arrive(limits, T0)]);
      assert.ok(first.every((s) => s.admitted));
      const queued = [await b.arrive(limits, T0), await a.arrive(limits, T0), await b.arrive(limits, T0)];
      assert.deepEqual(queued.map((s) => (s.admitted ? 0 : s.position)), [1, 2, 3]);
      const arrivals = [...first, ...queued].map((s) => s.arrival);
      assert.equal(new Set(arrivals).size, 6, 'one arrival number each, from one counter');
      assert.deepEqual((await a.stats(limits, T0)), { waiting: 3, active: 3, admittedLastMinute: 3 });
    });

    it('FIFO: a waiter is let in only when everyone ahead fits too; never above the ceiling, never above the rate', async () => {
      const [a, b] = make();
      for (let i = 0; i < 3; i++) assert.ok((await a.arrive(limits, T0)).admitted);
      const w = await b.arrive(limits, T0);
      const again = await a.checkIn(w.arrival, limits, T0 + 1000);
      assert.deepEqual(place(again), { admitted: false, arrival: w.arrival, position: 1 }, 'nobody left: the ceiling holds');
      assert.deepEqual(again && !again.admitted && again.stats, { waiting: 1, active: 3, admittedLastMinute: 3 }, 'the figures for the estimate come with the answer');
      const tight = { ...limits, totalActiveUsers: 2, sessionMs: 60_000 };
      const [c] = make();
      for (let i = 0; i < 2; i++) assert.ok((await c.arrive(tight, T0)).admitted);
      const q = [await c.arrive(tight, T0), await c.arrive(tight, T0), await c.arrive(tight, T0)].map((s) => s.arrival);
      const t = T0 + tight.sessionMs + 1;
      assert.deepEqual(place(await c.checkIn(q[2]!, tight, t)), { admitted: false, arrival: q[2], position: 3 }, 'two free places, third in line: waits');
      assert.equal((await c.checkIn(q[1]!, tight, t))?.admitted, true, 'second in line: both fit');
      assert.equal((await c.checkIn(q[0]!, tight, t))?.admitted, true);
      assert.deepEqual(place(await c.checkIn(q[2]!, tight, t)), { admitted: false, arrival: q[2], position: 1 });
      assert.equal((await c.stats(tight, t)).active, 2);
    });

    it('never admits more than newUsersPerMinute in any 60 s', async () => {
      const [a, b] = make();
      const wide = { ...limits, totalActiveUsers: 1000, newUsersPerMinute: 4 };
      const standings = [];
      for (let i = 0; i < 6; i++) standings.push(await (i % 2 ? a : b).arrive(wide, T0 + i));
      assert.equal(standings.filter((s) => s.admitted).length, 4);
      const fifth = standings[4]!.arrival;
      assert.equal((await a.checkIn(fifth, wide, T0 + 59_999))?.admitted, false, 'the window still holds the first admission');
      assert.equal((await a.checkIn(fifth, wide, T0 + 60_001))?.admitted, true, 'the first admission left the window');
      assert.equal((await b.checkIn(standings[5]!.arrival, wide, T0 + 60_001))?.admitted, true);
      assert.equal((await a.stats(wide, T0 + 60_001)).admittedLastMinute, 4);
    });

    it('a waiter who stops checking in leaves the queue; those behind move up', async () => {
      const [a, b] = make();
      const none = { ...limits, totalActiveUsers: 1 };
      assert.ok((await a.arrive(none, T0)).admitted);
      const gone = await a.arrive(none, T0);
      const stays = await b.arrive(none, T0 + 30_000);
      assert.equal(stays.admitted ? 0 : stays.position, 2);
      const at = T0 + none.ticketMs + 1;
      assert.equal(await a.checkIn(gone.arrival, none, at), null);
      assert.deepEqual(place(await b.checkIn(stays.arrival, none, at)), { admitted: false, arrival: stays.arrival, position: 1 });
    });

    it('a session lasts while its holder acts, and lapses after sessionMs idle', async () => {
      const [a, b] = make();
      const s = await a.arrive(limits, T0);
      assert.ok(s.admitted);
      assert.equal(await b.touch(s.arrival, limits, T0 + limits.sessionMs - 1), true, 'renewed');
      assert.equal(await a.touch(s.arrival, limits, T0 + 2 * limits.sessionMs - 2), true, 'still alive from the renewal');
      assert.equal(await a.touch(s.arrival, limits, T0 + 4 * limits.sessionMs), false);
      assert.equal((await a.stats(limits, T0 + 4 * limits.sessionMs)).active, 0);
    });
  });
}

describe('the redis waiting room without Redis', () => {
  it('falls back to a room in memory: the doors never open wide', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    down.on('error', () => {});
    let errors = 0;
    const room = new RedisWaitingRoom(down, prefix, () => { errors++; });
    const standings = [];
    for (let i = 0; i < 5; i++) standings.push(await room.arrive(limits, T0));
    assert.equal(standings.filter((s) => s.admitted).length, 3);
    assert.ok(errors >= 5);
    down.disconnect();
  });
});
