import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptionCue } from '../media/types.js';
import { createPocketSphinxEngine } from './pocketsphinx-engine.js';
import { createCaptions } from './captions.js';
import { normaliseWords, wordErrorRate } from './word-error-rate.js';
import { captionMetrics } from './metrics.js';
import { librivoxAvailable, librivoxUtterances, pcm16k, pcm48k } from '../../test/helpers/librivox.js';

const available = librivoxAvailable();

function engineOnFile(pcm: Int16Array): { text: string; words: { startMs: number; endMs: number }[] } {
  const engine = createPocketSphinxEngine({});
  let result = { text: '', words: [] as { startMs: number; endMs: number }[] };
  const stream = engine.openStream({ language: 'en', onHypothesis: (h) => { if (h.final) result = { text: h.text, words: [...h.words] }; } });
  for (let i = 0; i < pcm.length; i += 320) stream.push(pcm.subarray(i, i + 320));
  stream.endUtterance();
  stream.close();
  engine.close();
  return result;
}

/** Feeds 48 kHz speech as the mixer would: a frame per seat per tick, then tickEnd; `gapMs` of nothing between. */
function feedSpeech(tap: { frame: (id: string, pcm: Float32Array, wall: number) => void; tickEnd: (wall: number) => void }, clips: Int16Array[], t0: number, gapMs = 1000, spans: [number, number][] = []): number {
  let wall = t0;
  const frame = new Float32Array(960);
  for (const clip of clips) {
    spans.push([wall, wall + clip.length / 48]);
    for (let i = 0; i + 960 <= clip.length; i += 960) {
      for (let k = 0; k < 960; k++) frame[k] = clip[i + k]! / 32768;
      tap.frame('p1', frame, wall);
      tap.tickEnd(wall);
      wall += 20;
    }
    for (let g = 0; g < gapMs; g += 20) { tap.tickEnd(wall); wall += 20; }
  }
  return wall;
}

