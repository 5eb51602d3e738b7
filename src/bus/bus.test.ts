import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { memoryBusFixture, redisBusFixture, until, type BusFixture } from '../../test/helpers/cluster-engines.js';
import type { Envelope, SpaceEvent } from './events.js';

// One suite, both buses: the in-process default and Redis (two origins on one prefix) deliver the same
// envelopes, in the same order, and resume the same way after a reconnect.

const changed = (n: number): SpaceEvent => ({ type: 'stage.changed', reason: 'joined', participantId: `p_${n}` });
const participantOf = (e: Envelope) => (e.event as { participantId: string }).participantId;
let spaces = 0;
const newSpace = () => `sp_bus${String(++spaces).padStart(9, '0')}`;

function collector() {
  const got: Envelope[] = [];
  return { got, handler: (e: Envelope) => { got.push(e); } };
}

for (const fixture of [memoryBusFixture(), redisBusFixture()] as BusFixture[]) {
  describe(`Bus on ${fixture.name}`, () => {
    after(() => fixture.cleanup());

    test('domain events reach every subscriber of their Space, in order, in an envelope', async () => {
      const [a, b] = await fixture.pair();
      const space = newSpace();
      const onA = collector();
      const onB = collector();
      const other = collector();
      a.subscribe(space, onA.handler);
      b.subscribe(space, onB.handler);
      b.subscribe(newSpace(), other.handler);
      // A subscription starts at the log's end; on Redis that end is looked up, so publish once it is live.
      assert.ok(await until(async () => { await a.publish(space, changed(0)); return onA.got.length > 0 && onB.got.length > 0; }));
      const before = Date.now();
      const first = onA.got.at(-1)!.seq!;
      const sent: Envelope[] = [];
      for (let i = 1; i <= 5; i++) sent.push(await (i % 2 ? a : b).publish(space, changed(i)));
      assert.ok(await until(() => onA.got.filter((e) => e.seq! > first).length === 5 && onB.got.filter((e) => e.seq! > first).length === 5));
      for (const seen of [onA.got, onB.got]) {
        const tail = seen.filter((e) => e.seq! > first);
        assert.deepEqual(tail.map(participantOf), ['p_1', 'p_2', 'p_3', 'p_4', 'p_5']);
        assert.deepEqual(tail.map((e) => e.seq), [1, 2, 3, 4, 5].map((i) => first + i), 'seq counts per Space, across origins');
        assert.deepEqual(tail.map((e) => e.id), sent.map((e) => e.id));
      }
      assert.deepEqual(onB.got.filter((e) => e.seq! > first).map((e) => e.origin), [a, b, a, b, a].map((bus) => bus.origin));
      const e = onB.got.at(-1)!;
      assert.equal(e.spaceId, space);
      assert.ok(e.at >= before - 1000 && e.at <= Date.now() + 1000);
      assert.equal(other.got.length, 0, 'another Space hears nothing');
    });

    test('concurrent publishes from two origins get distinct, gapless sequence numbers', async () => {
      const [a, b] = await fixture.pair();
      const space = newSpace();
      const sent = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).publish(space, changed(i))));
      assert.deepEqual(sent.map((e) => e.seq).sort((x, y) => x! - y!), Array.from({ length: 40 }, (_, i) => i + 1));
      assert.equal(new Set(sent.map((e) => e.id)).size, 40);
    });

    test('a domain event published again under its outbox event id is logged once, from whichever origin', async () => {
      const [a, b] = await fixture.pair();
      const space = newSpace();
      const seen = collector();
      b.subscribe(space, seen.handler);
      assert.ok(await until(async () => { await a.publish(space, changed(0)); return seen.got.length > 0; }));
      const first = await a.publish(space, changed(1), { eventId: 'ev-1' });
      // A relay that died before deleting its row: the next relay, on this origin or another, publishes it again.
      const again = await b.publish(space, changed(1), { eventId: 'ev-1' });
      const repeated = await a.publish(space, changed(1), { eventId: 'ev-1' });
      assert.deepEqual([again.id, again.seq, repeated.id, repeated.seq], [first.id, first.seq, first.id, first.seq]);
      const next = await b.publish(space, changed(2), { eventId: 'ev-2' });
      assert.equal(next.seq, first.seq! + 1, 'the duplicates took no sequence number');
      assert.ok(await until(() => seen.got.some((e) => e.id === next.id)));
      assert.deepEqual(seen.got.map(participantOf).filter((p) => p !== 'p_0'), ['p_1', 'p_2'], 'subscribers see it once');
    });

    test('a subscriber resumes after the last id it saw: what it missed, then live, nothing twice', async () => {
      const [a, b] = await fixture.pair();
      const space = newSpace();
      const sent: Envelope[] = [];
      for (let i = 1; i <= 3; i++) sent.push(await a.publish(space, changed(i)));
      // Disconnected: events 4 and 5 happen meanwhile.
      for (let i = 4; i <= 5; i++) sent.push(await a.publish(space, changed(i)));
      const resumed = collector();
      let gaps = 0;
      b.subscribe(space, resumed.handler, { after: sent[2]!.id!, onGap: () => { gaps++; } });
      assert.ok(await until(() => resumed.got.length === 2));
      await a.publish(space, changed(6));
      assert.ok(await until(() => resumed.got.length === 3));
      assert.deepEqual(resumed.got.map(participantOf), ['p_4', 'p_5', 'p_6']);
      assert.equal(gaps, 0);
    });

    test('resuming from an id the log no longer holds reports a gap, then replays what is retained', async () => {
      const [a, b] = await fixture.pair({ retain: 10 });
      const space = newSpace();
      const first = await a.publish(space, changed(0));
      // MAXLEN ~ trims whole blocks in Redis, so go well past the bound.
      for (let i = 1; i < 400; i++) await a.publish(space, changed(i));
      const resumed = collector();
      let gaps = 0;
      b.subscribe(space, resumed.handler, { after: first.id!, onGap: () => { gaps++; } });
      assert.ok(await until(() => gaps === 1 && resumed.got.length > 0));
      assert.ok(resumed.got.length < 399, 'bounded log');
      assert.equal(participantOf(resumed.got.at(-1)!), 'p_399');
      const seqs = resumed.got.map((e) => e.seq!);
      assert.deepEqual(seqs, seqs.slice().sort((x, y) => x - y));

      let garbage = 0;
      b.subscribe(space, () => {}, { after: 'not-an-id', onGap: () => { garbage++; } });
      assert.ok(await until(() => garbage === 1));
    });

    test('telemetry is delivered live without an id, and never replayed', async () => {
      const [a, b] = await fixture.pair();
      const space = newSpace();
      const live = collector();
      b.subscribe(space, live.handler);
      // Pub/sub takes the subscription asynchronously: send until it arrives (lossy by design).
      assert.ok(await until(async () => { await a.publish(space, { type: 'listeners', count: 7, peak: 9 }); return live.got.length > 0; }));
      const e = live.got[0]!;
      assert.deepEqual([e.id, e.seq, e.event], [null, null, { type: 'listeners', count: 7, peak: 9 }]);
      const marker = await a.publish(space, changed(1));
      await a.publish(space, { type: 'reactions', second: 1, counts: { clap: 3 } });
      assert.ok(await until(() => live.got.some((x) => x.event.type === 'reactions')));
      const late = collector();
      b.subscribe(space, late.handler, { after: marker.id! });
      await a.publish(space, changed(2));
      assert.ok(await until(() => late.got.some((x) => x.event.type === 'stage.changed')));
      assert.ok(late.got.every((x) => x.event.type === 'stage.changed'), 'the replay holds domain events only');
    });

    test('a subscriber that throws does not stop the others; unsubscribing stops delivery', async () => {
      const [a, b] = await fixture.pair();
      const space = newSpace();
      const good = collector();
      b.subscribe(space, () => { throw new Error('boom'); });
      const stop = b.subscribe(space, good.handler);
      assert.ok(await until(async () => { await a.publish(space, changed(1)); return good.got.length > 0; }));
      stop();
      const count = good.got.length;
      const after = await a.publish(space, changed(2));
      // Delivery to a live subscriber of another handler proves the event went round before we look.
      const witness = collector();
      b.subscribe(space, witness.handler, { after: good.got.at(-1)!.id! });
      assert.ok(await until(() => witness.got.some((e) => e.id === after.id)));
      assert.equal(good.got.length, count);
    });
  });
}
