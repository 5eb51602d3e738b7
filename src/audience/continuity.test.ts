import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EncodedFrame } from '../media/types.js';
import { ContinuousProgramme } from './continuity.js';
import { OPUS_SILENCE } from './live-stream.js';

const frame = (pts: number, wallClock: number, byte = 1): EncodedFrame => ({ opus: Buffer.from([0xfc, byte]), pts, wallClock });

function recorder() {
  const frames: EncodedFrame[] = [];
  let ended = 0;
  return { frames, ended: () => ended, sink: { push: (f: EncodedFrame) => { frames.push(f); }, end: () => { ended++; } } };
}

test('relayed frames pass in order; a frame the timeline already covers is dropped', () => {
  let now = 0;
  const r = recorder();
  const p = new ContinuousProgramme(r.sink, () => now);
  assert.equal(p.silentForMs(), Infinity);
  p.relayed(frame(96_000, 1_000));
  now = 20; p.relayed(frame(96_960, 1_020));
  p.relayed(frame(96_960, 1_020)); // a duplicate
  p.relayed(frame(96_000, 1_000)); // late
  assert.deepEqual(r.frames.map((f) => f.pts), [96_000, 96_960]);
  now = 50;
  assert.equal(p.silentForMs(), 30);
});

test('while the primary is silent the timeline advances with silence at the pace of the local clock', () => {
  let now = 0;
  const r = recorder();
  const p = new ContinuousProgramme(r.sink, () => now);
  p.conceal(); // nothing to continue yet
  assert.equal(r.frames.length, 0);
  p.relayed(frame(0, 5_000));
  now = 119; p.conceal();
  assert.deepEqual(r.frames.map((f) => f.pts), [0, 960, 1920, 2880, 3840, 4800]);
  assert.ok(r.frames.slice(1).every((f) => f.opus.equals(OPUS_SILENCE)));
  assert.deepEqual(r.frames.map((f) => f.wallClock), [5_000, 5_020, 5_040, 5_060, 5_080, 5_100]);
  assert.equal(p.concealed, 5);
  now = 121; p.conceal();
  assert.equal(r.frames.at(-1)!.pts, 5760);
  // The primary was only late: its frames for pts already concealed are dropped, later ones go on.
  p.relayed(frame(2880, 5_060, 7));
  p.relayed(frame(6720, 5_140, 7));
  assert.deepEqual(r.frames.slice(-2).map((f) => f.pts), [5760, 6720]);
});

test('after a takeover the mixer continues the timeline after the silence, and relayed frames stop counting', () => {
  let now = 0;
  const r = recorder();
  const p = new ContinuousProgramme(r.sink, () => now);
  p.relayed(frame(48_000, 10_000));
  now = 300; p.conceal(); // 15 frames of silence
  const mixer = p.takeOver();
  now = 340;
  mixer.push(frame(0, 20_000, 9)); // the new mixer starts its own pts at 0
  mixer.push(frame(960, 20_020, 9));
  mixer.push(frame(2880, 20_060, 9)); // a gap of the mixer's own stays a gap (the stream fills it)
  p.relayed(frame(48_000 + 960 * 40, 10_800)); // the old primary, still talking: ignored
  const pts = r.frames.map((f) => f.pts);
  for (let i = 1; i < pts.length - 1; i++) assert.equal(pts[i]! - pts[i - 1]!, 960, `frame ${i} follows`);
  assert.equal(pts.at(-1)! - pts.at(-2)!, 1920);
  const mixed = r.frames.filter((f) => f.opus[1] === 9);
  assert.equal(mixed.length, 3);
  assert.equal(mixed[0]!.pts, 48_000 + 960 * 17, 'the mixer brings the 17th frame after the last relayed one (340 ms later), the 16 before it silence');
  assert.ok(p.mixing);
  mixer.end();
  assert.equal(r.ended(), 1);
});
