import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isRtcp, parseRtp, writeRtp } from './rtp.js';

test('writeRtp and parseRtp round-trip', () => {
  const payload = Buffer.from([1, 2, 3, 4]);
  const packet = parseRtp(writeRtp(111, 65_535, 0xffff_ffff, 0x1234_5678, payload, true));
  assert.notEqual(typeof packet, 'string');
  if (typeof packet === 'string') return;
  assert.equal(packet.payloadType, 111);
  assert.equal(packet.sequence, 65_535);
  assert.equal(packet.timestamp, 0xffff_ffff);
  assert.equal(packet.ssrc, 0x1234_5678);
  assert.equal(packet.marker, true);
  assert.deepEqual([...packet.payload], [1, 2, 3, 4]);
});

test('extensions, CSRCs and padding are skipped', () => {
  const header = Buffer.from([0xb1, 111, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]); // padding, extension, 1 CSRC
  const csrc = Buffer.alloc(4);
  const extension = Buffer.from([0xbe, 0xde, 0, 1, 0x10, 0xff, 0, 0]);
  const payload = Buffer.from([9, 9, 9]);
  const padding = Buffer.from([0, 0, 3]);
  const packet = parseRtp(Buffer.concat([header, csrc, extension, payload, padding]));
  assert.ok(typeof packet !== 'string');
  assert.deepEqual([...packet.payload], [9, 9, 9]);
});

test('truncated and malformed packets are rejected with a reason', () => {
  assert.equal(parseRtp(Buffer.alloc(5)), 'too-short');
  assert.equal(parseRtp(Buffer.alloc(20)), 'version');
  assert.equal(parseRtp(Buffer.from([0x8f, 111, ...Buffer.alloc(14)])), 'csrc');
  assert.equal(parseRtp(Buffer.from([0x90, 111, ...Buffer.alloc(10), 0xbe, 0xde, 0, 9])), 'extension');
  assert.equal(parseRtp(Buffer.from([0xa0, 111, ...Buffer.alloc(10), 1, 200])), 'padding');
  assert.equal(parseRtp(Buffer.from([0x80, 111, ...Buffer.alloc(10)])), 'empty');
});

test('RTCP is told apart from RTP (RFC 5761)', () => {
  assert.equal(isRtcp(Buffer.from([0x80, 200])), true);
  assert.equal(isRtcp(Buffer.from([0x80, 111])), false);
  assert.equal(isRtcp(Buffer.from([0x80, 0xef])), false); // PT 111 with marker
});

test('parseRtp never throws and never reads past the buffer (fuzz)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
    const result = parseRtp(Buffer.from(bytes));
    if (typeof result !== 'string') assert.ok(result.payload.length > 0 && result.payload.length <= bytes.length - 12);
  }), { numRuns: 5000 });
});
