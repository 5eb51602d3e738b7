import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseParser } from './response-parser.js';
import { classify } from './flood-stats.js';
import { floodAddress, honestAddress, isLoopbackV4 } from './addresses.js';
import { seededRandom } from './random.js';

const nginx429 = 'HTTP/1.1 429 Too Many Requests\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: 169\r\nConnection: keep-alive\r\n\r\n'
  + '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const body = JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Too many requests; retry in 1 s' } });
const origin429 = `HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
const chunked = 'HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n' + '1a\r\n{"error":{"code":"OVERLOAD\r\n' + '7\r\nED"}}  \r\n0\r\n\r\n';
const accepted = 'HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n';
const closing = 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';

test('pipelined answers, split anywhere, come out in order with who refused them and why', () => {
  const wire = Buffer.from(nginx429 + origin429 + chunked + accepted + closing);
  const random = seededRandom(42);
  for (let trial = 0; trial < 200; trial++) {
    const parser = new ResponseParser();
    const out = [];
    let at = 0;
    while (at < wire.length) {
      const n = 1 + Math.floor(random() * 40);
      out.push(...parser.push(wire.subarray(at, at + n)));
      at += n;
    }
    assert.deepEqual(out.map((r) => classify(r).outcome), ['edge 429', 'origin RATE_LIMITED', 'origin OVERLOADED', 'accepted 202', 'origin 400']);
    assert.deepEqual(out.map((r) => r.close), [false, false, false, false, true]);
  }
});

test('flood and honest addresses are loopback, distinct, and never overlap', () => {
  const flood = new Set(Array.from({ length: 65_536 }, (_, i) => floodAddress(i)));
  const honest = new Set(Array.from({ length: 60_000 }, (_, i) => honestAddress(i)));
  assert.equal(flood.size, 65_536);
  assert.equal(honest.size, 60_000);
  for (const a of [...flood, ...honest]) assert.ok(isLoopbackV4(a), a);
  for (const a of honest) assert.ok(!flood.has(a), a);
  // 64 addresses per /24: a per-/24 cap sees a network of several attackers.
  assert.equal(new Set(Array.from({ length: 4096 }, (_, i) => floodAddress(i).split('.').slice(0, 3).join('.'))).size, 64);
});
