import opus from '@discordjs/opus';
import { PROGRAM_FORMAT } from '../media/types.js';
import { JitterBuffer } from './jitter-buffer.js';
import { stageMetrics } from './metrics.js';

const FRAME = PROGRAM_FORMAT.frameSamples;
/** Concealed frames played after the last real packet before the speaker goes quiet (60 ms fade). */
const FADE_FRAMES = 3;
const PLC_REQUEST = Buffer.alloc(0);

/**
 * One speaker's receive path: jitter buffer -> libopus decode -> 960-sample float frames.
 *
 * Loss concealment: @discordjs/opus has no decode_fec flag, but an empty packet reaches
 * opus_decode with len == 0, which is libopus's own PLC. It returns up to 120 ms; we keep 20 ms.
 * On an underrun (nothing arrived) we conceal for FADE_FRAMES frames with a linear fade to zero,
 * then go idle, so a speaker whose network vanishes leaves the mix without a click; the first frame
 * after idle fades in.
 */
export class OpusDecoderPath {
  readonly #decoder = new opus.OpusEncoder(PROGRAM_FORMAT.sampleRate, PROGRAM_FORMAT.channels);
  readonly #jitter = new JitterBuffer();
  readonly #frame = new Float32Array(FRAME);
  /** Decoded samples not yet played (packets longer than 20 ms, or shorter ones accumulating). */
  #pending: Int16Array = new Int16Array(0);
  #concealed = 0;
  #active = false;
  #lastPacketAt = 0;

  /** Monotonic ms of the last accepted packet (0 if none). */
  get lastPacketAt(): number {
    return this.#lastPacketAt;
  }

  get active(): boolean {
    return this.#active;
  }

  /** Queues one Opus payload; returns false (and counts why) if it was dropped. */
  push(sequence: number, payload: Buffer, now: number): boolean {
    const result = this.#jitter.push(sequence, payload);
    if (result === 'late' || result === 'duplicate') {
      stageMetrics.packetsDropped.inc({ reason: result });
      return false;
    }
    this.#lastPacketAt = now;
    stageMetrics.packetsReceived.inc();
    return true;
  }

  /** The next 20 ms, or null when the speaker contributes nothing (idle). The array is reused. */
  pull(): Float32Array | null {
    this.#jitter.drainIfDeep();
    const frame = this.#frame;
    let filled = this.#drainPending(frame, 0);
    let fade: 'in' | 'out' | null = null;
    while (filled < FRAME) {
      const next = this.#jitter.pop();
      if (next.kind === 'empty') {
        if (!this.#active || filled > 0) {
          // Idle, or a short packet left a partial frame: pad with silence rather than invent sound.
          if (!this.#active) return null;
          frame.fill(0, filled);
          filled = FRAME;
          break;
        }
        if (this.#concealed >= FADE_FRAMES) {
          this.#active = false;
          this.#concealed = 0;
          return null;
        }
        this.#conceal(frame);
        stageMetrics.framesConcealed.inc();
        this.#concealed += 1;
        fade = 'out';
        filled = FRAME;
        break;
      }
      const pcm = next.kind === 'packet' ? this.#decode(next.payload) : this.#plc();
      if (next.kind === 'lost') stageMetrics.framesConcealed.inc();
      if (pcm === null) continue;
      if (!this.#active) fade = 'in';
      this.#active = true;
      this.#concealed = 0;
      this.#pending = pcm;
      filled = this.#drainPending(frame, filled);
    }
    if (fade === 'in') applyRamp(frame, 0, 1);
    else if (fade === 'out') {
      applyRamp(frame, 1 - (this.#concealed - 1) / FADE_FRAMES, 1 - this.#concealed / FADE_FRAMES);
    }
    return frame;
  }

  /** A new publishing session for the same seat: forget the old stream. */
  reset(): void {
    this.#jitter.reset();
    this.#pending = new Int16Array(0);
    this.#active = false;
    this.#concealed = 0;
  }

  #drainPending(frame: Float32Array, filled: number): number {
    const take = Math.min(FRAME - filled, this.#pending.length);
    for (let i = 0; i < take; i++) frame[filled + i] = this.#pending[i]! / 32768;
    this.#pending = this.#pending.subarray(take);
    return filled + take;
  }

  #decode(payload: Buffer): Int16Array | null {
    try {
      const pcm = this.#decoder.decode(payload);
      return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length >> 1);
    } catch {
      stageMetrics.packetsDropped.inc({ reason: 'decode' });
      return this.#plc();
    }
  }

  #plc(): Int16Array | null {
    try {
      const pcm = this.#decoder.decode(PLC_REQUEST);
      return new Int16Array(pcm.buffer, pcm.byteOffset, Math.min(FRAME, pcm.length >> 1));
    } catch {
      return new Int16Array(FRAME);
    }
  }

  #conceal(frame: Float32Array): void {
    const pcm = this.#plc() ?? new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) frame[i] = (pcm[i] ?? 0) / 32768;
  }
}

function applyRamp(frame: Float32Array, from: number, to: number): void {
  const step = (to - from) / frame.length;
  for (let i = 0; i < frame.length; i++) frame[i]! *= from + step * i;
}
