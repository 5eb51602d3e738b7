import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SPACE_ID_PATTERN } from './names.js';
import type { CueLog } from './caption-track.js';
import { Recording, type ReservedState, type ResumePoint, type SegmentRecord } from './recording.js';

/** One Space's recording as the packager writes it and the replay reads it, wherever its bytes live. */
export interface RecordingHandle {
  /** The Space's captions as they were spoken, kept and deleted with the recording. */
  readonly cueLog: CueLog;
  readonly segments: readonly SegmentRecord[];
  readonly endedAt: number | null;
  readonly createdAt: number;
  readonly failures: number;
  readonly reserved: ReservedState | undefined;
  segment(msn: number): SegmentRecord | undefined;
  /** Where a new stream starts: after everything completed or reserved, so nothing is ever reused. */
  resumePoint(): ResumePoint | undefined;
  start(init: Buffer): void;
  reserve(state: ReservedState): void;
  appendSegment(rec: SegmentRecord, data: Buffer): void;
  markEnded(at: number): void;
  release(): void;
  /** Resolves when every queued write is durable (or failed and was counted). */
  flush(): Promise<void>;
  /**
   * Reads again what other origins stored meanwhile (segments, the cue log): a standby that becomes
   * the primary joined the recording later than it began. Nothing to read for a recording only this
   * origin writes.
   */
  refresh(): Promise<void>;
  readSegment(msn: number): Promise<Buffer>;
  readInit(): Promise<Buffer>;
  /** A clip cut from this recording: deleted with it. */
  saveClip(id: string, info: string, data: Buffer): Promise<void>;
  loadClip(id: string): Promise<{ info: string; data: () => Promise<Buffer> } | undefined>;
  delete(): Promise<void>;
}

/**
 * Where the audience plane keeps recordings: the origin's own disk (the embedded default) or a store
 * every origin shares (cluster mode: PostgreSQL, wired by the composition root).
 */
export interface RecordingStore {
  /**
   * The Space's recording for a stream that starts now, with what is already stored (begin() must
   * return its sink at once, so this is synchronous: a shared store answers from what prepare() read).
   */
  open(spaceId: string): RecordingHandle;
  /** Reads the Space's recording before open() (a shared store: another origin may have written to it). */
  prepare(spaceId: string): Promise<void>;
  /** The recording if one exists; never creates one. */
  find(spaceId: string): Promise<RecordingHandle | undefined>;
  /** A recording this origin already holds in memory (open, or read a moment ago). */
  known(spaceId: string): RecordingHandle | undefined;
  /** Every recording with the time it ended (or, never ended, was last written). */
  list(): Promise<Array<{ spaceId: string; endedAt: number | undefined }>>;
  /** The handles this origin holds (statistics, flush at shutdown). */
  held(): Iterable<RecordingHandle>;
  delete(spaceId: string): Promise<void>;
}

/** The embedded default: `<mediaDir>/<spaceId>/`, exactly as a single origin has always kept it. */
export class DiskRecordingStore implements RecordingStore {
  readonly #mediaDir: string;
  readonly #fsync: boolean;
  readonly #recordings = new Map<string, Recording>();

  constructor(mediaDir: string, fsync: boolean) {
    this.#mediaDir = mediaDir;
    this.#fsync = fsync;
  }

  open(spaceId: string): Recording {
    let rec = this.#recordings.get(spaceId);
    if (!rec) {
      rec = Recording.load(join(this.#mediaDir, spaceId), this.#fsync);
      this.#recordings.set(spaceId, rec);
    }
    return rec;
  }

  async prepare(): Promise<void> { /* the disk is read synchronously by open() */ }

  known(spaceId: string): Recording | undefined {
    if (!SPACE_ID_PATTERN.test(spaceId)) return undefined;
    const known = this.#recordings.get(spaceId);
    if (known) return known;
    if (!Recording.exists(join(this.#mediaDir, spaceId))) return undefined;
    return this.open(spaceId);
  }

  async find(spaceId: string): Promise<Recording | undefined> {
    return this.known(spaceId);
  }

  async list(): Promise<Array<{ spaceId: string; endedAt: number | undefined }>> {
    let names: string[] = [];
    try {
      names = await readdir(this.#mediaDir);
    } catch {
      return [];
    }
    const out: Array<{ spaceId: string; endedAt: number | undefined }> = [];
    for (const spaceId of names) {
      const rec = this.known(spaceId);
      if (!rec) continue;
      // A recording that never got its end (the origin died and the Space never resumed) ages from
      // its last write.
      out.push({ spaceId, endedAt: rec.endedAt ?? (await lastWrite(rec.dir)) });
    }
    return out;
  }

  held(): Iterable<Recording> { return this.#recordings.values(); }

  async delete(spaceId: string): Promise<void> {
    const rec = this.known(spaceId) ?? Recording.load(join(this.#mediaDir, spaceId), this.#fsync);
    this.#recordings.delete(spaceId);
    await rec.delete();
  }
}

async function lastWrite(dir: string): Promise<number | undefined> {
  try {
    return (await stat(join(dir, 'segments.jsonl'))).mtimeMs;
  } catch {
    try {
      return (await stat(dir)).mtimeMs;
    } catch {
      return undefined;
    }
  }
}
