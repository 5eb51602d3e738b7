import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProfile, rampProfile, targetAt } from './options.js';
import { isLoopbackUrl } from './target.js';
import { scanPlaylist } from './playlist-scan.js';

test('a staged profile moves linearly between levels and holds the last', () => {
  const stages = parseProfile({ stages: [{ durationS: 10, listeners: 1000 }, { durationS: 10, listeners: 1000 }, { durationS: 5, listeners: 0 }] });
  assert.equal(targetAt(stages, 0), 0);
  assert.equal(targetAt(stages, 5_000), 500);
  assert.equal(targetAt(stages, 15_000), 1000);
  assert.equal(targetAt(stages, 22_500), 500);
  assert.equal(targetAt(stages, 99_000), 0);
  assert.throws(() => parseProfile({ stages: [] }), TypeError);
  assert.throws(() => parseProfile({ stages: [{ durationS: -1, listeners: 5 }] }), TypeError);
  assert.throws(() => parseProfile({ stages: [{ durationS: 1e9, listeners: 5 }] }), TypeError);
});

test('a ramp longer than the run stops where the run ends', () => {
  const stages = rampProfile(20_000, 1000, 10);
  assert.equal(targetAt(stages, 10_000), 10_000);
});

test('loopback only: 127/8, ::1 and localhost; names are not resolved', () => {
  for (const ok of ['http://localhost:8080', 'http://127.0.0.1', 'http://127.9.9.9:1', 'http://[::1]:8080']) assert.ok(isLoopbackUrl(ok), ok);
  for (const no of ['http://10.0.0.1', 'http://example.org', 'http://128.0.0.1', 'http://[::2]', 'http://localhost.example.org', 'nope']) assert.ok(!isLoopbackUrl(no), no);
});

test('a playlist scan finds parts, the preload hint, the part target and the end', () => {
  const text = '#EXTM3U\n#EXT-X-PART-INF:PART-TARGET=0.200\n#EXT-X-PART:DURATION=0.200,URI="part-7.8.m4s"\n#EXT-X-PART:DURATION=0.200,URI="part-7.9.m4s"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-8.0.m4s"\n';
  const scan = scanPlaylist(text);
  assert.deepEqual([...scan.parts], ['7.8', '7.9']);
  assert.deepEqual(scan.hint, { msn: 8, part: 0 });
  assert.equal(scan.partTargetMs, 200);
  assert.equal(scan.ended, false);
  assert.equal(scanPlaylist(`${text}#EXT-X-ENDLIST\n`).ended, true);
});
