/**
 * How fast one relay empties the outbox in cluster mode (PostgreSQL and Redis of the tests): EVENTS
 * question events over 20 Spaces are committed first (as if Redis had been away), then a relay drains
 * them, against the same number of events published straight to the same Redis bus, one after the
 * other, in the same run. One relay at a time is the price of per-Space order (docs/cluster.md); this
 * is what it can publish. Its own schema and key prefix, removed after.
 *
 *   npx tsx bench/outbox-relay.ts [events=2000] [runs=3]
 */
import { performance } from 'node:perf_hooks';
import { RedisBus } from '../src/bus/redis/redis-bus.js';
import type { SpaceEvent } from '../src/bus/events.js';
import { OutboxRelay } from '../src/services/outbox-relay.js';
import { createPostgresStore } from '../src/store/postgres/index.js';
import { deleteKeys, dropSchemas, POSTGRES_URL, REDIS_URL, uniqueName } from '../test/helpers/cluster-engines.js';

const total = Number(process.argv[2] ?? 2000);
const runs = Number(process.argv[3] ?? 3);
const SPACES = 20;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const schema = uniqueName('bench_outbox');
const prefix = uniqueName('bench_outbox');
const store = await createPostgresStore({ url: POSTGRES_URL, schema, maxConnections: 10, origin: 'bench' });
const bus = new RedisBus({ url: REDIS_URL, prefix, origin: 'bench' });
try {
  await store.users.create({ id: 'u_bench', handle: 'bench', displayName: 'bench', passwordHash: 'x', platformRole: 'user', createdAt: new Date().toISOString() });
  const spaces = Array.from({ length: SPACES }, (_, i) => `sp_bench_${String(i).padStart(6, '0')}`);
  for (const id of spaces) {
    await store.spaces.create({ id, title: 'bench', description: '', language: 'en', hostId: 'u_bench', state: 'live', scheduledStart: null, timeZone: null,
      createdAt: new Date().toISOString(), startedAt: null, endedAt: null, maxOnStage: 13, maxCohosts: 2 });
  }
  const event = (i: number): SpaceEvent => ({ type: 'question.created', questionId: `q_${i}`, state: 'pending', votes: 0, highlighted: false });
  let n = 0;
  const relayed: number[] = [];
  const direct: number[] = [];
  for (let run = 0; run < runs; run++) {
    // Committed while nothing relays: the backlog an outage leaves.
    for (let i = 0; i < total; i++) {
      const spaceId = spaces[i % SPACES]!;
      const id = `q_bench_${++n}`;
      await store.questions.create({ id, spaceId, authorId: 'u_bench', text: 'q', anonymous: false, state: 'pending', votes: 0, highlighted: false,
        createdAt: new Date().toISOString(), answeredAt: null }, [{ spaceId, event: event(n) }]);
    }
    const relay = new OutboxRelay({ outbox: store.outbox, bus, pollMs: 60_000 });
    const t0 = performance.now();
    relay.kick();
    for (;;) {
      await relay.idle();
      if ((await store.outbox.depth()).length === 0) break;
      relay.kick();
    }
    relayed.push(total / ((performance.now() - t0) / 1000));
    await relay.close();
    const t1 = performance.now();
    for (let i = 0; i < total; i++) await bus.publish(spaces[i % SPACES]!, event(i));
    direct.push(total / ((performance.now() - t1) / 1000));
  }
  console.error(`events per run ${total}, runs ${runs}: relayed/s ${relayed.map(Math.round).join(', ')}; direct publishes/s ${direct.map(Math.round).join(', ')}`);
  console.log(JSON.stringify({ eventsPerRun: total, runs, relayedPerSecondMedian: Math.round(median(relayed)), directPublishesPerSecondMedian: Math.round(median(direct)) }));
  console.log(`one relay: ${Math.round(median(relayed))} events/s against ${Math.round(median(direct))} direct publishes/s (median of ${runs})`);
} finally {
  await bus.close();
  await store.close();
  await dropSchemas([schema]);
  await deleteKeys([prefix]);
}
