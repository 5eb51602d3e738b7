import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_BEHAVIOUR, DEFAULT_CAPACITIES, type Capacities } from './capacities.js';
import { computePlan, type Plan } from './plan.js';

const value = (plan: Plan, item: string): number => {
  const row = plan.rows.find((r) => r.item === item);
  assert.ok(row, `row ${item}`);
  return row.value;
};

const base = { spaces: 1, headroom: 1, capacities: DEFAULT_CAPACITIES, behaviour: DEFAULT_BEHAVIOUR };

test('1.5M listeners: bandwidth, requests and edges by hand', () => {
  const plan = computePlan({ ...base, expectedListeners: 1_500_000 });
  // Per part: 32 kb/s x 0.4 s = 1600 B Opus + 208 B CMAF + 330 B playlist (brotli) + 2 x 240 B headers = 2618 B,
  // x 2.5 parts/s = 6545 B/s, + a 700 B state poll every 2 s = 6895 B/s x 8 bits = 55.16 kb/s.
  assert.equal(value(plan, 'per-listener LL-HLS traffic'), 55.2);
  assert.equal(value(plan, 'audio alone (Opus bitrate x listeners)'), 48);
  assert.equal(value(plan, 'edge / CDN egress'), 82.74);
  // 1.5M x (2 x 2.5 parts/s + 0.5 state polls/s).
  assert.equal(value(plan, 'requests at the edge'), 8_250_000);
  // CPU: 8.25M req/s / (20k x 8) = 51.6 -> 52; NIC: 82.74 Gb/s / 8 Gb/s = 10.3 -> 11.
  assert.equal(plan.edges, 52);
  assert.equal(plan.origins, 2);
  assert.equal(value(plan, 'requests at each Space origin'), 52 * 2 * 2.5);
  assert.equal(value(plan, 'heartbeats'), 50_000);
  assert.equal(value(plan, 'reactions (before coalescing)'), 75_000);
  assert.equal(value(plan, 'load generators to rehearse at full size'), 38);
});

test('headroom multiplies the audience planned for; Spaces add two origins each', () => {
  const plan = computePlan({ ...base, expectedListeners: 100_000, headroom: 1.5, spaces: 3 });
  assert.equal(plan.input.sizedFor, 150_000);
  assert.equal(plan.origins, 6);
  assert.ok(value(plan, 'headroom at the edge') >= 1.5);
});

test('WHEP listeners need origins at the measured fan-out per process', () => {
  const plan = computePlan({ ...base, expectedListeners: 10_000, behaviour: { ...DEFAULT_BEHAVIOUR, whepShare: { value: 0.3, unit: 'share', source: 'test' } } });
  assert.equal(plan.origins, 2 + Math.ceil(3000 / 1500));
});

test('a NIC-bound edge is said to be, and a slow origin gets a shield warning', () => {
  const capacities: Capacities = { ...DEFAULT_CAPACITIES, edgeNicBps: { value: 1e9, unit: 'b/s', source: 'test' }, originRequestsPerCoreSecond: { value: 500, unit: 'req/s', source: 'test' } };
  const plan = computePlan({ ...base, capacities, expectedListeners: 1_000_000 });
  assert.ok(plan.warnings.some((w) => w.includes('bandwidth-bound')));
  assert.ok(plan.warnings.some((w) => w.includes('shield')));
});

test('no audience: no edges, still the redundant origin pair', () => {
  const plan = computePlan({ ...base, expectedListeners: 0 });
  assert.equal(plan.edges, 0);
  assert.equal(plan.origins, 2);
  assert.throws(() => computePlan({ ...base, expectedListeners: 10, headroom: 0.5 }), RangeError);
});

test('more listeners never need fewer edges, origins or cores (monotone)', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 5_000_000 }), (a, b) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const p = computePlan({ ...base, expectedListeners: lo });
    const q = computePlan({ ...base, expectedListeners: hi });
    for (const row of p.rows) {
      if (row.item === 'headroom at the edge') continue;
      assert.ok(value(q, row.item) >= row.value, `${row.item}: ${lo} -> ${row.value}, ${hi} -> ${value(q, row.item)}`);
    }
  }), { numRuns: 200 });
});

test('cluster mode: origins for the audience writes at the measured per-core figure, and the engines\' load', () => {
  const capacities: Capacities = {
    ...DEFAULT_CAPACITIES,
    clusterWritesPerOriginCoreSecond: { value: 1_000, unit: 'writes/s', source: 'test' },
    redisCommandsPerWrite: { value: 2, unit: 'commands', source: 'test' },
    postgresQueriesPerWrite: { value: 0.5, unit: 'queries', source: 'test' },
  };
  const plan = computePlan({ ...base, capacities, expectedListeners: 150_000 });
  // 150k / 30 s = 5,000 heartbeats + 150k x 0.05 = 7,500 reactions + (0.005 + 0.2) x 150k / 7,200 s x 10 = 42.7 questions and votes.
  assert.equal(value(plan, 'audience writes at the origins'), 12_543);
  // 12,542.7 / (1,000 x 0.7) = 17.9 -> 18 origins, more than the 2 of one Space's media.
  assert.equal(value(plan, 'origins for the audience writes'), 18);
  assert.equal(plan.clusterOrigins, 18);
  assert.equal(value(plan, 'Redis commands'), 25_085);
  assert.equal(value(plan, 'PostgreSQL queries'), 6_271);
  assert.ok(plan.warnings.some((w) => w.includes('18 origins')));
  // A small audience: the media's two origins take its writes.
  const small = computePlan({ ...base, capacities, expectedListeners: 1_000 });
  assert.equal(small.clusterOrigins, 2);
});
