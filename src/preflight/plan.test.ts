import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_BEHAVIOUR, DEFAULT_CAPACITIES, type Capacities } from './capacities.js';
import { computePlan, type Plan } from './plan.js';
import { preflight } from '../cli/preflight.js';

const value = (plan: Plan, item: string): number => {
  const row = plan.rows.find((r) => r.item === item);
  assert.ok(row, `row ${item}`);
  return row.value;
};

const basis = (plan: Plan, item: string): string => plan.rows.find((r) => r.item === item)?.basis ?? '';

const base = { spaces: 1, headroom: 1, capacities: DEFAULT_CAPACITIES, behaviour: DEFAULT_BEHAVIOUR };

test('1.5M listeners: bandwidth, requests and edges by hand', () => {
  const plan = computePlan({ ...base, expectedListeners: 1_500_000 });
  // Per part: 32 kb/s x 0.4 s = 1600 B Opus + 208 B CMAF + 330 B playlist (brotli) + 2 x 240 B headers = 2618 B,
  // x 2.5 parts/s = 6545 B/s, + a 360 B state poll every 2 s = 6725 B/s x 8 bits = 53.8 kb/s.
  assert.equal(value(plan, 'per-listener LL-HLS traffic'), 53.8);
  assert.equal(value(plan, 'audio alone (Opus bitrate x listeners)'), 48);
  assert.equal(value(plan, 'edge / CDN egress'), 80.7);
  // 1.5M x (2 x 2.5 parts/s + 0.5 state polls/s).
  assert.equal(value(plan, 'requests at the edge'), 8_250_000);
  // CPU: 8.25M req/s / (20k x 8) = 51.6 -> 52; NIC: 80.7 Gb/s / 8 Gb/s = 10.1 -> 11.
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
  fc.assert(fc.property(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 5_000_000 }), fc.constantFrom('parts' as const, 'segment-streams' as const), (a, b, delivery) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const p = computePlan({ ...base, expectedListeners: lo, delivery });
    const q = computePlan({ ...base, expectedListeners: hi, delivery });
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

test('parts is the default delivery, and says so in its own row', () => {
  const plan = computePlan({ ...base, expectedListeners: 1_500_000 });
  assert.equal(plan.input.delivery, 'parts');
  assert.deepEqual(computePlan({ ...base, expectedListeners: 1_500_000, delivery: 'parts' }), plan);
  // 2 requests x 2.5 parts/s + 0.5 state polls/s.
  assert.equal(value(plan, 'delivery: parts'), 5.5);
  assert.match(basis(plan, 'requests at the edge'), /1500000 x \(2 req x 2\.5 parts\/s \+ 1 state poll every 2 s\)/);
  assert.ok(!plan.warnings.some((w) => w.includes('streaming fill')));
});

test('segment streams, 1.5M listeners: bandwidth, requests, edges and origin requests by hand', () => {
  const plan = computePlan({ ...base, expectedListeners: 1_500_000, delivery: 'segment-streams' });
  assert.equal(plan.input.delivery, 'segment-streams');
  // Per second: 2.5 parts x (1600 B Opus + 208 B boxes) = 4520 B; one 2 s segment response and one real
  // reload per 6 s: 240 B x (1/2 + 1/6) = 160 B of headers, 330 B / 6 = 55 B of playlist; 180 B of state.
  // 4520 + 160 + 55 + 180 = 4915 B/s x 8 = 39,320 b/s.
  assert.equal(value(plan, 'per-listener LL-HLS traffic'), 39.3);
  assert.equal(value(plan, 'edge / CDN egress'), 58.98);
  assert.equal(value(plan, 'audio alone (Opus bitrate x listeners)'), 48);
  // 1/2 + 1/6 + 1/2 = 7/6 requests per listener-second; x 1.5M = 1.75M req/s.
  assert.equal(value(plan, 'delivery: segment-streams'), 1.167);
  assert.equal(value(plan, 'requests at the edge'), 1_750_000);
  // CPU: 1.75M / 160k = 10.9 -> 11; NIC: 58.98 Gb/s / 8 Gb/s = 7.4 -> 8.
  assert.equal(plan.edges, 11);
  // 11 edges x (1 stream + a third of a playlist reload) per 2 s segment: 11 x 1.34 / 2 = 7.37.
  assert.equal(value(plan, 'requests at each Space origin'), 7);
  // The rest does not depend on the delivery.
  assert.equal(plan.origins, 2);
  assert.equal(value(plan, 'heartbeats'), 50_000);
  assert.equal(value(plan, 'load generators to rehearse at full size'), 38);
  // The operator reads the arithmetic of this mode, and what the edge must do.
  assert.match(basis(plan, 'per-listener LL-HLS traffic'), /^\(1600 B Opus \+ 208 B CMAF\) x 2\.5 parts\/s \+ 240 B headers x \(0\.5 segments\/s \+ 0\.167 reloads\/s\) \+ 330 B playlist x 0\.167 reloads\/s \+ 360 B state every 2 s$/);
  assert.match(basis(plan, 'requests at the edge'), /1 segment stream every 2 s \+ 1 playlist reload every 3 x 2 s \+ 1 state poll every 2 s/);
  assert.match(basis(plan, 'requests at each Space origin'), /^11 edges x 1\.34 req\/segment .* x 0\.5 segments\/s x 1 Spaces/);
  assert.match(basis(plan, 'delivery: segment-streams'), /share a streaming fill.*--stream-cache.*docs\/edge\.md/);
  assert.ok(plan.warnings.some((w) => w.includes('streaming fill') && w.includes('Varnish')));
});

test('segment streams follow the figures: 3.2 s segments, a real reload every 2nd one', () => {
  const capacities: Capacities = {
    ...DEFAULT_CAPACITIES,
    segmentMs: { value: 3_200, unit: 'ms', source: 'test' },
    segmentsPerRealReload: { value: 2, unit: 'segments', source: 'test' },
  };
  const plan = computePlan({ ...base, capacities, expectedListeners: 64_000, delivery: 'segment-streams' });
  // 1/3.2 = 0.3125 segments/s, 0.15625 reloads/s, 0.5 state polls/s: 0.96875 req/s x 64k = 62,000.
  assert.equal(value(plan, 'requests at the edge'), 62_000);
  // 4520 B + 240 x 0.46875 = 112.5 B + 330 x 0.15625 = 51.5625 B + 180 B = 4864.0625 B/s = 38,912.5 b/s.
  assert.equal(value(plan, 'per-listener LL-HLS traffic'), 38.9);
  // 64k x 38,912.5 b/s = 2,490,400,000 b/s: 1 edge by NIC, 1 by CPU; 2 for redundancy, each 1.34 x 0.3125 origin req/s.
  assert.equal(value(plan, 'edge / CDN egress'), 2.4904);
  assert.equal(plan.edges, 2);
  assert.equal(value(plan, 'requests at each Space origin'), 1);
});

test('segment streams cost the edge fewer requests and bytes than parts, the origin fewer requests', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 5_000_000 }), fc.integer({ min: 1, max: 20 }), (listeners, spaces) => {
    const parts = computePlan({ ...base, spaces, expectedListeners: listeners, delivery: 'parts' });
    const streams = computePlan({ ...base, spaces, expectedListeners: listeners, delivery: 'segment-streams' });
    assert.ok(value(streams, 'requests at the edge') < value(parts, 'requests at the edge'));
    assert.ok(value(streams, 'per-listener LL-HLS traffic') < value(parts, 'per-listener LL-HLS traffic'));
    assert.ok(value(streams, 'edge / CDN egress') <= value(parts, 'edge / CDN egress'));
    assert.ok(streams.edges <= parts.edges);
    assert.ok(value(streams, 'requests at each Space origin') < value(parts, 'requests at each Space origin'));
  }), { numRuns: 100 });
  const parts = computePlan({ ...base, expectedListeners: 1_500_000 });
  const streams = computePlan({ ...base, expectedListeners: 1_500_000, delivery: 'segment-streams' });
  assert.ok(streams.edges < parts.edges, `${streams.edges} < ${parts.edges}`);
  assert.throws(() => computePlan({ ...base, expectedListeners: 10, delivery: 'chunks' as never }), RangeError);
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => { out += String(chunk); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { err += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    const code = await preflight(args);
    return { code, out, err };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

test('tribune preflight --delivery: parts by default, segment-streams on request, anything else exit 2', async () => {
  const none = ['--results', '/nonexistent-bench-results', '--json'];
  const parts = await cli(['--expect', '1000', ...none]);
  assert.equal(parts.code, 0, parts.err);
  assert.equal(JSON.parse(parts.out).plan.input.delivery, 'parts');
  const streams = await cli(['--expect', '1000', '--delivery', 'segment-streams', ...none]);
  assert.equal(streams.code, 0, streams.err);
  const plan = JSON.parse(streams.out).plan as Plan;
  assert.equal(plan.input.delivery, 'segment-streams');
  assert.ok(plan.rows.some((r) => r.item === 'delivery: segment-streams'));
  const text = await cli(['--expect', '1000', '--delivery', 'segment-streams', '--results', '/nonexistent-bench-results']);
  assert.match(text.out, /delivery segment-streams/);
  for (const bad of ['segments', 'PARTS', '']) {
    const r = await cli(['--expect', '1000', '--delivery', bad, ...none]);
    assert.equal(r.code, 2, `--delivery '${bad}'`);
    assert.equal(r.out, '');
    assert.match(r.err, new RegExp(`--delivery must be parts or segment-streams, got '${bad}'`));
  }
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /--delivery <mode>/);
  assert.match(help.out, /segment-streams: each 2 s segment in one request/);
  assert.match(help.out, /shares a streaming fill[\s\S]*docs\/edge\.md/);
});
