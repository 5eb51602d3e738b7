import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { mkdir, open, rename, rm, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fileCueLog, type CueLog } from './caption-track.js';
import { segmentName, INIT_NAME } from './names.js';

/** A completed segment, as the recording index keeps it (one JSON line each in segments.jsonl). */
export interface SegmentRecord {
  readonly msn: number;
  /** In 48 kHz ticks. */
  readonly decodeTime: number;
  readonly duration: number;
  /** Wall clock of the segment's first sample, ms since the epoch (EXT-X-PROGRAM-DATE-TIME). */
  readonly programDateTime: number;
  /** The first segment after an origin restart: the playlist puts EXT-X-DISCONTINUITY before it. */
  readonly discontinuity: boolean;
  readonly bytes: number;
  readonly parts: number;
}

/**
 * What a restarted origin must never reuse. Appended to the index when a segment is opened: after a
 * crash, the parts of a segment that never completed were still seen by players (and cached by edges
 * for a year), so its msn, decode times and fragment numbers are burnt.
 */
export interface ReservedState {
  readonly msn: number;
  readonly decodeTime: number;
  readonly fragmentSequence: number;
  /** Upper bound on what the reserved segment can use (ticks, fragments). */
  readonly maxDuration: number;
  readonly maxFragments: number;
}

export interface ResumePoint { readonly msn: number; readonly decodeTime: number; readonly fragmentSequence: number }

/** Where a new stream starts: after everything completed or reserved, so nothing is ever reused. */
export function resumeAfter(last: SegmentRecord | undefined, reserved: ReservedState | undefined): ResumePoint | undefined {
  if (!last && !reserved) return undefined;
  let msn = last ? last.msn + 1 : 0;
  let decodeTime = last ? last.decodeTime + last.duration : 0;
  let fragmentSequence = 1;
  if (reserved) {
    msn = Math.max(msn, reserved.msn + 1);
    decodeTime = Math.max(decodeTime, reserved.decodeTime + reserved.maxDuration);
    fragmentSequence = reserved.fragmentSequence + reserved.maxFragments;
  }
  return { msn, decodeTime, fragmentSequence };
}

interface Meta {
  readonly createdAt: number;
  readonly endedAt: number | null;
}

const INDEX = 'segments.jsonl';
const META = 'meta.json';

/**
 * A Space's recording on disk, `<dataDir>/media/<spaceId>/`: init.mp4, seg-<msn>.m4s, meta.json and
 * an append-only index (segments.jsonl: one line per completed segment, one per reservation). Writes
 * are queued in order. A segment file is written and fdatasync'ed before the index names it, so a
 * crash can leave an unnamed file but never a named, torn one; meta and init are replaced by rename.
 * Per segment that is two fdatasyncs (segment, index line) plus one for the reservation: cheap at one
 * segment every 2 s, and what a restart needs to never reuse a name.
 */
export class Recording {
  readonly dir: string;
  readonly cueLog: CueLog;
  readonly #fsync: boolean;
  readonly #segments: SegmentRecord[] = [];
  readonly #byMsn = new Map<number, SegmentRecord>();
  #reserved: ReservedState | undefined;
  #index: FileHandle | undefined;
  #meta: Meta;
  #queue: Promise<void> = Promise.resolve();
  #failures = 0;
  #deleted = false;

  private constructor(dir: string, fsync: boolean, meta: Meta) {
    this.dir = dir;
    this.cueLog = fileCueLog(dir);
    this.#fsync = fsync;
    this.#meta = meta;
  }

  static exists(dir: string): boolean {
    return existsSync(join(dir, INDEX)) || existsSync(join(dir, META));
  }

