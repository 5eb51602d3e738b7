import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JitterBuffer } from './jitter-buffer.js';

const b = (n: number): Buffer => Buffer.from([n & 0xff]);
function popKind(jb: JitterBuffer): string {
  const r = jb.pop();
  return r.kind === 'packet' ? `p${r.payload[0]}` : r.kind;
}

test('reorders packets and reports losses only once later packets exist', () => {
  const jb = new JitterBuffer();
  jb.push(10, b(10));
  jb.push(12, b(12));
  jb.push(11, b(11));
  assert.deepEqual([popKind(jb), popKind(jb), popKind(jb), popKind(jb)], ['p10', 'p11', 'p12', 'empty']);
  jb.push(15, b(15));
  assert.deepEqual([popKind(jb), popKind(jb), popKind(jb)], ['lost', 'lost', 'p15']);
});

test('an empty buffer holds its place: a late packet still plays (delay grows by a frame)', () => {
  const jb = new JitterBuffer();
  jb.push(1, b(1));
  assert.equal(popKind(jb), 'p1');
  assert.equal(popKind(jb), 'empty');
  assert.equal(jb.push(2, b(2)), 'accepted');
  assert.equal(popKind(jb), 'p2');
});

test('late and duplicate packets are refused', () => {
  const jb = new JitterBuffer();
  jb.push(5, b(5));
  jb.push(6, b(6));
  assert.equal(jb.push(6, b(6)), 'duplicate');
  jb.pop();
  assert.equal(jb.push(5, b(5)), 'late');
});

test('sequence numbers wrap at 65535', () => {
  const jb = new JitterBuffer();
  jb.push(65_534, b(1));
  jb.push(0, b(3));
  jb.push(65_535, b(2));
  assert.deepEqual([popKind(jb), popKind(jb), popKind(jb)], ['p1', 'p2', 'p3']);
});

test('a jump beyond capacity restarts the stream', () => {
  const jb = new JitterBuffer(50);
  jb.push(100, b(1));
  assert.equal(jb.push(30_000, b(2)), 'reset');
  assert.equal(popKind(jb), 'p2');
});

test('drainIfDeep sheds one packet when a spare packet waited for a whole window', () => {
  const jb = new JitterBuffer();
  for (let s = 0; s < 3; s++) jb.push(s, b(s));
  let drained = false;
  for (let i = 0; i < 50; i++) drained = jb.drainIfDeep(50) || drained;
  assert.ok(drained);
  assert.equal(popKind(jb), 'p1');
});

test('drainIfDeep keeps the buffer when it ran dry within the window', () => {
  const jb = new JitterBuffer();
  jb.push(0, b(0));
  for (let i = 0; i < 50; i++) {
    assert.equal(jb.drainIfDeep(50), false);
    jb.pop();
    jb.push(i + 1, b(i + 1));
  }
});

test('any arrival order yields each packet at most once, in order (property)', () => {
  fc.assert(fc.property(fc.shuffledSubarray([...Array(40).keys()], { minLength: 1 }), (order) => {
    const jb = new JitterBuffer();
    for (const s of order) jb.push((s + 65_520) & 0xffff, b(s));
    const seen: number[] = [];
    for (let i = 0; i < 60; i++) {
      const r = jb.pop();
      if (r.kind === 'packet') seen.push(r.payload[0]!);
    }
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!);
    assert.equal(new Set(seen).size, seen.length);
  }));
});
