import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EncodedFrame } from '../media/types.js';
import { ContinuousProgramme, RELAY_LOST_AFTER_MS } from './continuity.js';
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

test('a hand-over: after the takeover the relayed frames lead until the primary\'s last, then the mixer follows with no silence', () => {
  let now = 0;
  const r = recorder();
  const heard: number[] = [];
  const p = new ContinuousProgramme(r.sink, () => now);
  p.heard((f) => heard.push(f.pts));
  p.relayed(frame(0, 1_000));
  const mixer = p.takeOver();
  // The primary still relays (its speakers are moving here): the mixer's frames wait.
  for (let k = 1; k <= 10; k++) {
    now = k * 20;
    mixer.push(frame(500_000 + k * 960, 2_000 + k * 20, 9));
    p.relayed(frame(k * 960, 1_000 + k * 20));
  }
  assert.equal(p.mixing, false);
  assert.ok(r.frames.every((f) => f.opus[1] !== 9), 'no mixed frame while the relay leads');
  p.relayEnded();
  now = 220;
  mixer.push(frame(500_000 + 11 * 960, 2_220, 9));
  p.relayed(frame(11 * 960, 1_220)); // after the end: ignored
  assert.ok(p.mixing);
  const pts = r.frames.map((f) => f.pts);
  assert.deepEqual(pts, Array.from({ length: 12 }, (_, k) => k * 960), 'one timeline, no frame twice, none missing');
  assert.equal(r.frames.at(-1)!.opus[1], 9);
  assert.equal(p.concealed, 0, 'no silence between the primary\'s last frame and the mixer\'s first');
  assert.equal(p.takeOverGap, 0);
  assert.ok(p.handedOver);
  assert.deepEqual(heard, pts, 'WHEP listeners hear the same timeline');
});

test('a takeover while the relay still runs waits for it; when it falls silent without a word, the mixer takes over after RELAY_LOST_AFTER_MS', () => {
  let now = 0;
  const r = recorder();
  const p = new ContinuousProgramme(r.sink, () => now);
  p.relayed(frame(0, 1_000));
  const mixer = p.takeOver();
  now = RELAY_LOST_AFTER_MS - 20;
  mixer.push(frame(960, 2_000, 9));
  assert.equal(p.mixing, false, 'the relay is late, not lost');
  now = RELAY_LOST_AFTER_MS + 20;
  mixer.push(frame(1_920, 2_020, 9));
  assert.ok(p.mixing);
  assert.equal(r.frames.at(-1)!.opus[1], 9);
  assert.ok(p.concealed > 0, 'the silence of a lost relay is concealed on the timeline');
  assert.equal(p.takeOverGap, p.concealed, 'all of it between the last relayed frame and the first mixed one');
  assert.equal(p.handedOver, false);
});

test('after the end marker a mixer a little late still follows directly; one much later is preceded by the silence of its lateness', () => {
  for (const [lateMs, silence] of [[80, 0], [400, 15]] as const) {
    let now = 0;
    const r = recorder();
    const p = new ContinuousProgramme(r.sink, () => now);
    p.relayed(frame(0, 1_000));
    const mixer = p.takeOver();
    p.relayEnded();
    now = lateMs;
    mixer.push(frame(77 * 960, 3_000, 9));
    assert.equal(p.concealed, silence, `${lateMs} ms late`);
    assert.equal(p.takeOverGap, silence);
    assert.equal(r.frames.at(-1)!.pts, (silence + 1) * 960);
  }
});
