/**
 * Benchmark: CPU to mix 13 speakers, encode Opus and package LL-HLS, Tribune vs ffmpeg, same inputs,
 * same run. Tribune: a plain sum of the 13 PCM inputs (the stage mixer is not wired here), libopus via
 * @discordjs/opus at 64 kb/s, then the audience packager (parts, segments, recording files with fsync).
 * ffmpeg: amix=inputs=13 + libopus 64 kb/s + its HLS muxer (-f hls -hls_segment_type fmp4).
 * Both run as fast as they can over the same 13 inputs; we compare CPU seconds (user + system).
 *
 *   npx tsx bench/audience-packaging-vs-ffmpeg.ts [--seconds 120]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { createAudience } from '../src/audience/index.js';

const require = createRequire(import.meta.url);
const { OpusEncoder } = require('@discordjs/opus') as { OpusEncoder: new (r: number, c: number) => { encode(b: Buffer): Buffer; setBitrate(n: number): void } };

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 120);
const SPEAKERS = 13;
const RUNS = arg('runs', 3);
const VOICES = ['en', 'en-us', 'fr', 'de', 'es', 'it', 'nl', 'pt', 'sv', 'pl', 'cs', 'fi', 'da'];

function speakerPcm(i: number, dir: string): { wav: string; pcm: Buffer } {
  const text = `Speaker ${i + 1} speaking. ` + 'This is a long conversation about live audio, questions and answers, and the state of the world. '.repeat(6);
  const raw = join(dir, `raw-${i}.wav`);
  spawnSync('espeak-ng', ['-v', VOICES[i % VOICES.length]!, '-w', raw, text]);
  const wav = join(dir, `speaker-${i}.wav`);
  // Loop the speech to the bench length, 48 kHz mono s16le; the same file feeds both sides.
  const r = spawnSync('ffmpeg', ['-v', 'error', '-stream_loop', '-1', '-i', raw, '-t', String(SECONDS), '-ac', '1', '-ar', '48000', '-c:a', 'pcm_s16le', '-y', wav]);
  if (r.status !== 0) throw new Error(String(r.stderr));
  const pcm = spawnSync('ffmpeg', ['-v', 'error', '-i', wav, '-f', 's16le', '-'], { maxBuffer: 1 << 30 }).stdout as Buffer;
  return { wav, pcm };
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function tribune(inputs: readonly Buffer[], dir: string): Promise<{ cpu: number; wall: number; bytes: number; encodeSeconds: number; mixSeconds: number }> {
  const audience = createAudience({ dataDir: dir });
  const enc = new OpusEncoder(48_000, 1);
  enc.setBitrate(64_000);
  const frames = Math.floor(Math.min(...inputs.map((b) => b.length)) / 1920);
  const views = inputs.map((b) => new Int16Array(b.buffer, b.byteOffset, b.length / 2));
  const mix = Buffer.alloc(1920);
  const mixView = new Int16Array(mix.buffer, mix.byteOffset, 960);
  const acc = new Int32Array(960);
  const wall0 = performance.now();
  const cpu0 = cpuNow();
  const sink = audience.begin('bench');
  let encodeSeconds = 0;
  let mixSeconds = 0;
  for (let f = 0; f < frames; f++) {
    const m0 = performance.now();
    const at = f * 960;
    acc.set(views[0]!.subarray(at, at + 960));
    const last = views.length - 1;
    for (let k = 1; k < last; k++) {
      const v = views[k]!;
      for (let i = 0; i < 960; i++) acc[i]! += v[at + i]!;
    }
    // The last input is added in the same pass that scales and hard-clips (amix divides by the
    // number of inputs; the CPU is comparable).
    const v = views[last]!;
    for (let i = 0; i < 960; i++) {
      const x = (acc[i]! + v[at + i]!) >> 2;
      mixView[i] = x > 32767 ? 32767 : x < -32768 ? -32768 : x;
    }
    const e0 = performance.now();
    const opus = enc.encode(mix);
    const e1 = performance.now();
    mixSeconds += (e0 - m0) / 1000;
    encodeSeconds += (e1 - e0) / 1000;
    sink.push({ opus, pts: at, wallClock: Date.now() });
  }
  sink.end();
  await audience.close();
  const cpu = cpuNow() - cpu0;
  const wall = (performance.now() - wall0) / 1000;
  const bytes = Number(spawnSync('du', ['-sb', dir], { encoding: 'utf8' }).stdout.split('\t')[0]);
  return { cpu, wall, bytes, encodeSeconds, mixSeconds };
}

/** ffmpeg's libopus alone on a pre-mixed input: the share of its CPU that both sides pay alike. */
function ffmpegEncodeOnly(wav: string): number {
  const cmd = `ffmpeg -nostdin -v error -i '${wav}' -c:a libopus -b:a 64k -frame_duration 20 -f null -; times`;
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8' });
  return r.stdout.trim().split('\n').at(-1)!.split(/\s+/).map((t) => {
    const m = /(\d+)m([\d.]+)s/.exec(t)!;
    return Number(m[1]) * 60 + Number(m[2]);
  }).reduce((a, b) => a + b, 0);
}

