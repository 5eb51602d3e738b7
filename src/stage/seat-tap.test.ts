import { test } from 'node:test';
import assert from 'node:assert/strict';
import opus from '@discordjs/opus';
import { Mixer } from './mixer.js';

const encoder = new opus.OpusEncoder(48_000, 1);
function tone(frame: number): Buffer {
  const pcm = Buffer.alloc(1920);
  for (let i = 0; i < 960; i++) pcm.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * 440 * (frame * 960 + i)) / 48_000)), i * 2);
  return encoder.encode(pcm);
}

test('the seat tap sees each speaking seat once per tick, not muted or silent ones, then tickEnd', () => {
  const mixer = new Mixer(48_000);
  const a = mixer.addInput('a', false);
  mixer.addInput('quiet', false);
  const seen: string[][] = [];
  let current: string[] = [];
  const peaks: number[] = [];
  mixer.setTap({
    frame: (id, pcm) => {
      current.push(id);
      if (id === 'a') peaks.push(pcm.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
    },
    tickEnd: () => { seen.push(current); current = []; },
  });
  for (let i = 0; i < 10; i++) {
    a.path.push(i, tone(i), i * 20);
    mixer.tick(i * 960, i * 20);
  }
  assert.equal(seen.length, 10);
  assert.deepEqual(seen[5], ['a'], 'the seat without packets is not tapped');
  assert.ok(peaks[5]! > 0.1, 'the tapped frame is the decoded audio');

  mixer.setMuted('a', true);
  for (let i = 10; i < 20; i++) {
    a.path.push(i, tone(i), i * 20);
    mixer.tick(i * 960, i * 20);
  }
  // The mute ramps out over one frame (that frame is still heard, so still tapped); then nothing.
  assert.deepEqual(seen[10], ['a']);
  for (let i = 11; i < 20; i++) assert.deepEqual(seen[i], [], `tick ${i}: a muted seat is not transcribed`);

  mixer.setTap(undefined);
  mixer.tick(20 * 960, 400);
  assert.equal(seen.length, 20, 'a removed tap hears nothing');
});
