import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { EncodedFrame, ProgramSink } from '../../src/media/types.js';

const require = createRequire(import.meta.url);

export interface OpusEncoderLike {
  encode(pcm: Buffer): Buffer;
  decode(packet: Buffer): Buffer;
}

export function opusEncoder(): OpusEncoderLike {
  const { OpusEncoder } = require('@discordjs/opus') as { OpusEncoder: new (rate: number, channels: number) => OpusEncoderLike };
  return new OpusEncoder(48_000, 1);
}

/** Real speech (espeak-ng), 48 kHz mono s16le, padded to whole 20 ms frames. */
export function speechPcm(text: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'tribune-speech-'));
  try {
    const wav = join(dir, 'speech.wav');
    const r = spawnSync('espeak-ng', ['-w', wav, '-s', '150', text]);
    if (r.status !== 0) throw new Error(`espeak-ng failed: ${r.stderr}`);
    const f = spawnSync('ffmpeg', ['-v', 'error', '-i', wav, '-ac', '1', '-ar', '48000', '-f', 's16le', '-'], { maxBuffer: 1 << 28 });
    if (f.status !== 0) throw new Error(`ffmpeg failed: ${f.stderr}`);
    const pcm = f.stdout as Buffer;
    const frameBytes = 960 * 2;
    const padded = Buffer.alloc(Math.ceil(pcm.length / frameBytes) * frameBytes);
    pcm.copy(padded);
    return padded;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Encodes PCM into 20 ms program frames starting at pts 0 (or `startPts`). */
export function encodeProgram(pcm: Buffer, startWallClock = Date.now(), startPts = 0): EncodedFrame[] {
  const enc = opusEncoder();
  const frames: EncodedFrame[] = [];
  for (let i = 0, at = 0; at + 1920 <= pcm.length; i++, at += 1920) {
    frames.push({ opus: enc.encode(pcm.subarray(at, at + 1920)), pts: startPts + i * 960, wallClock: startWallClock + i * 20 });
  }
  return frames;
}

/** Pushes frames on a real-time 20 ms clock (drift-free: each frame at its own deadline). */
export async function pushRealtime(sink: ProgramSink, frames: readonly EncodedFrame[], speed = 1): Promise<void> {
  const t0 = performance.now();
  const wall0 = Date.now();
  for (let i = 0; i < frames.length; i++) {
    const due = t0 + (i * 20) / speed;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const f = frames[i]!;
    sink.push({ ...f, wallClock: wall0 + i * 20 });
  }
}

export function readPcm(path: string): Int16Array {
  const b = readFileSync(path);
  return new Int16Array(b.buffer, b.byteOffset, Math.floor(b.length / 2));
}

/** RMS envelope in windows of `win` samples. */
export function envelope(pcm: Int16Array, win = 960): number[] {
  const out: number[] = [];
  for (let at = 0; at + win <= pcm.length; at += win) {
    let s = 0;
    for (let i = at; i < at + win; i++) s += pcm[i]! * pcm[i]!;
    out.push(Math.sqrt(s / win));
  }
  return out;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return 0;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= n; mb /= n;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma, y = b[i]! - mb;
    num += x * y; da += x * x; db += y * y;
  }
  return da === 0 || db === 0 ? 0 : num / Math.sqrt(da * db);
}

/** The best envelope correlation of `decoded` against `source` over lags of ±maxLag windows. */
export function bestCorrelation(source: readonly number[], decoded: readonly number[], maxLag = 50): { r: number; lag: number } {
  let best = { r: -1, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const a = lag >= 0 ? source.slice(lag) : source;
    const b = lag >= 0 ? decoded : decoded.slice(-lag);
    const r = pearson(a, b);
    if (r > best.r) best = { r, lag };
  }
  return best;
}
