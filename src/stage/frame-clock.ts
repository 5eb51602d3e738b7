import { performance } from 'node:perf_hooks';
import { PROGRAM_FORMAT } from '../media/types.js';
import { stageMetrics } from './metrics.js';

/** Frames run back to back after a stall before the clock gives up and skips (a pts gap). */
const MAX_CATCH_UP = 5;

/**
 * A drift-free 20 ms clock: tick n is due at start + n * 20 ms on the monotonic clock, and each
 * timeout is computed from that schedule, so timer lateness never accumulates. After an event-loop
 * stall it catches up one tick per turn of the loop (setImmediate), never back to back: packets that
 * queued up during the stall are delivered by the poll phase in between, so a stall does not turn
 * into jitter-buffer underruns. Beyond MAX_CATCH_UP frames behind it skips, leaving a gap in pts
 * (allowed by EncodedFrame) rather than a burst of stale audio.
 */
export class FrameClock {
  readonly #onTick: (frameIndex: number, wallClock: number) => void;
  readonly #start = performance.now();
  readonly #wallStart = Date.now();
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #closed = false;

  constructor(onTick: (frameIndex: number, wallClock: number) => void) {
    this.#onTick = onTick;
    this.#schedule();
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
  }

  #schedule(): void {
    if (this.#closed) return;
    const wait = this.#start + this.#frame * PROGRAM_FORMAT.frameMs - performance.now();
    if (wait <= 0) this.#immediate = setImmediate(() => this.#run());
    else this.#timer = setTimeout(() => this.#run(), wait);
  }

  #run(): void {
    if (this.#closed) return;
    const now = performance.now();
    const lateness = now - (this.#start + this.#frame * PROGRAM_FORMAT.frameMs);
    stageMetrics.tickLateness.observe(Math.max(0, lateness) / 1000);
    const behind = Math.floor(lateness / PROGRAM_FORMAT.frameMs);
    if (behind >= MAX_CATCH_UP) {
      stageMetrics.framesSkipped.inc(behind);
      this.#frame += behind;
    }
    const frame = this.#frame++;
    this.#onTick(frame, this.#wallStart + frame * PROGRAM_FORMAT.frameMs);
    this.#schedule();
  }
}
