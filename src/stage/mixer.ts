import { PROGRAM_FORMAT, type EncodedFrame, type SeatAudioTap } from '../media/types.js';
import { LevelMeter } from './level-meter.js';
import { SoftLimiter } from './limiter.js';
import { OpusDecoderPath } from './opus-decoder-path.js';
import { OpusFrameEncoder } from './opus-frame-encoder.js';
import { stageMetrics } from './metrics.js';

const FRAME = PROGRAM_FORMAT.frameSamples;
/** libopus complexity of mix-minus encoders; the program keeps the default (10). */
const MIX_MINUS_COMPLEXITY = 6;

export type FrameSink = (frame: EncodedFrame) => void;

/** One seat in the mix. Its receive path lives here so it survives a reconnect (same slot). */
export class MixerInput {
  readonly participantId: string;
  readonly path = new OpusDecoderPath();
  readonly meter = new LevelMeter();
  /** This tick's contribution (after gain and mute ramp); valid when `contributing`. */
  readonly contribution = new Float32Array(FRAME);
  contributing = false;
  /** Leaving the mix: muted now, deleted once the fade-out frame has been mixed. */
  removing = false;
  gain = 1;
  muted: boolean;
  /** The gain actually applied at the end of the last frame; ramps toward gain or 0 over one frame. */
  applied: number;

  constructor(participantId: string, muted: boolean) {
    this.participantId = participantId;
    this.muted = muted;
    this.applied = muted ? 0 : 1;
  }
}

interface Output {
  readonly limiter: SoftLimiter;
  readonly encoder: OpusFrameEncoder;
  readonly sinks: Set<FrameSink>;
}

/**
 * The mixer of one Space. Pulled once per 20 ms by the Space's clock (never by packet arrival):
 * every input yields a frame (decoded, concealed or nothing), the sum feeds the program, and
 * sum - own contribution feeds each speaker's mix-minus. Each output has its own limiter and
 * encoder; a mix-minus is encoded only while someone listens to it.
 */
export class Mixer {
  readonly #inputs = new Map<string, MixerInput>();
  readonly #mixMinus = new Map<string, Output>();
  readonly #program: Output;
  readonly #sum = new Float32Array(FRAME);
  readonly #scratch = new Float32Array(FRAME);
  readonly #bitrate: number;
  readonly #onError: (err: unknown) => void;
  #tap: SeatAudioTap | undefined;

  constructor(bitrate: number, onError: (err: unknown) => void = () => {}) {
    this.#bitrate = bitrate;
    this.#onError = onError;
    this.#program = this.#newOutput(10);
  }

  get inputs(): ReadonlyMap<string, MixerInput> {
    return this.#inputs;
  }

  get mixMinusCount(): number {
    return this.#mixMinus.size;
  }

  addInput(participantId: string, muted: boolean): MixerInput {
    let input = this.#inputs.get(participantId);
    if (!input) this.#inputs.set(participantId, (input = new MixerInput(participantId, muted)));
    else if (input.removing) {
      input.removing = false;
      input.muted = muted;
    }
    return input;
  }

  /** Fades the seat out over the next frame, then forgets it (removing mid-word must not click). */
  removeInput(participantId: string): void {
    const input = this.#inputs.get(participantId);
    if (!input) return;
    input.removing = true;
    input.muted = true;
  }

  setMuted(participantId: string, muted: boolean): void {
    const input = this.#inputs.get(participantId);
    if (input && !input.removing) input.muted = muted;
  }

  setGain(participantId: string, gain: number): void {
    const input = this.#inputs.get(participantId);
    if (input) input.gain = Math.max(0, Math.min(4, gain));
  }

  /** Hands each contributing seat's frame to `tap` every tick (captions); one tap at a time. */
  setTap(tap: SeatAudioTap | undefined): void {
    this.#tap = tap;
  }

  subscribeProgram(sink: FrameSink): () => void {
    this.#program.sinks.add(sink);
    return () => this.#program.sinks.delete(sink);
  }

  /** Subscribes to the mix heard by `participantId`: everyone but them (whether or not they publish). */
  subscribeMixMinus(participantId: string, sink: FrameSink): () => void {
    let output = this.#mixMinus.get(participantId);
    if (!output) this.#mixMinus.set(participantId, (output = this.#newOutput(MIX_MINUS_COMPLEXITY)));
    output.sinks.add(sink);
    return () => {
      output.sinks.delete(sink);
      if (output.sinks.size === 0 && this.#mixMinus.get(participantId) === output) this.#mixMinus.delete(participantId);
    };
  }

  /** Mixes and encodes one frame. `pts` in 48 kHz samples, `wallClock` in ms since the epoch. */
  tick(pts: number, wallClock: number): void {
    const sum = this.#sum;
    sum.fill(0);
    for (const input of this.#inputs.values()) {
      this.#pullInput(input, sum);
      if (input.removing && input.applied === 0) this.#inputs.delete(input.participantId);
    }
    if (this.#tap) this.#feedTap(this.#tap, wallClock);
    this.#emit(this.#program, sum, pts, wallClock);
    for (const [participantId, output] of this.#mixMinus) {
      const own = this.#inputs.get(participantId);
      const mix = this.#scratch;
      if (own?.contributing) {
        const c = own.contribution;
        for (let i = 0; i < FRAME; i++) mix[i] = sum[i]! - c[i]!;
      } else {
        mix.set(sum);
      }
      this.#emit(output, mix, pts, wallClock);
    }
    stageMetrics.framesMixed.inc();
  }

  /** Per-seat levels over the window since the last call. */
  takeLevels(): Record<string, { level: number; speaking: boolean }> {
    const levels: Record<string, { level: number; speaking: boolean }> = {};
    for (const input of this.#inputs.values()) levels[input.participantId] = input.meter.take();
    return levels;
  }

  #feedTap(tap: SeatAudioTap, wallClock: number): void {
    try {
      for (const input of this.#inputs.values()) if (input.contributing) tap.frame(input.participantId, input.contribution, wallClock);
      tap.tickEnd(wallClock);
    } catch (err) {
      this.#onError(err);
    }
  }

  #pullInput(input: MixerInput, sum: Float32Array): void {
    let frame: Float32Array | null = null;
    try {
      frame = input.path.pull();
    } catch (err) {
      this.#onError(err);
    }
    const from = input.applied;
    const to = input.muted ? 0 : input.gain;
    input.applied = to;
    if (frame === null || (from === 0 && to === 0)) {
      input.contributing = false;
      input.meter.add(null, 0, FRAME);
      return;
    }
    // The mute/gain change ramps across this one frame: out of the mix within 20 ms, and no click.
    const c = input.contribution;
    const step = (to - from) / FRAME;
    for (let i = 0; i < FRAME; i++) {
      const v = frame[i]! * (from + step * i);
      c[i] = v;
      sum[i] = sum[i]! + v;
    }
    input.contributing = true;
    input.meter.add(c, 1, FRAME);
  }

  #emit(output: Output, mix: Float32Array, pts: number, wallClock: number): void {
    if (output.sinks.size === 0) return;
    const buffer = output === this.#program ? this.#scratch : mix;
    if (buffer !== mix) buffer.set(mix);
    output.limiter.process(buffer);
    const frame: EncodedFrame = { opus: output.encoder.encode(buffer), pts, wallClock };
    for (const sink of output.sinks) {
      try {
        sink(frame);
      } catch (err) {
        this.#onError(err);
      }
    }
  }

  #newOutput(complexity: number): Output {
    return { limiter: new SoftLimiter(), encoder: new OpusFrameEncoder(this.#bitrate, complexity), sinks: new Set() };
  }
}
