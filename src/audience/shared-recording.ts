import type { CueLog } from './caption-track.js';
import { audienceMetrics } from './metrics.js';
import { SPACE_ID_PATTERN } from './names.js';
import { resumeAfter, type ReservedState, type ResumePoint, type SegmentRecord } from './recording.js';
import type { RecordingHandle, RecordingStore } from './recording-store.js';

/** What a shared store holds of one recording, without the media bytes. */
export interface StoredRecording {
  readonly createdAt: number;
  readonly endedAt: number | null;
  readonly reserved: ReservedState | null;
  /** In media sequence order. */
  readonly segments: readonly SegmentRecord[];
  /** The caption cue log (JSON lines), '' without captions. */
  readonly captions: string;
}

/**
 * The rows a shared recording store keeps (cluster mode: PostgreSQL, `src/store/postgres/recordings.ts`).
 * Every call is durable when it resolves. Writes from an origin that lost the Space must not undo the
 * new holder's: a segment already stored under its number is kept, a reservation only moves forward.
 */
export interface RecordingRows {
  load(spaceId: string): Promise<StoredRecording | undefined>;
  /** Creates the recording (or reopens it: no longer ended) with its init segment. */
  start(spaceId: string, init: Buffer, createdAt: number): Promise<void>;
  reserve(spaceId: string, state: ReservedState): Promise<void>;
  /** The segment's bytes and its index entry in one write: listed only once its bytes are stored. */
  putSegment(spaceId: string, record: SegmentRecord, data: Buffer): Promise<void>;
  markEnded(spaceId: string, at: number): Promise<void>;
  readSegment(spaceId: string, msn: number): Promise<Buffer | undefined>;
  readInit(spaceId: string): Promise<Buffer | undefined>;
  /** Appends to the caption cue log (after start: the lines belong to the recording). */
  appendCaptions(spaceId: string, text: string): Promise<void>;
  putClip(spaceId: string, clipId: string, info: string, data: Buffer): Promise<void>;
  readClip(spaceId: string, clipId: string): Promise<{ info: string; data: Buffer } | undefined>;
  /** The recording, its segments and its clips. */
  delete(spaceId: string): Promise<void>;
  /** Every recording with the time it ended, or (never ended) its last write. */
  list(): Promise<Array<{ spaceId: string; endedAt: number }>>;
}

/** How long an origin trusts what it read of an ended recording it does not write (a replay then changes only by deletion). */
const READ_CACHE_MS = 2_000;

/**
 * One recording in a shared store. The origin running the Space writes through an ordered queue (as the
 * disk recording does); the index it keeps in memory is what the rows say plus what it queued.
 */
class SharedRecording implements RecordingHandle {
  readonly cueLog: CueLog;
  readonly #spaceId: string;
  readonly #rows: RecordingRows;
  readonly #segments: SegmentRecord[];
  readonly #byMsn = new Map<number, SegmentRecord>();
  #reserved: ReservedState | undefined;
  #createdAt: number;
  #endedAt: number | null;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  #captions: string;
  #failures = 0;
  #writing = false;
  #deleted = false;

