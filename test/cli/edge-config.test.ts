import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', 'edge-config', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = ''; let err = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { err += String(d); });
    child.once('exit', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

test('tribune edge-config --varnish and --stream-cache: the two processes of an edge host', { timeout: 60_000 }, async () => {
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /--stream-cache <host:port>/);
  assert.match(help.out, /--varnish /);
  assert.match(help.out, /varnishd .*-a 127\.0\.0\.1:6081/);

  const vcl = await cli(['--varnish', '--listen', '127.0.0.1:6081', '--origin', '10.0.0.1:8080', '--origin', '10.0.0.2:8080']);
  assert.equal(vcl.code, 0, vcl.err);
  assert.match(vcl.out, /^vcl 4\.1;/);
  assert.match(vcl.out, /\.host = "10\.0\.0\.2";/);

  const nginx = await cli(['--listen', '0.0.0.0:80', '--origin', '10.0.0.1:8080', '--stream-cache', '127.0.0.1:6081']);
  assert.equal(nginx.code, 0, nginx.err);
  assert.match(nginx.out, /server 127\.0\.0\.1:6081;/);
  const plain = await cli(['--listen', '0.0.0.0:80', '--origin', '10.0.0.1:8080']);
  assert.doesNotMatch(plain.out, /tribune_stream_cache/);

  // Options of the other process are refused, not ignored.
  const mixed = await cli(['--varnish', '--listen', '127.0.0.1:6081', '--origin', '10.0.0.1:8080', '--stream-cache', '127.0.0.1:6081']);
  assert.equal(mixed.code, 2);
  assert.match(mixed.err, /--varnish takes --listen and --origin only \(not --stream-cache\)/);
  const bad = await cli(['--listen', '80', '--origin', '10.0.0.1:8080', '--stream-cache', 'localhost']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /stream cache "localhost" is not host:port/);
  const noOrigin = await cli(['--varnish', '--listen', '127.0.0.1:6081']);
  assert.equal(noOrigin.code, 2);
});
