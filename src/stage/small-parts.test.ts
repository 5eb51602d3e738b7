import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { TypedEmitter } from './typed-emitter.js';
import { FrameClock } from './frame-clock.js';
import { resolveOptions } from './options.js';
import { DEFAULTS, STAGE_MEDIA_TUNING } from '../config/defaults.js';

test('typed emitter isolates a throwing listener', () => {
  const errors: unknown[] = [];
  const emitter = new TypedEmitter<{ x: number }>((err) => errors.push(err));
  const got: number[] = [];
  emitter.on('x', () => { throw new Error('boom'); });
  const off = emitter.on('x', (n) => got.push(n));
  emitter.safeEmit('x', 1);
  off();
  emitter.safeEmit('x', 2);
  assert.deepEqual(got, [1]);
  assert.equal(errors.length, 2);
});

test('frame clock keeps a 20 ms cadence without drift', async () => {
  const ticks: number[] = [];
  const start = performance.now();
  const clock = new FrameClock((frame) => ticks.push(frame));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  clock.close();
  const elapsed = performance.now() - start;
  const expected = Math.floor(elapsed / 20) + 1;
  assert.ok(Math.abs(ticks.length - expected) <= 2, `${ticks.length} ticks in ${elapsed} ms`);
  assert.deepEqual(ticks, ticks.map((_, i) => i));
  assert.ok(clock.closed);
});

test('options: validated and frozen, every default from the config defaults', () => {
  const given = { ...STAGE_MEDIA_TUNING, udpPort: 0, advertisedAddresses: [], iceServers: [], maxSessions: 10, opusBitrate: DEFAULTS.stage.programBitrate };
  const options = resolveOptions(given);
  assert.equal(options.reconnectGraceMs, STAGE_MEDIA_TUNING.reconnectGraceMs);
  assert.equal(options.opusBitrate, 32_000);
  assert.ok(Object.isFrozen(options));
  assert.throws(() => resolveOptions({ ...given, udpPort: 70_000 }), TypeError);
  assert.equal(resolveOptions({ ...given, levelIntervalMs: 10 }).levelIntervalMs, 250);
});