async function until<T>(what: string, fn: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('PocketSphinx on recorded speech: words with timings, WER near the package\'s own reference run', { skip: !available }, () => {
  let errors = 0;
  let words = 0;
  for (const u of librivoxUtterances()) {
    const pcm = pcm16k(u.wav);
    const { text, words: timed } = engineOnFile(pcm);
    const w = wordErrorRate(u.reference, normaliseWords(text));
    errors += w.errors;
    words += w.words;
    const durationMs = (pcm.length / 16000) * 1000;
    for (let i = 0; i < timed.length; i++) {
      assert.ok(timed[i]!.startMs >= 0 && timed[i]!.endMs <= durationMs + 20, `word ${i} inside the audio`);
      if (i > 0) assert.ok(timed[i]!.startMs >= timed[i - 1]!.endMs - 10, 'words in order');
    }
  }
  // The package's test-lm.match (the same model) scores about 27 % on these five sentences.
  assert.ok(errors / words < 0.4, `WER ${(errors / words).toFixed(3)}`);
});

test('through the worker: VAD cuts the sentences, cues carry the name and wall-clock word times', { skip: !available }, async () => {
  const captions = createCaptions({ maxBacklogMs: 120_000 });
  try {
    await captions.ready;
    assert.equal(await captions.supports('en-GB'), true);
    assert.equal(await captions.supports('fr'), false);
    const cues: CaptionCue[] = [];
    const tap = captions.startSpace({ spaceId: 's1', language: 'en', sink: { push: (c) => cues.push(c) }, nameOf: () => 'Elinor' });
    const utterances = librivoxUtterances();
    const t0 = 1_700_000_000_000;
    const spans: [number, number][] = [];
    feedSpeech(tap, utterances.map((u) => pcm48k(u.wav)), t0, 1000, spans);
    const reference = utterances.flatMap((u) => u.reference);
    await until('the last sentence', () => (cues.some((c) => c.text.includes('amiable') && c.start > spans[4]![0] - 300) ? true : undefined), 60_000);
    const hyp = cues.flatMap((c) => normaliseWords(c.text));
    const wer = wordErrorRate(reference, hyp).wer;
    assert.ok(wer < 0.45, `WER through VAD and resampling ${wer.toFixed(3)}`);
    assert.ok(cues.length >= 5, 'one cue or more per sentence');
    for (const c of cues) {
      assert.equal(c.speaker, 'Elinor');
      assert.equal(c.speakerId, 'p1');
      assert.ok(c.start >= t0 && c.end > c.start);
      // Regression: the second part of a sentence cut for length was placed seconds late.
      assert.ok(spans.some(([a, b]) => c.start >= a - 300 && c.end <= b + 300), `cue ${c.start - t0}..${c.end - t0} ms lies inside one spoken sentence`);
    }
    tap.close();
  } finally {
    await captions.close();
  }
});

test('a slow engine drops caption audio (counted), and the tap stays a copy', { skip: !available }, async () => {
  const captions = createCaptions({ maxBacklogMs: 200 });
  try {
    await captions.ready;
    const before = (await captionMetrics.dropped.get()).values[0]?.value ?? 0;
    const tap = captions.startSpace({ spaceId: 's2', language: 'en', sink: { push: () => {} }, nameOf: () => undefined });
    // 30 s of speech offered in a few milliseconds: far more than 200 ms can wait for the engine.
    const clips = librivoxUtterances().map((u) => pcm48k(u.wav));
    feedSpeech(tap, clips, Date.now(), 0);
    const after = (await captionMetrics.dropped.get()).values[0]?.value ?? 0;
    assert.ok(after - before > 10, `dropped ${after - before} s of caption audio`);
    tap.close();
  } finally {
    await captions.close();
  }
});

test('decoders are leased per utterance: memory follows who is talking, not who is seated', { skip: !available }, () => {
  const engine = createPocketSphinxEngine({});
  const pcm = pcm16k(librivoxUtterances()[1]!.wav);
  const finals: string[] = [];
  const streams = Array.from({ length: 4 }, () => engine.openStream({ language: 'en', onHypothesis: (h) => { if (h.final) finals.push(h.text); } }));
  assert.equal(engine.decodersLoaded, 0, 'a seat costs nothing until it speaks');
  // Four speakers one after the other: one decoder serves them all.
  for (const s of streams) {
    s.push(pcm.subarray(0, 16_000));
    s.endUtterance();
  }
  assert.equal(engine.decodersLoaded, 1);
  // Three at once: three decoders; afterwards two stay loaded.
  for (const s of streams.slice(0, 3)) s.push(pcm.subarray(0, 8_000));
  assert.equal(engine.decodersLoaded, 3);
  for (const s of streams.slice(0, 3)) s.endUtterance();
  assert.equal(engine.decodersLoaded, 2);
  assert.equal(finals.length, 7);
  engine.close();
  assert.equal(engine.decodersLoaded, 0);
});

/** An operator's engine, as docs/captions.md describes it: a module exporting createEngine. */
const ECHO_ENGINE = `
export function createEngine(options) {
  return {
    name: 'echo',
    supports: (language) => language.startsWith('fr'),
    openStream({ onHypothesis }) {
      let utterance = -1, samples = 0, open = false;
      return {
        push(pcm) { if (!open) { open = true; utterance++; samples = 0; } samples += pcm.length; },
        endUtterance() {
          if (!open) return;
          open = false;
          onHypothesis({ utterance, final: true, text: 'bonjour ' + options.modelDir, words: [{ word: 'bonjour', startMs: 0, endMs: samples / 16 }] });
        },
        close() {},
      };
    },
    close() {},
  };
}
`;

test('another engine plugs in as a module: its languages, its words, through the same path', { skip: !available }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tribune-engine-'));
  writeFileSync(join(dir, 'echo-engine.mjs'), ECHO_ENGINE);
  const captions = createCaptions({ engineModule: join(dir, 'echo-engine.mjs'), engineOptions: { modelDir: 'model-x' } });
  try {
    assert.equal(await captions.ready, 'echo');
    assert.equal(await captions.supports('fr-FR'), true);
    assert.equal(await captions.supports('en'), false);
    const cues: CaptionCue[] = [];
    const tap = captions.startSpace({ spaceId: 's3', language: 'fr', sink: { push: (c) => cues.push(c) }, nameOf: () => 'Léa' });
    feedSpeech(tap, [pcm48k(librivoxUtterances()[1]!.wav)], 1_000_000);
    await until('the echo engine\'s line', () => (cues.length > 0 ? true : undefined), 30_000);
    assert.equal(cues[0]!.text, 'bonjour model-x');
    assert.equal(cues[0]!.speaker, 'Léa');
    tap.close();
  } finally {
    await captions.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an engine that cannot load: ready rejects and onFatal reports it, nothing else breaks', async () => {
  const captions = createCaptions({ engineModule: join(tmpdir(), 'no-such-engine-module.mjs') });
  const fatal = new Promise<Error>((resolve) => captions.onFatal(resolve));
  await assert.rejects(captions.ready);
  assert.match((await fatal).message, /no-such-engine-module|Cannot find/);
  await captions.close();
});
