import { appendFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROGRAM_FORMAT, type CaptionCue } from '../media/types.js';
import type { SegmentRecord } from './recording.js';
import { renderVttSegment, type VttCue } from './webvtt.js';

export const CAPTIONS_FILE = 'captions.jsonl';
const RATE = PROGRAM_FORMAT.sampleRate;

/** A cue as kept in `captions.jsonl` (one JSON line each, after a first line naming the language). */
export interface StoredCue {
  readonly seq: number;
  readonly speakerId: string;
  readonly speaker: string;
  readonly text: string;
  /** Wall clock, ms since the epoch. */
  readonly start: number;
  readonly end: number;
  readonly words: readonly (readonly [string, number, number])[];
}

interface LiveSegment {
  readonly record: SegmentRecord;
  readonly body: string;
}

/** Long enough to read: 2.5 s, plus 70 ms a character beyond that, at most 7 s. */
export function displaySeconds(text: string): number {
  return Math.min(7, Math.max(2.5, text.length * 0.07));
}

/** Where a Space's cue log is kept: beside its recording (a file on disk, or rows of the shared store). */
export interface CueLog {
  /** The JSON lines written so far ('' without any). */
  read(): string;
  append(text: string): Promise<void>;
}

/** `captions.jsonl` in the recording's directory. */
export function fileCueLog(dir: string): CueLog {
  return {
    read() {
      try { return readFileSync(join(dir, CAPTIONS_FILE), 'utf8'); } catch { return ''; }
    },
    // No mkdir: the recording made the directory; once it is deleted, captions must not bring it back.
    append: (text) => appendFile(join(dir, CAPTIONS_FILE), text),
  };
}

/** Reads a recording's cue log; a torn last line (crash mid-append) is skipped. */
export function loadCues(log: string | CueLog): { language: string | undefined; cues: StoredCue[] } {
  const text = (typeof log === 'string' ? fileCueLog(log) : log).read();
  let language: string | undefined;
  const cues: StoredCue[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const v = JSON.parse(line) as StoredCue | { language: string };
      if ('language' in v) language = v.language;
      else if (typeof v.seq === 'number') cues.push(v);
    } catch { /* torn line */ }
  }
  return { language, cues };
}

/**
 * One Space's live captions on this origin. Cues arrive when the engine finalises an utterance; when
 * the audio closes segment m, subtitle segment m is made of the cues that arrived since segment m-1
 * (never changed afterwards: segment names are immutable at the edge). A cue that started before its
 * segment is shown from the segment's start, for long enough to be read. The replay uses the cues'
 * true times instead (subtitles.ts).
 */
export class CaptionTrack {
  readonly language: string;
  readonly #log: CueLog;
  readonly #windowSize: number;
  readonly #cues: StoredCue[];
  readonly #timeline: SegmentRecord[] = [];
  readonly #window: LiveSegment[] = [];
  readonly #waiters = new Set<() => void>();
  #pending: StoredCue[] = [];
  #discontinuitiesBeforeWindow = 0;
  #ended = false;
  #deleted = false;
  #writes: Promise<void> = Promise.resolve();

  /** `log`: the recording's directory (its cue log file) or the cue log the recording keeps. */
  constructor(log: string | CueLog, language: string, windowSize: number) {
    this.#log = typeof log === 'string' ? fileCueLog(log) : log;
    this.language = language;
    this.#windowSize = windowSize;
    const loaded = loadCues(this.#log);
    this.#cues = loaded.cues;
    if (loaded.language !== language) this.#append({ language });
  }

  get ended(): boolean { return this.#ended; }
  get cues(): readonly StoredCue[] { return this.#cues; }
  get window(): readonly SegmentRecord[] { return this.#window.map((s) => s.record); }
  get discontinuitySequence(): number { return this.#discontinuitiesBeforeWindow; }
  get nextMsn(): number { return (this.#timeline.at(-1)?.msn ?? -1) + 1; }

  push(cue: CaptionCue): void {
    // After the end a cue still joins the log (the replay's transcript): the last utterance of a
    // Space becomes final a moment after the host ended it.
    if (this.#deleted || !cue.text.trim()) return;
    const stored: StoredCue = {
      seq: (this.#cues.at(-1)?.seq ?? -1) + 1,
      speakerId: cue.speakerId, speaker: cue.speaker, text: cue.text.trim(), start: cue.start, end: cue.end,
      words: cue.words.map((w) => [w.word, w.start, w.end] as const),
    };
    this.#cues.push(stored);
    if (!this.#ended) this.#pending.push(stored);
    this.#append(stored);
  }

  /** The audio closed a segment: publish the subtitle segment with the same msn and times. */
  segmentClosed(record: SegmentRecord): void {
    if (this.#deleted) return;
    this.#timeline.push(record);
    const segStart = record.decodeTime / RATE;
    const cues: VttCue[] = this.#pending.sort((a, b) => a.start - b.start).map((c) => {
      const start = Math.max(this.#mediaSeconds(c.start), segStart);
      return { start, end: Math.max(this.#mediaSeconds(c.end), start + displaySeconds(c.text)), speaker: c.speaker, text: c.text };
    });
    this.#pending = [];
    const body = renderVttSegment(cues, { mpegts: Math.round(record.decodeTime * (90_000 / RATE)), localStart: segStart });
    this.#window.push({ record, body });
    while (this.#window.length > this.#windowSize) {
      if (this.#window.shift()?.record.discontinuity) this.#discontinuitiesBeforeWindow++;
    }
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** Deleted with the recording: nothing more is written. */
  delete(): void {
    this.#deleted = true;
    this.#ended = true;
    this.#notify();
  }

  segment(msn: number): string | undefined {
    return this.#window.find((s) => s.record.msn === msn)?.body;
  }

  hasSegment(msn: number): boolean {
    return (this.#timeline.at(-1)?.msn ?? -1) >= msn;
  }

  /** Resolves once segment `msn` is published (true), or on timeout, abort or end (whether it is). */
  waitFor(msn: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.hasSegment(msn) || this.#ended || signal?.aborted) return Promise.resolve(this.hasSegment(msn));
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        signal?.removeEventListener('abort', done);
        resolve(this.hasSegment(msn));
      };
      const check = (): void => { if (this.hasSegment(msn) || this.#ended) done(); };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.#waiters.add(check);
    });
  }

  flush(): Promise<void> {
    return this.#writes;
  }

  /** Wall clock -> seconds of the audio's media timeline, through the segment that holds it. */
  #mediaSeconds(wall: number): number {
    let seg = this.#timeline[0]!;
    for (let i = this.#timeline.length - 1; i >= 0; i--) {
      if (this.#timeline[i]!.programDateTime <= wall) { seg = this.#timeline[i]!; break; }
    }
    return seg.decodeTime / RATE + (wall - seg.programDateTime) / 1000;
  }

  #append(line: object): void {
    const text = JSON.stringify(line) + '\n';
    this.#writes = this.#writes.then(async () => {
      if (this.#deleted) return;
      try { await this.#log.append(text); } catch (err) {
        process.emitWarning(`captions write failed: ${(err as Error).message}`);
      }
    });
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }
}
