/**
 * Energy voice-activity segmentation of one speaker's 16 kHz audio, in 20 ms frames. It cuts the
 * stream into utterances for the engine: speech starts after two loud frames (with 300 ms of audio
 * before them, so the first consonant is not lost), ends after a hangover of quiet, and a long
 * monologue is cut at the next quiet frame after `softMaxMs` (or anyway at `hardMaxMs`) so its
 * captions do not wait for the speaker to breathe.
 */
export const VAD_FRAME_SAMPLES = 320;
const FRAME_MS = 20;

export interface VadOptions {
  readonly hangoverMs: number;
  readonly preRollMs: number;
  readonly softMaxMs: number;
  readonly hardMaxMs: number;
  /** A frame is speech when above max(noise floor + marginDb, minDb) dBFS. */
  readonly marginDb: number;
  readonly minDb: number;
}

export const VAD_DEFAULTS: VadOptions = {
  hangoverMs: 300, preRollMs: 300, softMaxMs: 3_000, hardMaxMs: 12_000, marginDb: 12, minDb: -50,
};

export interface VadEvents {
  /** An utterance begins; `wallClock` is that of its first sample (pre-roll included). */
  start(wallClock: number): void;
  audio(pcm: Int16Array): void;
  end(reason: 'silence' | 'length' | 'gap'): void;
}

export class VoiceActivitySegmenter {
  readonly #o: VadOptions;
  readonly #events: VadEvents;
  readonly #preRoll: { pcm: Int16Array; wallClock: number }[] = [];
  #noiseDb = -70;
  #loudRun = 0;
  #quietRun = 0;
  #inSpeech = false;
  #speechMs = 0;

  constructor(events: VadEvents, options: Partial<VadOptions> = {}) {
    this.#o = { ...VAD_DEFAULTS, ...options };
    this.#events = events;
  }

  get inSpeech(): boolean {
    return this.#inSpeech;
  }

  /** One 20 ms frame (VAD_FRAME_SAMPLES) of 16 kHz audio and the wall clock of its first sample. */
  frame(pcm: Int16Array, wallClock: number): void {
    const db = levelDb(pcm);
    // The floor follows quiet frames at once and creeps up under sustained sound (0.1 dB per frame).
    this.#noiseDb = db < this.#noiseDb ? Math.max(db, -90) : Math.min(this.#noiseDb + 0.1, -20);
    const loud = db > Math.max(this.#noiseDb + this.#o.marginDb, this.#o.minDb);
    this.#loudRun = loud ? this.#loudRun + 1 : 0;
    this.#quietRun = loud ? 0 : this.#quietRun + 1;

    if (!this.#inSpeech) {
      this.#preRoll.push({ pcm, wallClock });
      while (this.#preRoll.length * FRAME_MS > this.#o.preRollMs + 2 * FRAME_MS) this.#preRoll.shift();
      if (this.#loudRun >= 2) {
        this.#inSpeech = true;
        this.#speechMs = 0;
        this.#events.start(this.#preRoll[0]!.wallClock);
        for (const f of this.#preRoll) this.#emit(f.pcm);
        this.#preRoll.length = 0;
      }
      return;
    }
    this.#emit(pcm);
    if (this.#quietRun * FRAME_MS >= this.#o.hangoverMs) this.#end('silence');
    else if (this.#speechMs >= this.#o.hardMaxMs || (this.#speechMs >= this.#o.softMaxMs && !loud)) this.#end('length');
  }

  /** The audio stopped (muted, idle, dropped): close any open utterance. */
  gap(): void {
    this.#preRoll.length = 0;
    this.#loudRun = 0;
    if (this.#inSpeech) this.#end('gap');
  }

  #emit(pcm: Int16Array): void {
    this.#speechMs += FRAME_MS;
    this.#events.audio(pcm);
  }

  #end(reason: 'silence' | 'length' | 'gap'): void {
    this.#inSpeech = false;
    this.#quietRun = 0;
    this.#events.end(reason);
  }
}

export function levelDb(pcm: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  const rms = Math.sqrt(sum / Math.max(1, pcm.length)) / 32768;
  return rms > 0 ? 20 * Math.log10(rms) : -120;
}
