import { test } from 'node:test';
import assert from 'node:assert/strict';
import opus from '@discordjs/opus';
import { Mixer } from './mixer.js';
import type { EncodedFrame } from '../media/types.js';

const encoder = new opus.OpusEncoder(48_000, 1);
function toneFrames(frequency: number, count: number): Buffer[] {
  const frames: Buffer[] = [];
  for (let f = 0; f < count; f++) {
    const pcm = Buffer.alloc(1920);
    for (let i = 0; i < 960; i++) pcm.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * frequency * (f * 960 + i)) / 48_000)), i * 2);
    frames.push(encoder.encode(pcm));
  }
  return frames;
}

/** RMS of each frame, decoded in order with one decoder (Opus decoding is stateful). */
function rmsOf(frames: EncodedFrame[]): number[] {
  const decoder = new opus.OpusEncoder(48_000, 1);
  return frames.map((frame) => {
    const pcm = decoder.decode(frame.opus);
    let sum = 0;
    for (let i = 0; i < pcm.length; i += 2) sum += pcm.readInt16LE(i) ** 2;
    return Math.sqrt(sum / (pcm.length / 2));
  });
}

test('mix-minus excludes the listener; mute ramps out within one frame; levels report speakers', () => {
  const mixer = new Mixer(48_000);
  const a = mixer.addInput('a', false);
  mixer.addInput('b', false);
  const tone = toneFrames(440, 40);
  const program: EncodedFrame[] = [];
  const minusB: EncodedFrame[] = [];
  mixer.subscribeProgram((f) => program.push(f));
  const unsubscribe = mixer.subscribeMixMinus('b', (f) => minusB.push(f));
  for (let i = 0; i < 20; i++) {
    a.path.push(i, tone[i]!, i * 20);
    mixer.tick(i * 960, i * 20);
  }
  assert.ok(rmsOf(program)[10]! > 2000, 'a is in the program');
  assert.ok(rmsOf(minusB)[10]! > 2000, 'b hears a');
  assert.equal(program[5]!.pts, 5 * 960);
  const levels = mixer.takeLevels();
  assert.equal(levels['a']?.speaking, true);
  assert.equal(levels['b']?.speaking, false);

  mixer.setMuted('a', true);
  for (let i = 20; i < 26; i++) {
    a.path.push(i, tone[i]!, i * 20);
    mixer.tick(i * 960, i * 20);
  }
  // Frame 20 ramps down; from frame 21 on only the codec's decay tail may remain.
  for (const rms of rmsOf(program).slice(22)) assert.ok(rms < 200, `muted rms ${rms}`);
  unsubscribe();
  assert.equal(mixer.mixMinusCount, 0);
});

test('a speaker whose packets stop fades out over three frames, then contributes nothing', () => {
  const mixer = new Mixer(48_000);
  const a = mixer.addInput('a', false);
  const tone = toneFrames(300, 10);
  for (let i = 0; i < 10; i++) {
    a.path.push(i, tone[i]!, 0);
    mixer.tick(i * 960, 0);
  }
  assert.equal(a.contributing, true);
  for (let i = 0; i < 3; i++) mixer.tick((10 + i) * 960, 0);
  const lastFade = a.contribution.slice(900);
  assert.ok(Math.max(...lastFade.map(Math.abs)) < 0.01, 'fade ends near zero');
  mixer.tick(13 * 960, 0);
  assert.equal(a.contributing, false);
});

test('removeInput fades out before forgetting the seat', () => {
  const mixer = new Mixer(48_000);
  const a = mixer.addInput('a', false);
  const tone = toneFrames(300, 5);
  a.path.push(0, tone[0]!, 0);
  mixer.tick(0, 0);
  mixer.removeInput('a');
  a.path.push(1, tone[1]!, 0);
  mixer.tick(960, 0);
  assert.equal(mixer.inputs.has('a'), false);
});
