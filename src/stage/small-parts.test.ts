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

/** Polls until `check` holds; fails the test past the deadline (a loaded machine only makes it slower). */
async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    assert.ok(performance.now() < end, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('frame clock: tick n comes never before start + n × 20 ms nor five frames after it; a stall is skipped, not burst', async () => {
  const MAX_BEHIND = 5;
  const SLACK_MS = 2; // timers round to the millisecond
  const ticks: Array<{ frame: number; at: number }> = [];
  const before = performance.now();
  const clock = new FrameClock((frame) => ticks.push({ frame, at: performance.now() }));
  const after = performance.now();
  await until(() => ticks.length >= 25, 20_000, '25 ticks');
  // Block the event loop for ten frames: the clock must skip them rather than deliver them back to back.
  const stalledAt = ticks.length;
  const stallEnd = performance.now() + 200;
  while (performance.now() < stallEnd) { /* busy */ }
  await until(() => ticks.length >= stalledAt + 25, 20_000, '25 ticks after the stall');
  clock.close();
  assert.ok(clock.closed);

  // Whatever the machine's load, the schedule is absolute: lateness never accumulates.
  for (const [i, { frame, at }] of ticks.entries()) {
    if (i > 0) assert.ok(frame > ticks[i - 1]!.frame, `frame ${frame} after ${ticks[i - 1]!.frame}`);
    assert.ok(at >= before + frame * 20 - SLACK_MS, `frame ${frame} early: at ${at - before} ms`);
    assert.ok(at < after + (frame + MAX_BEHIND) * 20 + SLACK_MS, `frame ${frame} more than ${MAX_BEHIND} frames late: at ${at - after} ms`);
  }
  const gaps = ticks.filter((t, i) => i >= stalledAt && t.frame - ticks[i - 1]!.frame > 1);
  assert.ok(gaps.length >= 1, 'the stalled frames were skipped (a pts gap)');
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