function ffmpeg(wavs: readonly string[], dir: string): { cpu: number; wall: number; bytes: number } {
  const inputs = wavs.flatMap((w) => ['-i', w]);
  const cmd = ['ffmpeg', '-nostdin', '-v', 'error', ...inputs,
    '-filter_complex', `amix=inputs=${wavs.length}:normalize=1`,
    '-c:a', 'libopus', '-b:a', '64k', '-frame_duration', '20', '-ac', '1', '-ar', '48000',
    '-f', 'hls', '-hls_segment_type', 'fmp4', '-hls_time', '2', '-hls_playlist_type', 'event',
    '-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', join(dir, 'seg-%d.m4s'), join(dir, 'audio.m3u8')]
    .map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  // bash's `times` prints the CPU of its finished children: user and system of ffmpeg alone.
  const wall0 = performance.now();
  const r = spawnSync('bash', ['-c', `${cmd}; status=$?; times; exit $status`], { encoding: 'utf8' });
  const wall = (performance.now() - wall0) / 1000;
  if (r.status !== 0) throw new Error(r.stderr);
  const lines = r.stdout.trim().split('\n');
  const [user, sys] = lines.at(-1)!.split(/\s+/).map((t) => {
    const m = /(\d+)m([\d.]+)s/.exec(t)!;
    return Number(m[1]) * 60 + Number(m[2]);
  }) as [number, number];
  const bytes = Number(spawnSync('du', ['-sb', dir], { encoding: 'utf8' }).stdout.split('\t')[0]);
  return { cpu: user + sys, wall, bytes };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'tribune-bench-pack-'));
  try {
    const speakers = Array.from({ length: SPEAKERS }, (_, i) => speakerPcm(i, root));
    const t: Array<{ cpu: number; wall: number; bytes: number; encodeSeconds: number; mixSeconds: number }> = [];
    const f: Array<{ cpu: number; wall: number; bytes: number }> = [];
    for (let run = 0; run < RUNS; run++) {
      const td = join(root, `tribune-${run}`);
      const fd = join(root, `ffmpeg-${run}`);
      mkdirSync(fd);
      t.push(await tribune(speakers.map((s) => s.pcm), td));
      f.push(ffmpeg(speakers.map((s) => s.wav), fd));
    }
    const tribuneCpu = median(t.map((x) => x.cpu));
    const ffmpegCpu = median(f.map((x) => x.cpu));
    const ffmpegEncode = median(Array.from({ length: RUNS }, () => ffmpegEncodeOnly(speakers[0]!.wav)));
    const tribuneEncode = median(t.map((x) => x.encodeSeconds));
    const result = {
      bench: 'audience-packaging-vs-ffmpeg',
      speakers: SPEAKERS,
      programSeconds: SECONDS,
      runs: RUNS,
      tribune: { cpuSeconds: tribuneCpu, cpuPerProgramSecondMs: (tribuneCpu / SECONDS) * 1000, wallSeconds: median(t.map((x) => x.wall)), bytesOnDisk: t[0]!.bytes, mixer: 'plain sum (stage mixer not wired)' },
      ffmpeg: { cpuSeconds: ffmpegCpu, cpuPerProgramSecondMs: (ffmpegCpu / SECONDS) * 1000, wallSeconds: median(f.map((x) => x.wall)), bytesOnDisk: f[0]!.bytes, pipeline: 'amix + libopus 64k + hls fmp4' },
      ratio: tribuneCpu / ffmpegCpu,
      target: '<= 0.5',
      breakdown: {
        tribuneEncodeSeconds: tribuneEncode,
        tribuneMixSeconds: median(t.map((x) => x.mixSeconds)),
        tribunePackagingAndRestSeconds: tribuneCpu - tribuneEncode - median(t.map((x) => x.mixSeconds)),
        ffmpegEncodeOnlySeconds: ffmpegEncode,
        ratioExcludingOpusEncode: (tribuneCpu - tribuneEncode) / Math.max(1e-9, ffmpegCpu - ffmpegEncode),
      },
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`audience-packaging-vs-ffmpeg: 13 speakers x ${SECONDS}s: Tribune ${tribuneCpu.toFixed(2)} CPU-s, ffmpeg ${ffmpegCpu.toFixed(2)} CPU-s, ratio ${result.ratio.toFixed(2)} (target <= 0.5); without the shared libopus encode: ${result.breakdown.ratioExcludingOpusEncode.toFixed(2)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
