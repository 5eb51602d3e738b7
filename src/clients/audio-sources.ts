import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { CLIENT_DEFAULTS } from './defaults.js';

const { sampleRate: RATE, frameSamples: FRAME } = CLIENT_DEFAULTS;

/** A source of 20 ms, 48 kHz mono frames: called once per frame by the publisher's clock. */
export type FrameSource = () => Int16Array;

/** A continuous sine; `amplitude` as a fraction of full scale. Phase carries over between frames. */
export function toneSource(frequency = 440, amplitude = 0.2): FrameSource {
  let phase = 0;
  const step = (2 * Math.PI * frequency) / RATE;
  return () => {
    const frame = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) {
      frame[i] = Math.round(amplitude * 32767 * Math.sin(phase));
      phase += step;
    }
    phase %= 2 * Math.PI;
    return frame;
  };
}

/** Loops over PCM already at 48 kHz mono, one frame at a time (the last frame is zero-padded). */
export function loopSource(pcm: Int16Array): FrameSource {
  if (pcm.length === 0) return () => new Int16Array(FRAME);
  let offset = 0;
  return () => {
    const frame = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) {
      frame[i] = pcm[offset]!;
      offset = (offset + 1) % pcm.length;
    }
    return frame;
  };
}

export interface Wav {
  readonly sampleRate: number;
  readonly channels: number;
  /** Interleaved 16-bit samples. */
  readonly samples: Int16Array;
}

/** Parses a PCM16 RIFF/WAVE file; espeak-ng on stdout writes 0xffffffff sizes, so sizes are clamped. */
export function parseWav(buf: Buffer): Wav {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new TypeError('not a RIFF/WAVE file');
  }
  let offset = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (bits !== 16) throw new TypeError(`only 16-bit PCM WAV is supported, got ${bits}-bit`);
      const end = Math.min(buf.length, body + size);
      const count = Math.floor((end - body) / 2);
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = buf.readInt16LE(body + i * 2);
      return { sampleRate, channels, samples };
    }
    offset = body + size + (size & 1);
  }
  throw new TypeError('WAV file has no data chunk');
}

/** Down-mixes to mono and resamples linearly to 48 kHz: good enough for speech used as test load. */
export function toProgramRate(wav: Wav): Int16Array {
  const frames = Math.floor(wav.samples.length / Math.max(1, wav.channels));
  const mono = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < wav.channels; c++) sum += wav.samples[i * wav.channels + c]!;
    mono[i] = sum / wav.channels;
  }
  if (wav.sampleRate === RATE) return Int16Array.from(mono, (v) => Math.round(v));
  const ratio = wav.sampleRate / RATE;
  const out = new Int16Array(Math.floor(frames / ratio));
  for (let i = 0; i < out.length; i++) {
    const pos = i * ratio;
    const j = Math.floor(pos);
    const frac = pos - j;
    out[i] = Math.round((mono[j] ?? 0) * (1 - frac) + (mono[j + 1] ?? mono[j] ?? 0) * frac);
  }
  return out;
}

export async function wavFileSource(path: string): Promise<FrameSource> {
  return loopSource(toProgramRate(parseWav(await readFile(path))));
}

/** Speech from espeak-ng (a Debian package, not an npm one), looped; rejects if espeak-ng is absent. */
export async function espeakSource(text: string, options: { voice?: string; program?: string; timeoutMs?: number } = {}): Promise<FrameSource> {
  const wav = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn(options.program ?? 'espeak-ng', ['--stdout', ...(options.voice ? ['-v', options.voice] : []), text], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10_000);
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(`espeak-ng exited with ${code}: ${stderr.trim()}`));
    });
  });
  return loopSource(toProgramRate(parseWav(wav)));
}
