import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SoftLimiter, floatToPcm16 } from './limiter.js';

test('the limiter never lets a sum of loud speakers reach full scale', () => {
  const limiter = new SoftLimiter();
  for (let f = 0; f < 50; f++) {
    const frame = new Float32Array(960);
    // Thirteen speakers at 0.5 each, in phase: a sum of 6.5 x full scale.
    for (let i = 0; i < 960; i++) frame[i] = 6.5 * Math.sin((2 * Math.PI * 200 * (f * 960 + i)) / 48_000);
    limiter.process(frame);
    for (const v of frame) assert.ok(Math.abs(v) < 1, `sample ${v}`);
    const pcm = floatToPcm16(frame, Buffer.alloc(1920));
    for (let i = 0; i < 960; i++) assert.ok(Math.abs(pcm.readInt16LE(i * 2)) < 32_767);
  }
});

test('quiet audio passes unchanged', () => {
  const limiter = new SoftLimiter();
  const frame = new Float32Array(960).map((_, i) => 0.3 * Math.sin(i / 10));
  const copy = Float32Array.from(frame);
  limiter.process(frame);
  for (let i = 0; i < 960; i++) assert.ok(Math.abs(frame[i]! - copy[i]!) < 1e-6);
});

test('gain recovers after a loud burst', () => {
  const limiter = new SoftLimiter();
  limiter.process(new Float32Array(960).fill(3));
  assert.ok(limiter.gain < 0.5);
  for (let i = 0; i < 200; i++) limiter.process(new Float32Array(960).fill(0.01));
  assert.ok(limiter.gain > 0.99);
});
