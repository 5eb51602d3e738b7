import { performance } from 'node:perf_hooks';
import { PROGRAM_FORMAT, type EncodedFrame, type ProgramSink } from '../media/types.js';
import { OPUS_SILENCE } from './live-stream.js';

const TICKS = PROGRAM_FORMAT.frameSamples;
const FRAME_MS = PROGRAM_FORMAT.frameMs;

/**
 * One programme timeline on a hot standby, fed in turn by three sources: the frames relayed from the
 * primary, silence while none arrive (the primary is late or gone), and this origin's own mixer once
 * it has taken the Space over. Whatever the source, pts never go back and never leave a hole, so the
 * stream keeps its names and listeners at the live edge keep playing: the takeover is silence on the
 * same timeline, never a renumbering nor a discontinuity.
 */
export class ContinuousProgramme {
  readonly #sink: ProgramSink;
  readonly #now: () => number;
  #lastPts: number | undefined;
  #lastWall = 0;
  /** The local monotonic time at which the timeline was last at #lastPts by a real frame. */
  #anchorAt = 0;
  #anchorPts = 0;
  #mixer: { offset: number | undefined } | undefined;
  #concealed = 0;

  constructor(sink: ProgramSink, now: () => number = () => performance.now()) {
    this.#sink = sink;
    this.#now = now;
  }

  /** Frames of silence pushed so far (the audio missing from this timeline). */
  get concealed(): number { return this.#concealed; }
  /** Milliseconds since the last real frame (relayed or mixed here); Infinity before the first. */
  silentForMs(): number {
    return this.#lastPts === undefined ? Infinity : this.#now() - this.#anchorAt;
  }
  get mixing(): boolean { return this.#mixer?.offset !== undefined; }

  /** A frame relayed from the primary. Ignored once this origin mixes, and when the timeline is past it. */
  relayed(frame: EncodedFrame): void {
    if (this.mixing) return;
    if (this.#lastPts !== undefined && frame.pts <= this.#lastPts) return;
    this.#real(frame);
  }

  /** Silence up to the present on the local clock, counted from the last real frame. */
  conceal(): void {
    if (this.#lastPts === undefined || this.mixing) return;
    this.#fillUntil(this.#now());
  }

  /**
   * The sink this origin's mixer feeds after a takeover: its first frame follows the timeline (after
   * the silence that covered the change), and every frame after keeps the same offset.
   */
  takeOver(): ProgramSink {
    const mixer = this.#mixer = { offset: undefined as number | undefined };
    return {
      push: (frame) => {
        if (this.#mixer !== mixer) return;
        if (mixer.offset === undefined) {
          if (this.#lastPts === undefined) mixer.offset = 0;
          else {
            this.#fillUntil(this.#now() - FRAME_MS);
            mixer.offset = this.#lastPts + TICKS - frame.pts;
          }
        }
        this.#real({ ...frame, pts: frame.pts + mixer.offset });
      },
      end: () => this.#sink.end(),
    };
  }

  end(): void {
    this.#sink.end();
  }

  #real(frame: EncodedFrame): void {
    this.#sink.push(frame);
    this.#lastPts = frame.pts;
    this.#lastWall = frame.wallClock;
    this.#anchorAt = this.#now();
    this.#anchorPts = frame.pts;
  }

  #fillUntil(at: number): void {
    const due = this.#anchorPts + Math.floor((at - this.#anchorAt) / FRAME_MS) * TICKS;
    let pts = this.#lastPts!;
    while (pts < due) {
      pts += TICKS;
      this.#lastPts = pts;
      this.#lastWall += FRAME_MS;
      this.#concealed++;
      this.#sink.push({ opus: OPUS_SILENCE, pts, wallClock: this.#lastWall });
    }
  }
}
