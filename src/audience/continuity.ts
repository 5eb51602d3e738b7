import { performance } from 'node:perf_hooks';
import { PROGRAM_FORMAT, type EncodedFrame, type ProgramSink } from '../media/types.js';
import { OPUS_SILENCE } from './live-stream.js';

const TICKS = PROGRAM_FORMAT.frameSamples;
const FRAME_MS = PROGRAM_FORMAT.frameMs;

/** The relay counts as lost after this long without a frame (and no word from the primary). */
export const RELAY_LOST_AFTER_MS = 300;
/**
 * After the primary's end marker, the mixer's first frame follows its last directly when it comes
 * within this long (a stalled mixer clock catches up to five frames, frame-clock.ts): no silence is
 * put between. Later than that, silence covers the rest, as after a loss.
 */
const HAND_OVER_SLACK_MS = 100;

/**
 * One programme timeline on a hot standby, fed in turn by three sources: the frames relayed from the
 * primary, silence while none arrive (the primary is late or gone), and this origin's own mixer once
 * it has taken the Space over. Whatever the source, pts never go back and never leave a hole, so the
 * stream keeps its names and listeners at the live edge keep playing: the takeover is silence on the
 * same timeline, never a renumbering nor a discontinuity.
 *
 * A takeover does not cut the relay: while the primary still relays (a drain, whose speakers are
 * moving here meanwhile), its frames go on and the mixer's wait. The mixer carries on from the frame
 * after the primary's last (its end marker), or once the relay has been silent RELAY_LOST_AFTER_MS (it died).
 */
export class ContinuousProgramme {
  readonly #sink: ProgramSink;
  readonly #now: () => number;
  #heard: ((frame: EncodedFrame) => void) | undefined;
  #relayEnded = false;
  #lastPts: number | undefined;
  #lastWall = 0;
  /** The local monotonic time at which the timeline was last at #lastPts by a real frame. */
  #anchorAt = 0;
  #anchorPts = 0;
  #mixer: { offset: number | undefined } | undefined;
  #concealed = 0;
  /** Silence frames pushed since the last real frame. */
  #silentRun = 0;
  #takeOverGap = 0;

  constructor(sink: ProgramSink, now: () => number = () => performance.now()) {
    this.#sink = sink;
    this.#now = now;
  }

  /** Frames of silence pushed so far (the audio missing from this timeline). */
  get concealed(): number { return this.#concealed; }
  /** Frames of silence between the last relayed frame and the mixer's first: the gap of the takeover. */
  get takeOverGap(): number { return this.#takeOverGap; }
  /** Milliseconds since the last real frame (relayed or mixed here); Infinity before the first. */
  silentForMs(): number {
    return this.#lastPts === undefined ? Infinity : this.#now() - this.#anchorAt;
  }
  get mixing(): boolean { return this.#mixer?.offset !== undefined; }

  /** Every frame of the timeline as it is pushed (WHEP listeners hear the same as LL-HLS ones). */
  heard(listener: (frame: EncodedFrame) => void): void {
    this.#heard = listener;
  }

  /** A frame relayed from the primary. Ignored once this origin mixes, and when the timeline is past it. */
  relayed(frame: EncodedFrame): void {
    if (this.mixing) return;
    if (this.#lastPts !== undefined && frame.pts <= this.#lastPts) return;
    this.#real(frame);
  }

  /** Whether the primary said it relayed its last frame (a hand-over), rather than fell silent. */
  get handedOver(): boolean { return this.#relayEnded; }

  /** The primary relayed its last frame: a mixer that took over carries on from the next. */
  relayEnded(): void {
    this.#relayEnded = true;
  }

  /** Whether relayed frames still lead the timeline (not ended, not silent too long). */
  get #following(): boolean {
    return !this.#relayEnded && this.#lastPts !== undefined && this.silentForMs() < RELAY_LOST_AFTER_MS;
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
          if (this.#following) return;
          if (this.#lastPts === undefined) mixer.offset = 0;
          else {
            this.#fillUntil(this.#now() - (this.#relayEnded ? HAND_OVER_SLACK_MS : FRAME_MS));
            this.#takeOverGap = this.#silentRun;
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
    this.#heard?.(frame);
    this.#silentRun = 0;
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
      this.#silentRun++;
      const silence = { opus: OPUS_SILENCE, pts, wallClock: this.#lastWall };
      this.#sink.push(silence);
      this.#heard?.(silence);
    }
  }
}
