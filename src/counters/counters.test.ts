import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { memoryCountersFixture, redisCountersFixture, type CountersFixture } from '../../test/helpers/cluster-engines.js';
import { seededRandom } from '../../test/helpers/seeded-random.js';
import { LISTENER_BUCKET_MS } from './counters.js';
import { RedisCounters } from './redis-counters.js';

// One suite, both engines: what two origins count together is the union (listeners) and the sum
// (reactions), whichever origin reads it.

const T0 = Date.parse('2026-03-01T18:00:00.000Z');
let spaces = 0;
const newSpace = () => `sp_cnt${String(++spaces).padStart(9, '0')}`;

for (const fixture of [memoryCountersFixture(), redisCountersFixture()] as CountersFixture[]) {
  describe(`AudienceCounters on ${fixture.name}`, () => {
    after(() => fixture.cleanup());

    test('listeners heard by two origins count once each: the union, not the sum nor the max', async () => {
      const [a, b] = await fixture.pair();
      const space = newSpace();
      const random = seededRandom(20261130);
      const ids = Array.from({ length: 6000 }, () => random.bytes(16));
      // 0..3999 beat on a, 2000..5999 on b: 6000 distinct, 2000 heard by both.
      await Promise.all(ids.slice(0, 4000).map((id) => a.addListener(space, id, T0)));
      await Promise.all(ids.slice(2000).map((id) => b.addListener(space, id, T0 + 1000)));
      for (const reader of [a, b]) {
        const count = await reader.listeners(space, T0 + 2000);
        assert.ok(Math.abs(count - 6000) / 6000 < 0.03, `union of 6000, got ${count}`);
      }
      assert.equal(await a.listeners(newSpace(), T0), 0);
    });

    test('the window is the last two buckets: a listener who stops beating leaves it', async () => {
      const [a, b] = await fixture.pair();
      const space = newSpace();
      const random = seededRandom(7);
      const early = Array.from({ length: 500 }, () => random.bytes(16));
      const late = Array.from({ length: 300 }, () => random.bytes(16));
      await Promise.all(early.map((id) => a.addListener(space, id, T0)));
      await Promise.all(late.map((id) => b.addListener(space, id, T0 + LISTENER_BUCKET_MS)));
      const both = await a.listeners(space, T0 + LISTENER_BUCKET_MS);
      assert.ok(Math.abs(both - 800) <= 16, `both buckets: ${both}`);
      const onlyLate = await b.listeners(space, T0 + 2 * LISTENER_BUCKET_MS);
      assert.ok(Math.abs(onlyLate - 300) <= 6, `the early bucket left the window: ${onlyLate}`);
    });

    test('reactions from two origins add up exactly, with the rate over the last seconds', async () => {
      const [a, b] = await fixture.pair();
      const space = newSpace();
      await Promise.all([
        ...Array.from({ length: 300 }, (_, i) => a.addReaction(space, 'clap', T0 + (i % 5) * 1000)),
        ...Array.from({ length: 200 }, () => b.addReaction(space, 'heart', T0 + 4000)),
        ...Array.from({ length: 100 }, () => b.addReaction(space, 'clap', T0 + 4000)),
      ]);
      const seen = await a.reactions(space, T0 + 4500);
      assert.deepEqual(seen.totals, { clap: 400, heart: 200 });
      assert.deepEqual(await b.reactions(space, T0 + 4500), seen);
      assert.equal(seen.perSecond.clap, 40, '400 claps over the 10 s window');
      assert.equal(seen.perSecond.heart, 20);
      const later = await a.reactions(space, T0 + 60_000);
      assert.deepEqual(later.perSecond, {}, 'the rate forgets; the totals stay');
      assert.deepEqual(later.totals, { clap: 400, heart: 200 });
    });
  });
}

test('Redis counters: every write of a batch Redis did not take is refused, none acknowledged', async () => {
  // A port nothing listens on: the batch's MULTI fails, and so must each write coalesced into it.
  const counters = new RedisCounters({ url: 'redis://127.0.0.1:1', prefix: 'unreachable' });
  try {
    const outcomes = await Promise.allSettled([
      counters.addListener('sp_x', new Uint8Array(16), T0),
      counters.addReaction('sp_x', 'clap', T0),
      counters.addReaction('sp_x', 'heart', T0),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected']);
  } finally {
    await counters.close();
  }
});
