import { PROGRAM_FORMAT, type EncodedFrame, type ProgramSink } from '../media/types.js';
import { buildFragment, type Sample } from './fragment.js';
import { audienceMetrics } from './metrics.js';
import type { MediaPlaylistView, ViewSegment } from './playlist.js';
import type { SegmentRecord } from './recording.js';
import type { RecordingHandle as Recording } from './recording-store.js';
import { framePosition, startsSegment, type TimelineLayout } from './timeline.js';

/**
 * Where a stream's timeline starts: the programme pts of its frame 0 and the numbers that frame's
 * segment and part carry. An origin given another's epoch cuts the same names from the same frames.
 */
export interface StreamEpoch {
  readonly pts: number;
  readonly msn: number;
  readonly decodeTime: number;
  readonly fragmentSequence: number;
}

export interface LiveStreamConfig {
  readonly trackId: number;
  readonly framesPerPart: number;
  readonly partsPerSegment: number;
  readonly liveWindowSegments: number;
  /**
   * Parts in the first segment a stream makes. A player starts only from a playlist with a complete
   * segment (hls.js: levelEmptyError, then a retry a second later), so a stream's first segment is
   * cut short and waiting listeners hear the start within a second instead of after a whole target
   * duration plus a retry. PART-HOLD-BACK and one part more: hls.js loads parts from its start
   * position only if that segment ends at least the open segment's parts after its first part;
   * otherwise it loads the whole segment, then waits for the next one to complete (seconds late,
   * then a burst of part requests to catch up).
   */
  readonly startupParts: number;
  /** Frames in each part of the first segment (at most framesPerPart): a shorter first segment. */
  readonly startupFramesPerPart: number;
  /**
   * Join a stream another origin runs, on its timeline: frames before the next segment start are
   * dropped (a part must be whole to be the same bytes), then every name follows the epoch.
   */
  readonly join?: StreamEpoch;
}

interface Part {
  readonly index: number;
  readonly data: Buffer;
  readonly duration: number;
}

interface Segment {
  readonly msn: number;
  readonly decodeTime: number;
  readonly programDateTime: number;
  readonly discontinuity: boolean;
  readonly parts: Part[];
  duration: number;
  /** The whole segment (its parts concatenated); absent for segments made before a restart (on disk). */
  data: Buffer | undefined;
}

export type ReloadState = 'ready' | 'wait' | 'too-far';
export type SegmentFill =
  | { readonly status: 'complete'; readonly data: Buffer }
  | { readonly status: 'open'; readonly parts: readonly { readonly data: Buffer }[] }
  | { readonly status: 'wait' | 'missing' };
export type PartLookup = { readonly status: 'ready'; readonly data: Buffer } | { readonly status: 'wait' | 'missing' };

const TICKS = PROGRAM_FORMAT.frameSamples;
/** An Opus packet that decodes to 20 ms of silence: TOC 0xF8 (CELT FB 20 ms, mono, one frame) + 2 bytes. */
export const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);
/** pts gaps up to this many frames are filled with silence; longer ones re-anchor the timeline. */
const MAX_FILL_FRAMES = 250;

/**
 * One Space's live program on this origin: muxes each frame into the part being produced, closes parts
 * and segments on frame counts (so every part lasts exactly PART-TARGET and every segment the same),
 * keeps the live window in memory, hands completed segments to the recording, and wakes the requests
 * held for a part (blocking reloads, preload hints).
 */
export class LiveStream implements ProgramSink {
  readonly spaceId: string;
  readonly #cfg: LiveStreamConfig;
  readonly #recording: Recording;
  readonly #window: Segment[] = [];
  readonly #waiters = new Set<() => void>();
  #current: Segment | undefined;
  #pending: Sample[] = [];
  #nextMsn = 0;
  #decodeTime = 0;
  #fragmentSequence = 1;
  readonly #layout: TimelineLayout;
  /** The numbers of frame 0; its pts once the first frame is here. */
  #epoch: Omit<StreamEpoch, 'pts'> = { msn: 0, decodeTime: 0, fragmentSequence: 1 };
  #epochPts: number | undefined;
  /** The next frame's index on the timeline. */
  #frameIndex = 0;
  #joining: boolean;
  #lastPts: number | undefined;
  #lastWallClock = 0;
  #discontinuityNext = false;
  #discontinuitiesBeforeWindow = 0;
  #state: 'live' | 'ended' | 'closed' = 'live';
  #partsProduced = 0;
  #firstFrameAt: number | undefined;
  #firstPartAt: number | undefined;