  /** Reads what is there (synchronously: begin() must return its sink at once); creates nothing. */
  static load(dir: string, fsync: boolean): Recording {
    const meta = readJson<Meta>(join(dir, META)) ?? { createdAt: Date.now(), endedAt: null };
    const r = new Recording(dir, fsync, meta);
    let text = '';
    try { text = readFileSync(join(dir, INDEX), 'utf8'); } catch { /* no segment yet */ }
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const parsed = JSON.parse(line) as SegmentRecord | { reserve: ReservedState };
        if ('reserve' in parsed) {
          r.#reserved = parsed.reserve;
          continue;
        }
        const rec = parsed;
        // A torn last line (crash during the append) fails to parse and is skipped: its segment file
        // exists but the playlist never announced it, so nobody can have asked for it.
        if (Number.isInteger(rec.msn) && !r.#byMsn.has(rec.msn)) {
          r.#segments.push(rec);
          r.#byMsn.set(rec.msn, rec);
        }
      } catch { /* torn line */ }
    }
    return r;
  }

  get segments(): readonly SegmentRecord[] { return this.#segments; }
  get endedAt(): number | null { return this.#meta.endedAt; }
  get createdAt(): number { return this.#meta.createdAt; }
  get failures(): number { return this.#failures; }
  get reserved(): ReservedState | undefined { return this.#reserved; }

  segment(msn: number): SegmentRecord | undefined { return this.#byMsn.get(msn); }

  resumePoint(): ResumePoint | undefined {
    return resumeAfter(this.#segments.at(-1), this.#reserved);
  }

  start(init: Buffer): void {
    mkdirSync(this.dir, { recursive: true });
    this.#meta = { createdAt: this.#meta.createdAt, endedAt: null };
    const meta = this.#meta;
    this.#enqueue(async () => {
      await this.#writeAtomic(INIT_NAME, init);
      await this.#writeAtomic(META, Buffer.from(JSON.stringify(meta)));
    });
  }

  reserve(state: ReservedState): void {
    this.#reserved = state;
    this.#enqueue(() => this.#appendIndex(JSON.stringify({ reserve: state })));
  }

  /** Known at once (the replay lists it as soon as the Space ends); readable once durable. */
  appendSegment(rec: SegmentRecord, data: Buffer): void {
    this.#segments.push(rec);
    this.#byMsn.set(rec.msn, rec);
    this.#enqueue(async () => {
      // No rename needed: until the index names it, nobody (restart, replay) reads this file.
      await this.#writeFile(join(this.dir, segmentName(rec.msn)), data);
      await this.#appendIndex(JSON.stringify(rec));
    });
  }

  markEnded(at: number): void {
    this.#meta = { createdAt: this.#meta.createdAt, endedAt: at };
    const meta = this.#meta;
    this.#enqueue(() => this.#writeAtomic(META, Buffer.from(JSON.stringify(meta))));
    this.release();
  }

  /** Closes the index file once the queued writes are done (end of a stream; reopened on demand). */
  release(): void {
    this.#enqueue(async () => {
      const fh = this.#index;
      this.#index = undefined;
      await fh?.close();
    });
  }

  /** Resolves when every queued write is on disk (or failed and was counted). */
  flush(): Promise<void> { return this.#queue; }

  /** On this origin's disk only this origin writes: nothing to read again. */
  async refresh(): Promise<void> {}

  async readSegment(msn: number): Promise<Buffer> {
    // A segment completed a moment ago may still be in the write queue.
    await this.#queue;
    return readFile(join(this.dir, segmentName(msn)));
  }

  readInit(): Promise<Buffer> {
    return readFile(join(this.dir, INIT_NAME));
  }

  /**
   * Clips live inside the recording's directory (`clips/<id>.m4a` and `.json`), so whatever deletes
   * the recording (the host, a takedown, the retention purge) deletes its clips with it. The media
   * first, then the description that names it (renamed into place): never a clip without its file.
   */
  async saveClip(id: string, info: string, data: Buffer): Promise<void> {
    const dir = join(this.dir, 'clips');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${id}.m4a`), data);
    await writeFile(join(dir, `.${id}.json.tmp`), info);
    await rename(join(dir, `.${id}.json.tmp`), join(dir, `${id}.json`));
  }

  async loadClip(id: string): Promise<{ info: string; data: () => Promise<Buffer> } | undefined> {
    const dir = join(this.dir, 'clips');
    try {
      return { info: await readFile(join(dir, `${id}.json`), 'utf8'), data: () => readFile(join(dir, `${id}.m4a`)) };
    } catch {
      return undefined;
    }
  }

  async delete(): Promise<void> {
    this.release();
    await this.#queue;
    this.#deleted = true;
    await rm(this.dir, { recursive: true, force: true });
  }

  #enqueue(write: () => Promise<void>): void {
    this.#queue = this.#queue.then(async () => {
      if (this.#deleted) return;
      try {
        await write();
      } catch (err) {
        // A full disk must not stop the live stream: parts are served from memory. Count and report.
        this.#failures++;
        process.emitWarning(`recording write failed in ${this.dir}: ${(err as Error).message}`);
      }
    });
  }

  async #appendIndex(line: string): Promise<void> {
    this.#index ??= await open(join(this.dir, INDEX), 'a');
    await this.#index.write(line + '\n');
    if (this.#fsync) await this.#index.datasync();
  }

  /** Writes and (unless told not to) syncs the data before the file is named anywhere. */
  async #writeFile(path: string, data: Buffer): Promise<void> {
    const fh = await open(path, 'w');
    try {
      await fh.write(data);
      if (this.#fsync) await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  async #writeAtomic(name: string, data: Buffer): Promise<void> {
    const tmp = join(this.dir, `.${name}.tmp`);
    await this.#writeFile(tmp, data);
    await rename(tmp, join(this.dir, name));
  }
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
