import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bar, LiveView, renderLine, renderLive } from './live-view.js';
import type { LiveSnapshot } from './run.js';

const snapshot: LiveSnapshot = {
  elapsedS: 10, durationS: 40, peakTarget: 20_000, phase: 'running', errors: { 'rate-limited': 3 },
  point: {
    t: 10, target: 20_000, joining: 500, playing: 10_000, stalledNow: 2, stallsTotal: 7, requestsPerSecond: 1234,
    listenerRequestsPerSecond: 100_000, errorsPerSecond: 1, joinP50: 40, joinP99: 900, firstAudioP50: 300, firstAudioP99: null,
    whep: 2, speakers: 1, generatorCores: 0.5, originCpuCores: null, originRssMB: 150,
  },
};

test('progress bars are bounded whatever the fraction', () => {
  assert.equal(bar(0.5, 10), '[#####.....]');
  assert.equal(bar(7, 4), '[####]');
  assert.equal(bar(Number.NaN, 4), '[....]');
});

test('the live view shows listeners, requests, latency, stalls and errors; redraws in place on a TTY', () => {
  const text = renderLive(snapshot).join('\n');
  for (const part of ['10,000 playing', '1,234/s', 'p99 900 ms', '2 stalled now', 'rate-limited 3']) assert.ok(text.includes(part), part);
  assert.match(renderLine(snapshot), /playing=10000 .*stalls=7/);
  let written = '';
  const out = { write: (s: string) => { written += s; return true; } } as unknown as NodeJS.WritableStream;
  const view = new LiveView(out, true);
  view.draw(snapshot);
  view.draw(snapshot);
  assert.ok(written.includes('\x1b[8A\x1b[J'), 'cursor up over the previous frame');
});
