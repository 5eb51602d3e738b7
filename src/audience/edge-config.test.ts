import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderEdgeConfig, renderVarnishConfig } from './edge-config.js';

const BASE = { listen: '127.0.0.1:8081', origins: ['10.0.0.1:8080', '10.0.0.2:8080'], cacheDir: '/c', tempDir: '/t' } as const;
const TEMPLATE = readFileSync(new URL('../../deploy/nginx/edge.conf', import.meta.url), 'utf8');

/** The template without its optional blocks, markers included, cut line by line. */
function withoutSections(template: string): string {
  let inside = false;
  return template.split('\n').filter((line) => {
    if (/^\{\{#[A-Z_]+\}\}$/.test(line)) { inside = true; return false; }
    if (/^\{\{\/[A-Z_]+\}\}$/.test(line)) { inside = false; return false; }
    return !inside;
  }).join('\n');
}

test('edge config without a stream cache: the optional block leaves no trace', () => {
  const conf = renderEdgeConfig(BASE);
  assert.equal(conf, renderEdgeConfig(BASE, withoutSections(TEMPLATE)));
  assert.doesNotMatch(conf, /\{\{|tribune_stream_cache|seg-/);
  assert.equal(renderEdgeConfig({ ...BASE, streamCache: undefined }), conf);
});

test('edge config with a stream cache: segments go to it unbuffered, everything else as before', () => {
  const conf = renderEdgeConfig({ ...BASE, streamCache: '127.0.0.1:6081' });
  assert.doesNotMatch(conf, /\{\{/);
  assert.match(conf, /upstream tribune_stream_cache \{\n\s+server 127\.0\.0\.1:6081;\n\s+keepalive \d+;\n\s+\}/);
  const location = /location ~ "\^\/hls\/\[A-Za-z0-9_-\]\{1,64\}\/seg-\[0-9\]\+\\\.m4s\$" \{\n([\s\S]*?)\n {8}\}/.exec(conf);
  assert.ok(location, 'a quoted regex location for segments');
  const body = location[1]!;
  for (const line of ['proxy_pass http://tribune_stream_cache;', 'proxy_buffering off;', 'proxy_cache off;', 'proxy_set_header Connection "";',
    'proxy_set_header Host $http_host;', 'proxy_set_header X-Forwarded-For $remote_addr;', 'proxy_set_header X-Forwarded-Proto $scheme;',
    'proxy_set_header Accept-Encoding $tribune_encoding;']) {
    assert.ok(body.includes(line), line);
  }
  assert.doesNotMatch(body, /proxy_cache_lock|proxy_cache tribune_hls/);
  // The rest is the output without the option, line for line: the blocks' lines are all it adds.
  const without = renderEdgeConfig(BASE).split('\n');
  const lines = conf.split('\n');
  let matched = 0;
  for (const line of lines) if (matched < without.length && line === without[matched]) matched++;
  assert.equal(matched, without.length, 'every line of the output without the option, in order');
  const markers = TEMPLATE.split('\n').filter((l) => /^\{\{[#/][A-Z_]+\}\}$/.test(l)).length;
  const blockLines = TEMPLATE.split('\n').length - withoutSections(TEMPLATE).split('\n').length - markers;
  assert.equal(lines.length - without.length, blockLines);
  assert.match(conf, /location \/hls\/ \{[\s\S]*?proxy_cache_lock on;/, 'the /hls/ location is unchanged');
  for (const bad of ['6081', 'a b:1', 'x:1;evil', '127.0.0.1:6081 backup', '']) {
    assert.throws(() => renderEdgeConfig({ ...BASE, streamCache: bad }), TypeError, JSON.stringify(bad));
  }
  assert.throws(() => renderEdgeConfig(BASE, '{{#NOPE}}\nx\n{{/NOPE}}\n'), TypeError, 'an unknown section');
});

test('varnish config: a backend per origin, probed, round-robin; segments hashed on the URL and streamed', () => {
  const vcl = renderVarnishConfig({ listen: '127.0.0.1:6081', origins: ['10.0.0.1:8080', '[2001:db8::1]:8080', 'origin-b.internal:9000'] });
  assert.match(vcl, /^vcl 4\.1;\n/);
  assert.doesNotMatch(vcl, /\{\{/);
  assert.match(vcl, /backend origin_0 \{\n\s+\.host = "10\.0\.0\.1";\n\s+\.port = "8080";\n\s+\.probe = tribune_origin_alive;/);
  assert.match(vcl, /backend origin_1 \{\n\s+\.host = "2001:db8::1";\n\s+\.port = "8080";/);
  assert.match(vcl, /backend origin_2 \{\n\s+\.host = "origin-b\.internal";\n\s+\.port = "9000";/);
  for (const i of [0, 1, 2]) assert.match(vcl, new RegExp(`tribune_origins\\.add_backend\\(origin_${i}\\);`));
  assert.match(vcl, /new tribune_origins = directors\.round_robin\(\);/);
  assert.match(vcl, /\.url = "\/healthz";/);
  assert.match(vcl, /set beresp\.do_stream = true;/);
  assert.match(vcl, /sub vcl_hash \{[^}]*hash_data\(req\.url\);\s*return \(lookup\);/);
  assert.ok(vcl.includes('req.url !~ "^/hls/[A-Za-z0-9_-]{1,64}/seg-[0-9]+\\.m4s$"'));
  assert.match(vcl, /#\s+varnishd .*-a 127\.0\.0\.1:6081 .*-f \/etc\/varnish\/tribune-edge\.vcl -s malloc,256m\n/);
  assert.match(vcl, /--stream-cache 127\.0\.0\.1:6081/);
  for (const bad of [[], ['10.0.0.1'], ['a b:1'], ['x:1"; }'], ['x:70000']]) {
    assert.throws(() => renderVarnishConfig({ listen: '127.0.0.1:6081', origins: bad }), TypeError, JSON.stringify(bad));
  }
  for (const bad of ['6081', ':6081', '127.0.0.1:99999', '127.0.0.1:6081 -p x=y']) {
    assert.throws(() => renderVarnishConfig({ listen: bad, origins: ['x:1'] }), TypeError, bad);
  }
  assert.throws(() => renderVarnishConfig({ listen: '127.0.0.1:6081', origins: ['x:1'], storage: 'malloc,1g -p x' }), TypeError);
  assert.throws(() => renderVarnishConfig({ listen: '127.0.0.1:6081', origins: ['x:1'], vclPath: 'relative.vcl' }), TypeError);
});