  constructor(spaceId: string, cfg: LiveStreamConfig, recording: Recording) {
    this.spaceId = spaceId;
    this.#cfg = cfg;
    this.#recording = recording;
    this.#layout = {
      framesPerPart: cfg.framesPerPart, partsPerSegment: cfg.partsPerSegment,
      startupParts: cfg.startupParts, startupFramesPerPart: cfg.startupFramesPerPart,
    };
    this.#joining = cfg.join !== undefined;
    if (cfg.join) {
      this.#epoch = { msn: cfg.join.msn, decodeTime: cfg.join.decodeTime, fragmentSequence: cfg.join.fragmentSequence };
      this.#epochPts = cfg.join.pts;
      this.#nextMsn = cfg.join.msn;
    }
    const resume = cfg.join ? undefined : recording.resumePoint();
    if (resume) {
      // The origin restarted (or begin() came again): continue the numbering, never back at 0, and
      // mark the first new segment with EXT-X-DISCONTINUITY (RFC 8216bis §4.4.4.3): timestamps and
      // encoder state do not continue across the gap.
      this.#nextMsn = resume.msn;
      this.#decodeTime = resume.decodeTime;
      this.#fragmentSequence = resume.fragmentSequence;
      this.#epoch = { msn: resume.msn, decodeTime: resume.decodeTime, fragmentSequence: resume.fragmentSequence };
      this.#discontinuityNext = true;
      // The old window stays listed only if it runs up to the new msn without a hole: msns are
      // positional in a playlist (§4.4.3.2), so after a crash burnt a segment the window starts anew.
      const all = recording.segments;
      let from = all.length;
      while (from > 0 && all.length - from < cfg.liveWindowSegments && all[from - 1]!.msn === resume.msn - (all.length - from) - 1) from--;
      const keep = all.slice(from);
      this.#discontinuitiesBeforeWindow = all.slice(0, all.length - keep.length).filter((s) => s.discontinuity).length;
      for (const s of keep) {
        this.#window.push({ ...s, parts: [], data: undefined });
      }
    }
  }

  get state(): 'live' | 'ended' | 'closed' { return this.#state; }
  get partsProduced(): number { return this.#partsProduced; }
  get firstFrameAt(): number | undefined { return this.#firstFrameAt; }
  get firstPartAt(): number | undefined { return this.#firstPartAt; }
  get waiting(): number { return this.#waiters.size; }
  /** This stream's timeline, once its first frame is here: what a standby origin joins with. */
  get epoch(): StreamEpoch | undefined {
    return this.#epochPts === undefined ? undefined : { pts: this.#epochPts, ...this.#epoch };
  }

  /** Whether a playlist can be served: a complete segment is published (see startupParts). */
  hasMedia(): boolean {
    return this.#published().complete.length > 0;
  }

  /**
   * What the playlist shows. A segment just closed is shown as still open (its parts, no EXTINF)
   * until the next segment's first part exists: a playlist never ends on a complete segment. hls.js
   * that reaches the end of a complete segment before it knows the next part fetches that
   * segment's last part again in a tight loop until its next playlist arrives (dozens of requests
   * in 200 ms); at the end of an open segment it waits for the preload-hinted part instead.
   */
  #published(): { complete: readonly Segment[]; open: Segment | undefined } {
    const cur = this.#current && this.#current.parts.length > 0 ? this.#current : undefined;
    const last = this.#window.at(-1);
    // Segments restored from disk after a restart have no parts to show: they stay complete.
    if (cur || this.#state !== 'live' || !last || last.parts.length === 0) return { complete: this.#window, open: cur };
    return { complete: this.#window.slice(0, -1), open: last };
  }

  push(frame: EncodedFrame): void {
    if (this.#state !== 'live') return;
    if (!Buffer.isBuffer(frame.opus) || frame.opus.length === 0 || !Number.isFinite(frame.pts)) return;
    this.#firstFrameAt ??= Date.now();
    if (this.#epochPts === undefined) this.#epochPts = frame.pts;
    if (this.#lastPts === undefined && this.#joining) {
      // The first frame of a joining origin: its place on the other's timeline.
      const ticks = frame.pts - this.#epochPts;
      if (ticks < 0 || ticks % TICKS !== 0) return;
      this.#frameIndex = ticks / TICKS;
    }
    if (this.#lastPts !== undefined) {
      const delta = frame.pts - (this.#lastPts + TICKS);
      // Late or duplicated frame: the timeline already covers it.
      if (delta < 0 && delta > -50 * TICKS) return;
      if (delta > 0 && delta <= MAX_FILL_FRAMES * TICKS) {
        // A gap in the program (frames the mixer could not produce): keep the timeline dense with
        // silence so parts stay exactly PART-TARGET long and the playlist durations stay true.
        const missing = Math.round(delta / TICKS);
        for (let i = 1; i <= missing; i++) this.#append(OPUS_SILENCE, this.#lastWallClock + i * PROGRAM_FORMAT.frameMs);
      }
      // Otherwise (a reset or a long outage) continue the media timeline where it is; the next
      // segment's PROGRAM-DATE-TIME tells the wall-clock jump.
    }
    this.#append(frame.opus, frame.wallClock);
    this.#lastPts = frame.pts;
    this.#lastWallClock = frame.wallClock;
  }

  /** The Space ended: flush the part and the segment, mark the recording ended, release every waiter. */
  end(): void {
    if (this.#state !== 'live') return;
    this.#flush();
    this.#state = 'ended';
    this.#recording.markEnded(Date.now());
    this.#notify();
  }

  /** This origin stops serving the Space (shutdown, or begin() again): flush but do not end. */
  close(): void {
    if (this.#state !== 'live') return;
    this.#flush();
    this.#recording.release();
    this.#state = 'closed';
    this.#notify();
  }

  /**
   * Stops without writing the open part or segment: another origin carries the same timeline on
   * (a standby stepping down, or a primary handing over to its standby), and a short copy of the
   * segment under its name would keep the whole one out of the recording.
   */
  abandon(): void {
    if (this.#state !== 'live') return;
    this.#pending = [];
    this.#current = undefined;
    this.#recording.release();
    this.#state = 'closed';
    this.#notify();
  }

  view(): MediaPlaylistView {
    const { complete, open } = this.#published();
    return {
      targetDuration: Math.max(1, Math.round((this.#cfg.partsPerSegment * this.#cfg.framesPerPart * PROGRAM_FORMAT.frameMs) / 1000)),
      partTarget: (this.#cfg.framesPerPart * PROGRAM_FORMAT.frameMs) / 1000,
      discontinuitySequence: this.#discontinuitiesBeforeWindow,
      segments: complete.map(toView),
      current: open && toView(open),
      preloadHint: this.#state === 'live' ? this.#hint() : undefined,
      // Only the end of the Space ends the playlist: a stream closed here (handed over to another
      // origin) goes on there, and a player told ENDLIST would stop listening.
      ended: this.#state === 'ended',
      nextMsn: this.#nextMsn,
    };
  }

  /**
   * RFC 8216bis §6.2.5.2 blocking reload: whether the playlist already holds segment `msn` (or its
   * part `part`), is worth waiting for, or is too far ahead (400).
   */
  reloadState(msn: number, part: number | undefined): ReloadState {
    if (this.#state === 'ended') return 'ready'; // M5: ignore the directives once EXT-X-ENDLIST is there
    // Closed here (handed over): a held reload is let go without a playlist (503), to ask again elsewhere.
    if (this.#state === 'closed') return 'wait';
    const P = this.#cfg.partsPerSegment;
    const { complete, open } = this.#published();
    const lastComplete = complete.at(-1)?.msn ?? (open?.msn ?? this.#nextMsn) - 1;
    if (msn > lastComplete + 2) return 'too-far';
    let m = msn;
    // _HLS_msn alone (Safari): held until that segment's first part, the moment the segment before
    // it is listed whole (see #published).
    let p = part ?? 0;
    // M3: a part index past the parent segment's last part means part 0 of the following segment.
    if (p >= P) {
      m += 1;
      p = 0;
    }
    const lastAbs = open ? open.msn * P + open.parts.length - 1 : lastComplete * P + P - 1;
    // The Advance Part Limit: 3 / PART-TARGET parts when PART-TARGET < 1 s, else 3.
    const partTarget = (this.#cfg.framesPerPart * PROGRAM_FORMAT.frameMs) / 1000;
    const limit = partTarget < 1 ? Math.floor(3 / partTarget) : 3;
    if (m * P + p - lastAbs > limit) return 'too-far';
    if (m <= lastComplete) return 'ready';
    if (open?.msn === m && open.parts.length > p) return 'ready';
    return 'wait';
  }

  /** A part by name: ready, worth waiting for (the preload-hinted part, §4.4.5.3), or missing (404). */
  part(msn: number, index: number): PartLookup {
    const seg = this.#current?.msn === msn ? this.#current : this.#window.find((s) => s.msn === msn);
    const found = seg?.parts[index];
    if (found) return { status: 'ready', data: found.data };
    if (this.#state !== 'live') return { status: 'missing' };
    const hint = this.#hint();
    if (hint.msn === msn && hint.part === index) return { status: 'wait' };
    return { status: 'missing' };
  }

  /**
   * A segment of the window held in memory (older ones are read from the recording), for a response
   * that streams it while it is produced (docs/edge.md, segment streams): complete, open (its parts
   * so far: the segment is their concatenation), about to open (the next one the preload hint names),
   * or none of these here.
   */
  fill(msn: number): SegmentFill {
    const done = this.#window.find((s) => s.msn === msn)?.data;
    if (done) return { status: 'complete', data: done };
    if (this.#state !== 'live') return { status: 'missing' };
    // The parts themselves, not a copy: a response following the segment asks after every part.
    if (this.#current?.msn === msn) return { status: 'open', parts: this.#current.parts };
    return this.#hint().msn === msn ? { status: 'wait' } : { status: 'missing' };
  }

  /** Resolves true once `ready()` holds, false on timeout, abort, or when the stream stops. */
  waitUntil(ready: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    if (this.#state !== 'live' || signal?.aborted) return Promise.resolve(ready());
    return new Promise((resolve) => {
      const done = (value: boolean): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        signal?.removeEventListener('abort', onAbort);
        audienceMetrics.blockingWaiting.dec();
        resolve(value);
      };
      const check = (): void => {
        if (ready()) done(true);
        else if (this.#state !== 'live') done(false);
      };
      const onAbort = (): void => done(false);
      const timer = setTimeout(() => done(ready()), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(check);
      audienceMetrics.blockingWaiting.inc();
    });
  }

  #hint(): { msn: number; part: number } {
    return this.#current ? { msn: this.#current.msn, part: this.#current.parts.length } : { msn: this.#nextMsn, part: 0 };
  }

  #append(opus: Buffer, wallClock: number): void {
    const index = this.#frameIndex++;
    const pos = framePosition(this.#layout, index);
    if (this.#joining) {
      if (!startsSegment(this.#layout, index)) return;
      this.#joining = false;
    }
    if (!this.#current) {
      const msn = this.#epoch.msn + pos.segment;
      this.#nextMsn = msn + 1;
      this.#decodeTime = this.#epoch.decodeTime + pos.segmentStartFrame * TICKS;
      this.#fragmentSequence = this.#epoch.fragmentSequence + pos.partsBefore;
      this.#current = {
        msn, decodeTime: this.#decodeTime, programDateTime: wallClock,
        discontinuity: this.#discontinuityNext, parts: [], duration: 0, data: undefined,
      };
      this.#discontinuityNext = false;
      this.#recording.reserve({
        msn, decodeTime: this.#decodeTime, fragmentSequence: this.#fragmentSequence,
        maxDuration: this.#cfg.partsPerSegment * this.#cfg.framesPerPart * TICKS,
        maxFragments: this.#cfg.partsPerSegment,
      });
    }
    this.#pending.push({ data: opus, duration: TICKS });
    if (pos.frameInPart === pos.partFrames - 1) {
      this.#closePart();
      if (pos.part === pos.partsInSegment - 1) this.#closeSegment();
      this.#notify();
    }
  }

  #closePart(): void {
    const cur = this.#current;
    if (!cur || this.#pending.length === 0) return;
    const samples = this.#pending;
    this.#pending = [];
    const duration = samples.length * TICKS;
    const data = buildFragment({
      trackId: this.#cfg.trackId,
      sequenceNumber: this.#fragmentSequence++,
      baseMediaDecodeTime: this.#decodeTime,
      samples,
    });
    this.#decodeTime += duration;
    cur.parts.push({ index: cur.parts.length, data, duration });
    cur.duration += duration;
    this.#partsProduced++;
    this.#firstPartAt ??= Date.now();
    audienceMetrics.partsProduced.inc();
  }

  #closeSegment(): void {
    const seg = this.#current;
    if (!seg || seg.parts.length === 0) return;
    this.#current = undefined;
    seg.data = Buffer.concat(seg.parts.map((p) => p.data));
    this.#window.push(seg);
    while (this.#window.length > this.#cfg.liveWindowSegments) {
      const old = this.#window.shift();
      if (old?.discontinuity) this.#discontinuitiesBeforeWindow++;
    }
    const record: SegmentRecord = {
      msn: seg.msn, decodeTime: seg.decodeTime, duration: seg.duration, programDateTime: seg.programDateTime,
      discontinuity: seg.discontinuity, bytes: seg.data.length, parts: seg.parts.length,
    };
    this.#recording.appendSegment(record, seg.data);
    audienceMetrics.segmentsProduced.inc();
  }

  #flush(): void {
    this.#closePart();
    this.#closeSegment();
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }
}

function toView(s: Segment): ViewSegment {
  return {
    msn: s.msn,
    duration: s.duration / PROGRAM_FORMAT.sampleRate,
    programDateTime: s.programDateTime,
    discontinuity: s.discontinuity,
    parts: s.parts.map((p) => ({ index: p.index, duration: p.duration / PROGRAM_FORMAT.sampleRate })),
  };
}
