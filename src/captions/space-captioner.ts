import { PROGRAM_FORMAT, type CaptionSink, type SeatAudioTap } from '../media/types.js';
import type { CaptionsWorkerClient } from './captions-worker-client.js';
import { captionMetrics } from './metrics.js';
import type { FromWorker } from './worker-protocol.js';

/** Audio goes to the worker in batches of this many 20 ms frames (fewer messages, one copy each). */
const BATCH_FRAMES = 5;
const BATCH_SAMPLES = BATCH_FRAMES * PROGRAM_FORMAT.frameSamples;

export interface SpaceCaptionerOptions {
  readonly spaceId: string;
  readonly language: string;
  readonly sink: CaptionSink;
  /** Audio queued for a seat beyond this is dropped (captions lose it, listeners never do). */
  readonly maxBacklogMs: number;
  /** A seat's display name, from control through the composition root. */
  readonly nameOf: (participantId: string) => string | undefined;
}

interface SeatState {
  readonly key: string;
  batch: Float32Array;
  filled: number;
  batchWall: number;
  tapped: boolean;
  active: boolean;
  /** 48 kHz samples sent and not yet acknowledged by the worker. */
  queued: number;
  dropping: boolean;
}

/**
 * The captions of one Space, as a tap on its mixer. On the mixer's clock it only copies each speaking
 * seat's frame into a batch and posts full batches to the worker (the buffer is transferred, not
 * copied again); when a seat's backlog in the worker is over the bound, its audio is dropped and the
 * utterance ended, so a slow engine costs captions, never the program.
 */
export class SpaceCaptioner implements SeatAudioTap {
  readonly #o: SpaceCaptionerOptions;
  readonly #worker: CaptionsWorkerClient;
  readonly #seats = new Map<string, SeatState>();
  readonly #maxQueued: number;
  #closed = false;

  constructor(worker: CaptionsWorkerClient, options: SpaceCaptionerOptions) {
    this.#worker = worker;
    this.#o = options;
    this.#maxQueued = (options.maxBacklogMs / 1000) * PROGRAM_FORMAT.sampleRate;
  }

  frame(participantId: string, pcm: Float32Array, wallClock: number): void {
    if (this.#closed) return;
    const seat = this.#seats.get(participantId) ?? this.#open(participantId);
    seat.tapped = true;
    seat.active = true;
    if (seat.filled === 0) seat.batchWall = wallClock;
    seat.batch.set(pcm, seat.filled);
    seat.filled += pcm.length;
    if (seat.filled >= BATCH_SAMPLES) this.#flush(seat);
  }

  tickEnd(): void {
    for (const seat of this.#seats.values()) {
      if (!seat.tapped && seat.active) {
        // Muted, idle or gone this tick: what was batched goes, and the utterance ends.
        seat.active = false;
        this.#flush(seat);
        this.#worker.gap(seat.key);
      }
      seat.tapped = false;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const seat of this.#seats.values()) {
      this.#flush(seat);
      this.#worker.gap(seat.key);
      // Let the last utterance's final arrive before the seat is forgotten.
      setTimeout(() => this.#worker.close(seat.key), 2_000).unref();
      captionMetrics.streams.dec();
    }
  }

  #open(participantId: string): SeatState {
    const key = `${this.#o.spaceId}/${participantId}`;
    const seat: SeatState = {
      key, batch: new Float32Array(BATCH_SAMPLES), filled: 0, batchWall: 0, tapped: false, active: false, queued: 0, dropping: false,
    };
    this.#seats.set(participantId, seat);
    captionMetrics.streams.inc();
    this.#worker.open(key, this.#o.language, (m) => this.#onWorker(participantId, seat, m));
    return seat;
  }

  #flush(seat: SeatState): void {
    if (seat.filled === 0) return;
    const samples = seat.filled;
    seat.filled = 0;
    if (seat.queued + samples > this.#maxQueued) {
      captionMetrics.dropped.inc(samples / PROGRAM_FORMAT.sampleRate);
      if (!seat.dropping) this.#worker.gap(seat.key);
      seat.dropping = true;
      return;
    }
    seat.dropping = false;
    const pcm = seat.batch.subarray(0, samples).slice();
    seat.queued += samples;
    this.#worker.audio(seat.key, pcm, seat.batchWall);
  }

  #onWorker(participantId: string, seat: SeatState, m: Extract<FromWorker, { seat: string }>): void {
    switch (m.type) {
      case 'ack':
        seat.queued = Math.max(0, seat.queued - m.samples);
        captionMetrics.lag.observe((performance.now() - m.sentAt) / 1000);
        captionMetrics.cpu.inc(m.cpuMs / 1000);
        break;
      case 'final': {
        if (m.words.length === 0) break;
        captionMetrics.words.inc(m.words.length);
        captionMetrics.cues.inc();
        this.#o.sink.push({
          speakerId: participantId,
          speaker: this.#o.nameOf(participantId) ?? '',
          text: m.text,
          start: m.words[0]!.start,
          end: m.words.at(-1)!.end,
          words: m.words,
        });
        break;
      }
      default:
        break;
    }
  }
}
