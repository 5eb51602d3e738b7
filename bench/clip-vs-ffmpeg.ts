/**
 * Benchmark: cutting a clip from a recording, Tribune vs ffmpeg, same recording, same run.
 * Tribune: `makeClip` (read the segments that hold the range, take the Opus packets, re-wrap them in
 * fragments from zero; no re-encoding). Anchor: `ffmpeg -ss -t -c copy` on the single-file download
 * (also no re-encoding; mp4 muxer: its ipod/m4a muxer refuses Opus), what an operator would script. Wall time per clip, medians.
 *
 *   npx tsx bench/clip-vs-ffmpeg.ts [--minutes 30] [--clips 15] [--seconds 60]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createAudience } from '../src/audience/index.js';

const require = createRequire(import.meta.url);
const { OpusEncoder } = require('@discordjs/opus') as { OpusEncoder: new (r: number, c: number) => { encode(b: Buffer): Buffer; setBitrate(n: number): void } };

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const MINUTES = arg('minutes', 30);
const CLIPS = arg('clips', 15);
const CLIP_SECONDS = arg('seconds', 60);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'tribune-bench-clip-'));
try {
  // A recording of MINUTES of 64 kb/s Opus (a 440 Hz tone with a slow tremolo: real packets, not silence).
  const audience = createAudience({ dataDir: dir, fsync: false });
  const enc = new OpusEncoder(48_000, 1);
  enc.setBitrate(64_000);
  const sink = audience.begin('sp_benchclip0001');
  const pcm = Buffer.alloc(1920);
  const frames = MINUTES * 60 * 50;
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < 960; i++) {
      const t = (f * 960 + i) / 48_000;
      pcm.writeInt16LE(Math.round(8000 * Math.sin(2 * Math.PI * 440 * t) * (0.6 + 0.4 * Math.sin(t))), i * 2);
    }
    sink.push({ opus: enc.encode(pcm), pts: f * 960, wallClock: Date.now() });
  }
  sink.end();
  // The single file the anchor cuts from: exactly what /hls/{id}/recording.m4a serves.
  const file = join(dir, 'recording.m4a');
  await pipeline((await audience.recording('sp_benchclip0001')).stream(), createWriteStream(file));

  // Clip starts spread over the recording (seeded: the same starts every run).
  const span = MINUTES * 60 - CLIP_SECONDS - 1;
  const starts = Array.from({ length: CLIPS }, (_, i) => Math.floor(((i * 7919) % CLIPS) / CLIPS * span * 1000));

  const tribuneMs: number[] = [];
  for (const fromMs of starts) {
    const t0 = performance.now();
    await audience.makeClip('sp_benchclip0001', fromMs, CLIP_SECONDS * 1000);
    tribuneMs.push(performance.now() - t0);
  }
  const ffmpegMs: number[] = [];
  for (const fromMs of starts) {
    const out = join(dir, `ff-${fromMs}.mp4`);
    const t0 = performance.now();
    const r = spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-ss', String(fromMs / 1000), '-t', String(CLIP_SECONDS), '-i', file, '-c', 'copy', '-f', 'mp4', '-y', out]);
    ffmpegMs.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(String(r.stderr));
  }
  // What starting ffmpeg costs by itself, so the comparison can be read without it.
  const spawnMs: number[] = [];
  for (let i = 0; i < CLIPS; i++) {
    const t0 = performance.now();
    spawnSync('ffmpeg', ['-nostdin', '-v', 'error', '-version']);
    spawnMs.push(performance.now() - t0);
  }
  await audience.close();
  const result = {
    recordingMinutes: MINUTES, clips: CLIPS, clipSeconds: CLIP_SECONDS,
    tribune: { medianMs: Number(median(tribuneMs).toFixed(2)) },
    ffmpeg: { medianMs: Number(median(ffmpegMs).toFixed(2)), startOnlyMedianMs: Number(median(spawnMs).toFixed(2)) },
    ratio: Number((median(tribuneMs) / median(ffmpegMs)).toFixed(3)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