  constructor(spaceId: string, rows: RecordingRows, stored: StoredRecording | undefined) {
    this.#spaceId = spaceId;
    this.#rows = rows;
    this.#createdAt = stored?.createdAt ?? Date.now();
    this.#endedAt = stored?.endedAt ?? null;
    this.#reserved = stored?.reserved ?? undefined;
    this.#segments = [...(stored?.segments ?? [])];
    for (const s of this.#segments) this.#byMsn.set(s.msn, s);
    this.#captions = stored?.captions ?? '';
    this.cueLog = {
      read: () => this.#captions,
      // In the recording's write queue: after its start, and flushed with it before another origin takes over.
      append: (text) => {
        this.#captions += text;
        this.#enqueue('captions', () => this.#rows.appendCaptions(this.#spaceId, text));
        return this.#queue;
      },
    };
  }

  get segments(): readonly SegmentRecord[] { return this.#segments; }
  get endedAt(): number | null { return this.#endedAt; }
  get createdAt(): number { return this.#createdAt; }
  get failures(): number { return this.#failures; }
  get reserved(): ReservedState | undefined { return this.#reserved; }
  /** Written from here, or writes still queued: this copy is newer than the rows. */
  get busy(): boolean { return this.#writing || this.#pending > 0; }

  segment(msn: number): SegmentRecord | undefined { return this.#byMsn.get(msn); }

  resumePoint(): ResumePoint | undefined {
    return resumeAfter(this.#segments.at(-1), this.#reserved);
  }

  start(init: Buffer): void {
    this.#writing = true;
    this.#endedAt = null;
    const createdAt = this.#createdAt;
    this.#enqueue('start', () => this.#rows.start(this.#spaceId, init, createdAt));
  }

  reserve(state: ReservedState): void {
    this.#reserved = state;
    this.#enqueue('reserve', () => this.#rows.reserve(this.#spaceId, state));
  }

  appendSegment(rec: SegmentRecord, data: Buffer): void {
    this.#segments.push(rec);
    this.#byMsn.set(rec.msn, rec);
    this.#enqueue('segment', () => this.#rows.putSegment(this.#spaceId, rec, data));
  }

  markEnded(at: number): void {
    this.#endedAt = at;
    this.#enqueue('end', () => this.#rows.markEnded(this.#spaceId, at));
    this.release();
  }

  release(): void {
    this.#writing = false;
  }

  flush(): Promise<void> { return this.#queue; }

  async refresh(): Promise<void> {
    await this.#queue;
    const stored = await this.#rows.load(this.#spaceId);
    if (!stored) return;
    // Everything appended anywhere, this origin's lines included (its queue is flushed).
    this.#captions = stored.captions;
    const missing = stored.segments.filter((s) => !this.#byMsn.has(s.msn));
    if (missing.length === 0) return;
    for (const s of missing) this.#byMsn.set(s.msn, s);
    this.#segments.push(...missing);
    this.#segments.sort((a, b) => a.msn - b.msn);
  }

  async readSegment(msn: number): Promise<Buffer> {
    // A segment completed a moment ago may still be in the write queue.
    await this.#queue;
    const data = await this.#rows.readSegment(this.#spaceId, msn);
    if (!data) throw new Error(`segment ${msn} of ${this.#spaceId} is not stored`);
    return data;
  }

  async readInit(): Promise<Buffer> {
    await this.#queue;
    const data = await this.#rows.readInit(this.#spaceId);
    if (!data) throw new Error(`no init segment stored for ${this.#spaceId}`);
    return data;
  }

  saveClip(id: string, info: string, data: Buffer): Promise<void> {
    return this.#rows.putClip(this.#spaceId, id, info, data);
  }

  async loadClip(id: string): Promise<{ info: string; data: () => Promise<Buffer> } | undefined> {
    const found = await this.#rows.readClip(this.#spaceId, id);
    return found && { info: found.info, data: async () => found.data };
  }

  async delete(): Promise<void> {
    this.release();
    await this.#queue;
    this.#deleted = true;
    await this.#rows.delete(this.#spaceId);
  }

  #enqueue(kind: string, write: () => Promise<void>): void {
    this.#pending++;
    this.#queue = this.#queue.then(async () => {
      const done = audienceMetrics.sharedRecordingWrites.startTimer({ kind });
      try {
        if (!this.#deleted) await write();
        done();
      } catch (err) {
        // The database away must not stop the live stream: parts are served from memory. Count and report.
        this.#failures++;
        audienceMetrics.recordingWriteFailures.inc();
        process.emitWarning(`recording write failed for ${this.#spaceId}: ${(err as Error).message}`);
      } finally {
        this.#pending--;
      }
    });
  }
}

/**
 * Cluster mode: every origin reads and writes the same recordings. The origin running a Space reads
 * what is stored before it starts (prepare), so a Space that moves continues the same recording after
 * the highest number any origin stored or reserved; any origin answers its replay from the rows.
 */
export class SharedRecordingStore implements RecordingStore {
  readonly #rows: RecordingRows;
  readonly #now: () => number;
  /** Recordings written here (kept while busy) and recordings read a moment ago. */
  readonly #handles = new Map<string, { handle: SharedRecording; at: number }>();

  constructor(rows: RecordingRows, now: () => number = Date.now) {
    this.#rows = rows;
    this.#now = now;
  }

  async prepare(spaceId: string): Promise<void> {
    const current = this.#handles.get(spaceId)?.handle;
    // Writes still queued here belong to this origin's last stream of the Space: the next one starts after them.
    if (current?.busy) await current.flush();
    this.#remember(spaceId, await this.#rows.load(spaceId));
  }

  open(spaceId: string): RecordingHandle {
    const held = this.#handles.get(spaceId);
    if (!held) throw new Error(`recording of ${spaceId} opened before it was prepared`);
    return held.handle;
  }

  known(spaceId: string): RecordingHandle | undefined {
    return this.#handles.get(spaceId)?.handle;
  }

  async find(spaceId: string): Promise<RecordingHandle | undefined> {
    if (!SPACE_ID_PATTERN.test(spaceId)) return undefined;
    const held = this.#handles.get(spaceId);
    // A recording not ended yet is read again: it is being written elsewhere, and its end must show at once.
    if (held && (held.handle.busy || (held.handle.endedAt !== null && this.#now() - held.at < READ_CACHE_MS))) return held.handle;
    const stored = await this.#rows.load(spaceId);
    if (!stored) {
      this.#handles.delete(spaceId);
      return undefined;
    }
    return this.#remember(spaceId, stored);
  }

  list(): Promise<Array<{ spaceId: string; endedAt: number | undefined }>> {
    return this.#rows.list();
  }

  held(): Iterable<RecordingHandle> {
    return [...this.#handles.values()].map((h) => h.handle);
  }

  async delete(spaceId: string): Promise<void> {
    const held = this.#handles.get(spaceId)?.handle;
    this.#handles.delete(spaceId);
    await (held ?? new SharedRecording(spaceId, this.#rows, undefined)).delete();
  }

  #remember(spaceId: string, stored: StoredRecording | undefined): SharedRecording {
    // Forget what nobody writes any more, so the map holds the live Spaces and a few recent replays.
    if (this.#handles.size > 1_000) {
      for (const [id, h] of this.#handles) if (!h.handle.busy) this.#handles.delete(id);
    }
    const handle = new SharedRecording(spaceId, this.#rows, stored);
    this.#handles.set(spaceId, { handle, at: this.#now() });
    return handle;
  }
}
