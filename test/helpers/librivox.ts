import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { normaliseWords } from '../../src/captions/word-error-rate.js';

/**
 * Recorded human speech with reference transcripts, from Debian's pocketsphinx-testdata: five
 * sentences of a LibriVox reading of Sense and Sensibility, 16 kHz mono.
 */
export const LIBRIVOX_DIR = '/usr/share/pocketsphinx/test/data/librivox';

export interface Utterance {
  readonly id: string;
  readonly wav: string;
  readonly reference: string[];
}

export function librivoxAvailable(): boolean {
  const ok = existsSync(join(LIBRIVOX_DIR, 'transcription')) && existsSync('/usr/share/pocketsphinx/model/en-us/en-us.lm.bin');
  if (!ok) {
    if (process.env.CI === 'true') throw new Error('pocketsphinx-testdata and pocketsphinx-en-us are required in CI');
    process.stderr.write('\n*** pocketsphinx-testdata / pocketsphinx-en-us are not installed: caption tests are SKIPPED ***\n\n');
  }
  return ok;
}

export function librivoxUtterances(): Utterance[] {
  const text = readFileSync(join(LIBRIVOX_DIR, 'transcription'), 'utf8');
  return text.split('\n').filter(Boolean).map((line) => {
    const id = /\(([^)]+)\)\s*$/.exec(line)![1]!;
    return { id, wav: join(LIBRIVOX_DIR, `${id}.wav`), reference: normaliseWords(line) };
  });
}

/** 16 kHz s16 samples of a wav (the header is skipped by sox, not guessed). */
export function pcm16k(wav: string): Int16Array {
  const r = spawnSync('sox', [wav, '-t', 's16', '-r', '16000', '-c', '1', '-'], { maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`sox ${wav}: ${r.stderr}`);
  const b = r.stdout as Buffer;
  return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

/** 48 kHz s16 samples of a wav, for the program path. */
export function pcm48k(wav: string): Int16Array {
  const r = spawnSync('sox', [wav, '-t', 's16', '-r', '48000', '-c', '1', '-'], { maxBuffer: 1 << 27 });
  if (r.status !== 0) throw new Error(`sox ${wav}: ${r.stderr}`);
  const b = r.stdout as Buffer;
  return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}
