import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIENCE_DEFAULTS, resolveAudienceOptions } from './options.js';
import { parseMediaName, partName, segmentName } from './names.js';
import { renderEdgeConfig } from './edge-config.js';

test('options: defaults in one place, validated, frozen', () => {
  const o = resolveAudienceOptions({ dataDir: '/tmp/x' });
  assert.equal(o.partTargetMs, AUDIENCE_DEFAULTS.partTargetMs);
  assert.equal(o.segmentTargetMs, 2000);
  assert.ok(Object.isFrozen(o));
  assert.equal(resolveAudienceOptions({ dataDir: 'd', partTargetMs: undefined }).partTargetMs, 200);
  assert.throws(() => resolveAudienceOptions({ dataDir: 'd', partTargetMs: 210 }), TypeError, 'multiple of 20 ms');
  assert.throws(() => resolveAudienceOptions({ dataDir: 'd', partTargetMs: 300, segmentTargetMs: 2000 }), TypeError);
  assert.throws(() => resolveAudienceOptions({ dataDir: 'd', liveWindowSegments: 2 }), TypeError);
  assert.throws(() => resolveAudienceOptions({ dataDir: '' }), TypeError);
});

test('media names round-trip and reject anything else', () => {
  assert.deepEqual(parseMediaName(segmentName(12)), { kind: 'segment', msn: 12 });
  assert.deepEqual(parseMediaName(partName(12, 3)), { kind: 'part', msn: 12, part: 3 });
  for (const bad of ['seg-01.m4s', 'seg-1.mp4', 'part-1.m4s', 'part-1.2.3.m4s', '../seg-1.m4s', 'seg--1.m4s', 'seg-1.m4s?x']) {
    assert.equal(parseMediaName(bad), undefined, bad);
  }
});

test('edge config renders every placeholder', () => {
  const conf = renderEdgeConfig({ listen: '127.0.0.1:8081', originPrimary: '10.0.0.1:8080', originSecondary: '10.0.0.2:8080', cacheDir: '/c', tempDir: '/t' });
  assert.doesNotMatch(conf, /\{\{/);
  assert.match(conf, /proxy_cache_key \$request_uri;/);
  assert.match(conf, /proxy_cache_lock on;/);
  assert.match(conf, /server 10\.0\.0\.2:8080 backup;/);
  assert.throws(() => renderEdgeConfig({ listen: 'x', originPrimary: 'x', originSecondary: 'x', cacheDir: '/c', tempDir: '/t' }, '{{NOPE}}'), TypeError);
});
