import { spawn } from 'node:child_process';
import { loopSource, parseWav, toneSource, toProgramRate, type FrameSource } from '../clients/index.js';

/** A few lines each: the host in English, the guest in French, taking turns. */
const LINES: ReadonlyArray<{ who: 0 | 1; voice: string; text: string }> = [
  { who: 0, voice: 'en', text: 'Good evening, and welcome to Tribune. Tonight, a conversation in two languages.' },
  { who: 1, voice: 'fr', text: 'Bonsoir à toutes et à tous, et merci pour l’invitation.' },
  { who: 0, voice: 'en', text: 'Everything you hear is mixed live on the server and streamed to every listener.' },
  { who: 1, voice: 'fr', text: 'Et les auditeurs peuvent poser leurs questions, et réagir en direct.' },
  { who: 0, voice: 'en', text: 'Open the studio to invite a speaker, or ask a question from the listener page.' },
  { who: 1, voice: 'fr', text: 'À tout de suite, sur Tribune.' },
];
const GAP_SAMPLES = 48_000 * 0.4;

function espeak(text: string, voice: string): Promise<Int16Array> {
  return new Promise((resolve, reject) => {
    const child = spawn('espeak-ng', ['--stdout', '-v', voice, '-s', '155', text], { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(toProgramRate(parseWav(Buffer.concat(chunks)))) : reject(new Error(`espeak-ng exited with ${code}`))));
  });
}

/**
 * The two demo voices as frame sources that take turns: each voice's track is its own lines with
 * silence where the other one speaks, so both loops have the same length and stay in step.
 * espeak-ng when installed, else two tones in the same turn-taking rhythm.
 */
export async function demoVoices(): Promise<{ sources: [FrameSource, FrameSource]; speech: boolean }> {
  let clips: Int16Array[];
  try {
    clips = await Promise.all(LINES.map((l) => espeak(l.text, l.voice)));
  } catch {
    return { sources: [turnTaking(toneSource(330, 0.25), 0), turnTaking(toneSource(523, 0.25), 1)], speech: false };
  }
  const total = clips.reduce((n, c) => n + c.length + GAP_SAMPLES, 0);
  const tracks = [new Int16Array(total), new Int16Array(total)] as const;
  let at = 0;
  LINES.forEach((line, i) => {
    tracks[line.who].set(clips[i]!, at);
    at += clips[i]!.length + GAP_SAMPLES;
  });
  return { sources: [loopSource(tracks[0]), loopSource(tracks[1])], speech: true };
}

/** Tones for two seconds in turn (one on, the other silent), so the speaking indicators alternate. */
function turnTaking(tone: FrameSource, turn: 0 | 1): FrameSource {
  let frame = 0;
  return () => {
    const mine = Math.floor(frame++ / 100) % 2 === turn;
    const f = tone();
    return mine ? f : new Int16Array(f.length);
  };
}
