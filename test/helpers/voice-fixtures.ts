import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A fake microphone for Chromium (--use-file-for-fake-audio-capture, which loops the file): speech
 * from espeak-ng mixed with a pulsed pilot tone at `toneHz`. The tone tells the voices apart in a
 * page's FFT (mix-minus, muting) and its pulses (400 ms on, 200 ms off) keep the browser's noise
 * suppression from treating it as steady noise; the speech gives a speech-like level.
 * 48 kHz mono 16-bit PCM, `seconds` long.
 */
export function voiceWav(dir: string, name: string, opts: { text: string; voice: string; toneHz: number; seconds?: number }): string {
  const seconds = opts.seconds ?? 8;
  const speech = join(dir, `${name}-speech.wav`);
  const tone = join(dir, `${name}-tone.wav`);
  const out = join(dir, `${name}.wav`);
  const raw = join(dir, `${name}-espeak.wav`);
  run('espeak-ng', ['-v', opts.voice, '-s', '160', '-w', raw, opts.text]);
  // espeak-ng writes 22.05 kHz; sox mixes only equal rates. Padded so speech never runs short.
  run('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', speech, 'pad', '0', String(seconds)]);
  const pulses = Math.ceil(seconds / 0.6);
  run('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', tone, 'synth', '0.4', 'sine', String(opts.toneHz), 'vol', '0.5', 'pad', '0', '0.2', 'repeat', String(pulses - 1)]);
  run('sox', ['-m', '-v', '0.2', speech, '-v', '1', tone, '-r', '48000', '-c', '1', '-b', '16', out, 'trim', '0', String(seconds)]);
  return out;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}
