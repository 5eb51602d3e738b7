import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loopSource, parseWav, toneSource, toProgramRate } from './audio-sources.js';

function wav(rate: number, channels: number, samples: number[], streamed = false): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0); header.writeUInt32LE(streamed ? 0xffffffff : 36 + data.length, 4); header.write('WAVE', 8);
  header.write('fmt ', 12); header.writeUInt32LE(16, 16); header.writeUInt16LE(1, 20); header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24); header.writeUInt32LE(rate * channels * 2, 28); header.writeUInt16LE(channels * 2, 32); header.writeUInt16LE(16, 34);
  header.write('data', 36); header.writeUInt32LE(streamed ? 0xffffffff : data.length, 40);
  return Buffer.concat([header, data]);
}

test('tone frames are 960 samples with continuous phase', () => {
  const next = toneSource(1000, 0.5);
  const a = next();
  const b = next();
  assert.equal(a.length, 960);
  // 1 kHz at 48 kHz: 48 samples per period, so frame b starts where a would have continued.
  assert.ok(Math.abs(b[0]! - Math.round(0.5 * 32767 * Math.sin((2 * Math.PI * 1000 * 960) / 48_000))) <= 1);
  assert.ok(Math.max(...a) > 16_000);
});

test('a streamed espeak-style WAV (sizes 0xffffffff) parses and resamples to 48 kHz mono', () => {
  const parsed = parseWav(wav(24_000, 2, [100, 300, 100, 300, 200, 400], true));
  assert.deepEqual([parsed.sampleRate, parsed.channels, parsed.samples.length], [24_000, 2, 6]);
  const mono = toProgramRate(parsed);
  assert.equal(mono.length, 6);
  assert.equal(mono[0], 200);
  assert.equal(mono[1], 200);
  assert.equal(mono[2], 200);
  assert.equal(mono[4], 300);
});

test('loopSource wraps around and never returns a short frame', () => {
  const next = loopSource(Int16Array.from({ length: 1000 }, (_, i) => i));
  next();
  const second = next();
  assert.equal(second.length, 960);
  assert.equal(second[0], 960);
  assert.equal(second[40], 0);
  assert.throws(() => parseWav(Buffer.from('nope')), TypeError);
});
