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
  assert.equal(resolveAudienceOptions({ dataDir: 'd', partTargetMs: undefined }).partTargetMs, 400);
  assert.throws(() => resolveAudienceOptions({ dataDir: 'd', startupPartMs: 600 }), TypeError, 'startup parts no longer than PART-TARGET');
  assert.throws(() => resolveAudienceOptions({ dataDir: 'd', startupPartMs: 30 }), TypeError, 'startup parts on the frame grid');
  assert.throws(() => resolveAudienceOptions({ dataDir: 'd', partTargetMs: 210 }), TypeError, 'multiple of 20 ms');
  assert.throws(() => resolveAudienceOptions({ dataDir: 'd', partTargetMs: 300, segmentTargetMs: 2000 }), TypeError);
  assert.throws(() => resolveAudienceOptions({ dataDir: 'd', partTargetMs: 200, startupPartMs: 400 }), TypeError);
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
  const conf = renderEdgeConfig({ listen: '127.0.0.1:8081', origins: ['10.0.0.1:8080', '10.0.0.2:8080'], cacheDir: '/c', tempDir: '/t' });
  assert.doesNotMatch(conf, /\{\{/);
  assert.match(conf, /proxy_cache_key \$request_uri\$tribune_encoding;/);
  assert.match(conf, /proxy_cache_lock on;/);
  assert.match(conf, /server 10\.0\.0\.1:8080 max_fails=1/);
  assert.match(conf, /server 10\.0\.0\.2:8080 max_fails=1/);
  // The client's own X-Forwarded-For is overwritten, never appended to.
  assert.match(conf, /proxy_set_header X-Forwarded-For \$remote_addr;/);
  assert.doesNotMatch(conf, /proxy_add_x_forwarded_for/);
  for (const bad of [[], ['10.0.0.1'], ['a b:1'], ['x:1;evil']]) {
    assert.throws(() => renderEdgeConfig({ listen: '8080', origins: bad, cacheDir: '/c', tempDir: '/t' }), TypeError, JSON.stringify(bad));
  }
  assert.throws(() => renderEdgeConfig({ listen: '8080', origins: ['x:1'], cacheDir: '/c', tempDir: '/t' }, '{{NOPE}}'), TypeError);
  assert.match(conf, /^\s*listen 127\.0\.0\.1:8081 reuseport;$/m);
  assert.doesNotMatch(conf, /ssl_certificate|X-Cache-Status/, 'plain HTTP; the cache status goes to the log only');
  const tls = renderEdgeConfig({ listen: '443', origins: ['x:1'], cacheDir: '/c', tempDir: '/t', tls: { certificate: '/etc/a.pem', key: '/etc/k.pem' } });
  assert.match(tls, /^\s*listen 443 ssl http2 reuseport;$/m);
  assert.match(tls, /ssl_certificate \/etc\/a\.pem;/);
  assert.match(tls, /ssl_certificate_key \/etc\/k\.pem;/);
  assert.throws(() => renderEdgeConfig({ listen: '443', origins: ['x:1'], cacheDir: '/c', tempDir: '/t', tls: { certificate: '/a;b', key: '/k' } }), TypeError);
});
