import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { PROGRAM_FORMAT, type CaptionSink, type ProgramConsumer, type ProgramSink } from '../media/types.js';
import { TribuneError } from '../errors/catalogue.js';
import { LiveStream, type StreamEpoch } from './live-stream.js';
import { audienceMetrics } from './metrics.js';
import { SPACE_ID_PATTERN } from './names.js';
import { buildInitSegment } from './opus-init-segment.js';
import { resolveAudienceOptions, type AudienceOptions, type ResolvedAudienceOptions } from './options.js';
import { renderMediaPlaylist, renderMultivariantPlaylist, variantBandwidth, type MediaPlaylistView, type SkipRequest } from './playlist.js';
import { DiskRecordingStore, type RecordingHandle, type RecordingStore } from './recording-store.js';
import { recordingSize, recordingStream, replayPlaylist } from './replay.js';
import { Subtitles } from './subtitles.js';
import { makeClip, readClip, type ClipInfo } from './clip-files.js';

export interface AudienceStats {
  readonly liveSpaces: number;
  readonly partsProduced: number;
  readonly blockingWaiting: number;
  readonly recordingWriteFailures: number;
}

export interface PlaylistQuery {
  readonly msn?: number;
  readonly part?: number;
  readonly skip?: SkipRequest;
}

/** What a blocking reload came to: the playlist, or the spec's 503 once the wait is over. */
export type PlaylistAnswer =
  | { readonly status: 200; readonly body: string; readonly blocking: boolean }
  | { readonly status: 503; readonly body: string; readonly blocking: true };

export interface Audience extends ProgramConsumer {
  begin(spaceId: string, options?: { readonly join?: StreamEpoch }): ProgramSink;
  /** The timeline of the Space's stream here, once its first frame arrived (what a standby joins). */
  epoch(spaceId: string): StreamEpoch | undefined;
  isLive(spaceId: string): boolean;
  /** Ended here or on any origin sharing the recording store, with at least one segment. */
  hasReplay(spaceId: string): Promise<boolean>;
  /**
   * Reads the Space's recording before begin() (a shared store: the Space may have run elsewhere, and
   * the new stream continues that recording).
   */
  prepare(spaceId: string): Promise<void>;
  /**
   * Another origin takes the Space over: this origin's stream stops without ending the recording (the
   * stage's close that follows does not end it either), and resolves once what it queued is stored.
   */
  handOver(spaceId: string): Promise<void>;
  /**
   * Hands over to an origin that already packages the same timeline (a hot standby), or stops standing
   * by: the open segment is left to it, whole, and what was queued is stored.
   */
  handOverFollowed(spaceId: string): Promise<void>;
  /** Resolves once what the Space's recording queued is stored. */
  flushRecording(spaceId: string): Promise<void>;
  /** Reads the Space's recording again from a shared store (a standby promoted: what the others stored before it joined). */
  refreshRecording(spaceId: string): Promise<void>;
  /** Stops the Space's stream if it is live here, then deletes every file of its recording. */
  deleteRecording(spaceId: string): Promise<void>;
  /** Deletes recordings that ended more than retentionDays ago; returns their Space ids. */
  purgeExpired(now?: number): Promise<string[]>;
  stats(): AudienceStats;
  /** Flushes live streams to disk without ending them (a restart continues them). Idempotent. */
  close(): Promise<void>;

  // The HTTP surface routes.ts serves (throws TribuneError for what the client got wrong).
  readonly options: Readonly<ResolvedAudienceOptions>;
  multivariantPlaylist(spaceId: string, signal?: AbortSignal): Promise<string>;
  mediaPlaylist(spaceId: string, query: PlaylistQuery, signal?: AbortSignal): Promise<PlaylistAnswer>;
  initSegment(spaceId: string): Promise<Buffer>;
  part(spaceId: string, msn: number, part: number, signal?: AbortSignal): Promise<Buffer>;
  /**
   * A segment: its bytes once complete; while it is produced (or about to be, as the preload hint
   * names it), its parts as each is made, the last one ending it. The iteration throws when this
   * origin stops making the segment before its end, so a response can be cut rather than ended
   * short: no cache may keep a truncated copy under an immutable name.
   */
  segment(spaceId: string, msn: number, signal?: AbortSignal): Promise<Buffer | AsyncIterable<Buffer>>;
  replayPlaylist(spaceId: string): Promise<string>;
  recording(spaceId: string): Promise<{ readonly size: number; readonly stream: () => Readable }>;

  /** The WebVTT captions rendition (its own routes: subtitle-routes.ts). */
  readonly subtitles: Subtitles;
  /** Where a live Space's captions go; its multivariant playlist then lists the rendition. */
  captions(spaceId: string, language: string): CaptionSink;
  /** Cuts [fromMs, fromMs + durationMs) of the recording (the replay, or the live programme so far). */
  makeClip(spaceId: string, fromMs: number, durationMs: number): Promise<ClipInfo>;
  clip(spaceId: string, clipId: string): Promise<{ info: ClipInfo; data: () => Promise<Buffer> }>;
}

/** Closed here while the Space lives on: another origin runs it now (a function, so a wait does not narrow it away). */
const handedOver = (stream: LiveStream): boolean => stream.state === 'closed';

/** The open segment's parts as they are made, then the rest once it is complete (see Audience.segment). */
async function* followSegment(stream: LiveStream, msn: number, timeoutMs: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
  let parts = 0;
  let bytes = 0;
  for (;;) {
    const fill = stream.fill(msn);
    if (fill.status === 'complete') {
      if (fill.data.length > bytes) yield fill.data.subarray(bytes);
      return;
    }
    if (fill.status !== 'open') throw new Error(`segment ${msn} stopped before its end`);
    for (; parts < fill.parts.length; parts++) {
      const { data } = fill.parts[parts]!;
      bytes += data.length;
      yield data;
    }
    const moved = await stream.waitUntil(() => {
      const next = stream.fill(msn);
      return next.status !== 'open' || next.parts.length > parts;
    }, timeoutMs, signal);
    if (!moved) throw new Error(`segment ${msn} stopped before its end`);
  }
}

/** How long an ended Space's live window stays in memory (its playlist then comes from disk). */
const ENDED_STREAM_KEEP_MS = 60_000;

class AudienceImpl implements Audience {
  readonly options: Readonly<ResolvedAudienceOptions>;
  readonly #init: Buffer;
  readonly #streams = new Map<string, LiveStream>();
  /** The last rendered live playlist per stream and skip mode, with the stream version it shows. */
  readonly #renders = new WeakMap<LiveStream, Map<SkipRequest, { version: string; body: string }>>();
  readonly #recordings: RecordingStore;
  readonly #mediaDir: string;
  readonly #evictions = new Set<NodeJS.Timeout>();
  readonly subtitles: Subtitles;
  #closed: Promise<void> | undefined;

  constructor(options: AudienceOptions, recordings: RecordingStore | undefined) {
    this.options = resolveAudienceOptions(options);
    this.#mediaDir = join(this.options.dataDir, 'media');
    this.#recordings = recordings ?? new DiskRecordingStore(this.#mediaDir, this.options.fsync);
    this.#init = buildInitSegment({ preSkip: this.options.preSkip });
    this.subtitles = new Subtitles({
      mediaDir: this.#mediaDir,
      bandwidth: variantBandwidth(this.options.opusBitrate, this.options.partTargetMs),
      liveWindowSegments: this.options.liveWindowSegments,
      targetDuration: this.#targetDuration(),
      blockingTimeoutMs: this.options.blockingTimeoutMs,
      recording: (spaceId) => {
        const rec = this.#recordings.known(spaceId);
        return rec ? { cueLog: rec.cueLog, segments: rec.segments, replay: this.#isReplay(spaceId, rec) } : undefined;
      },
      find: (spaceId) => this.#recordings.find(spaceId),
    });
  }

  captions(spaceId: string, language: string): CaptionSink {
    return this.subtitles.sink(spaceId, language);
  }

  /**
   * Starts packaging a Space's programme here. `join`: another origin's stream timeline (its
   * `epoch()`), to produce the same names and bytes from the same frames (docs/audience.md).
   */
  begin(spaceId: string, options: { readonly join?: StreamEpoch } = {}): ProgramSink {
    if (this.#closed) throw new Error('Audience is closed');
    if (!SPACE_ID_PATTERN.test(spaceId)) throw new TypeError(`invalid spaceId ${JSON.stringify(spaceId)}`);
    // begin() again for a Space live here: the old stream is flushed and the new one continues its
    // numbering after a discontinuity, exactly as after a restart.
    this.#streams.get(spaceId)?.close();
    const recording = this.#recordings.open(spaceId);
    recording.start(this.#init);
    const framesPerPart = this.options.partTargetMs / PROGRAM_FORMAT.frameMs;
    const stream = new LiveStream(spaceId, {
      trackId: 1,
      framesPerPart,
      partsPerSegment: this.options.segmentTargetMs / this.options.partTargetMs,
      liveWindowSegments: this.options.liveWindowSegments,
      startupParts: this.options.startupParts,
      startupFramesPerPart: this.options.startupPartMs / PROGRAM_FORMAT.frameMs,
      join: options.join,
    }, recording);
    this.#streams.set(spaceId, stream);
    // Subtitle segment m is published when the audio closes segment m (the recording learns it first).
    let segments = recording.segments.length;
    const segmentsClosed = (): void => {
      while (segments < recording.segments.length) this.subtitles.segmentClosed(spaceId, recording.segments[segments++]!);
    };
    return {
      push: (frame) => {
        stream.push(frame);
        if (segments !== recording.segments.length) segmentsClosed();
      },
      end: () => {
        stream.end();
        segmentsClosed();
        this.subtitles.ended(spaceId);
        // Players still at the live edge get the ENDLIST from memory for a while; afterwards the
        // ended playlist is rendered from the recording and the live window's memory is freed.
        const timer = setTimeout(() => {
          this.#evictions.delete(timer);
          if (this.#streams.get(spaceId) === stream) this.#streams.delete(spaceId);
        }, ENDED_STREAM_KEEP_MS);
        timer.unref();
        this.#evictions.add(timer);
      },
    };
  }

  isLive(spaceId: string): boolean {
    return this.#streams.get(spaceId)?.state === 'live';
  }

  epoch(spaceId: string): StreamEpoch | undefined {
    return this.#streams.get(spaceId)?.epoch;
  }

  async hasReplay(spaceId: string): Promise<boolean> {
    return (await this.#replay(spaceId)) !== undefined;
  }

  prepare(spaceId: string): Promise<void> {
    if (!SPACE_ID_PATTERN.test(spaceId)) return Promise.reject(new TypeError(`invalid spaceId ${JSON.stringify(spaceId)}`));
    return this.#recordings.prepare(spaceId);
  }

  handOver(spaceId: string): Promise<void> {
    this.#streams.get(spaceId)?.close();
    return this.flushRecording(spaceId);
  }

  handOverFollowed(spaceId: string): Promise<void> {
    const stream = this.#streams.get(spaceId);
    stream?.abandon();
    if (stream && this.#streams.get(spaceId) === stream) this.#streams.delete(spaceId);
    return this.flushRecording(spaceId);
  }

  async refreshRecording(spaceId: string): Promise<void> {
    await this.#recordings.known(spaceId)?.refresh();
  }

  async flushRecording(spaceId: string): Promise<void> {
    await this.#recordings.known(spaceId)?.flush();
  }

  /** The recording when it is a replay: ended, with audio, and not live here again. */
  async #replay(spaceId: string): Promise<RecordingHandle | undefined> {
    if (!SPACE_ID_PATTERN.test(spaceId) || this.#streams.get(spaceId)?.state === 'live') return undefined;
    const rec = await this.#recordings.find(spaceId);
    return rec && this.#isReplay(spaceId, rec) ? rec : undefined;
  }

  #isReplay(spaceId: string, rec: RecordingHandle): boolean {
    return this.#streams.get(spaceId)?.state !== 'live' && rec.endedAt !== null && rec.segments.length > 0;
  }

  async deleteRecording(spaceId: string): Promise<void> {
    if (!SPACE_ID_PATTERN.test(spaceId)) return;
    const stream = this.#streams.get(spaceId);
    stream?.close();
    this.#streams.delete(spaceId);
    this.subtitles.forget(spaceId);
    await this.#recordings.delete(spaceId);
  }

  async purgeExpired(now: number = Date.now()): Promise<string[]> {
    const horizon = now - this.options.retentionDays * 86_400_000;
    const purged: string[] = [];
    for (const { spaceId, endedAt } of await this.#recordings.list()) {
      if (!SPACE_ID_PATTERN.test(spaceId) || this.isLive(spaceId)) continue;
      if (endedAt !== undefined && endedAt < horizon) {
        await this.deleteRecording(spaceId);
        purged.push(spaceId);
      }
    }
    return purged;
  }

  stats(): AudienceStats {
    let parts = 0;
    let waiting = 0;
    let live = 0;
    for (const s of this.#streams.values()) {
      parts += s.partsProduced;
      waiting += s.waiting;
      if (s.state === 'live') live++;
    }
    let failures = 0;
    for (const r of this.#recordings.held()) failures += r.failures;
    return { liveSpaces: live, partsProduced: parts, blockingWaiting: waiting, recordingWriteFailures: failures };
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      for (const t of this.#evictions) clearTimeout(t);
      this.#evictions.clear();
      for (const s of this.#streams.values()) s.close();
      await Promise.all([...this.#recordings.held()].map((r) => r.flush()));
      await this.subtitles.flush();
      this.#streams.clear();
    })();
    return this.#closed;
  }

  // ---- HTTP surface ----

  async multivariantPlaylist(spaceId: string, signal?: AbortSignal): Promise<string> {
    // "Live" for a listener means the first segment exists. A player that arrives between the start
    // and that moment (a crowd that waited for the start) is held, like a blocking reload, and
    // answered the moment it exists: no poll loop, and one origin request per edge.
    const stream = this.#streams.get(spaceId);
    const ready = stream
      ? stream.hasMedia() || await stream.waitUntil(() => stream.hasMedia(), this.options.blockingTimeoutMs, signal)
      : await this.hasReplay(spaceId);
    if (!ready) throw new TribuneError('PLAYLIST_NOT_READY', { spaceId });
    const backups = this.options.backupEdgeUrls.map((edge) => `${edge}/hls/${spaceId}/`);
    return renderMultivariantPlaylist(variantBandwidth(this.options.opusBitrate, this.options.partTargetMs), 'audio.m3u8', this.subtitles.rendition(spaceId), backups);
  }

  async mediaPlaylist(spaceId: string, query: PlaylistQuery, signal?: AbortSignal): Promise<PlaylistAnswer> {
    const stream = this.#streams.get(spaceId);
    const skip = query.skip ?? 'NO';
    if (!stream) {
      // Not live on this origin: a Space that ended here before a restart still answers with its
      // last live window and EXT-X-ENDLIST, so players that were listening stop cleanly.
      const rec = await this.#replay(spaceId);
      if (!rec) throw new TribuneError('PLAYLIST_NOT_READY', { spaceId });
      audienceMetrics.playlistRequests.inc({ kind: 'live' });
      return { status: 200, body: renderMediaPlaylist(this.#endedView(rec)), blocking: false };
    }
    // Handed over to another origin: not this origin's to answer any more; the same URL reaches the next.
    if (handedOver(stream)) throw new TribuneError('MEDIA_MOVED');
    if (query.msn === undefined) {
      if (!stream.hasMedia()) throw new TribuneError('PLAYLIST_NOT_READY', { spaceId });
      audienceMetrics.playlistRequests.inc({ kind: skip === 'NO' ? 'live' : 'delta' });
      return { status: 200, body: this.#rendered(stream, skip), blocking: false };
    }
    const { msn, part } = query;
    audienceMetrics.playlistRequests.inc({ kind: 'blocking' });
    const state = stream.reloadState(msn, part);
    if (state === 'too-far') throw new TribuneError('BLOCKING_REQUEST_TOO_FAR', { msn });
    const ok = await stream.waitUntil(() => stream.reloadState(msn, part) === 'ready', this.options.blockingTimeoutMs, signal);
    if (handedOver(stream)) throw new TribuneError('MEDIA_MOVED');
    if (!ok || !stream.hasMedia()) {
      // RFC 8216bis §6.2.5.2: a server that cannot provide the playlist after blocking for three
      // target durations SHOULD return 503.
      return { status: 503, body: '', blocking: true };
    }
    return { status: 200, body: this.#rendered(stream, skip), blocking: true };
  }

  /**
   * The playlist changes once a part: every player at the live edge asking for it meanwhile gets the
   * same string (rendered once, and compressed once per encoding by the routes).
   */
  #rendered(stream: LiveStream, skip: SkipRequest): string {
    let renders = this.#renders.get(stream);
    if (!renders) this.#renders.set(stream, (renders = new Map()));
    const version = `${stream.partsProduced}|${stream.state}`;
    const last = renders.get(skip);
    if (last?.version === version) return last.body;
    const body = renderMediaPlaylist(stream.view(), skip);
    renders.set(skip, { version, body });
    return body;
  }

  async initSegment(spaceId: string): Promise<Buffer> {
    if (!this.#streams.has(spaceId) && !(await this.#recordings.find(spaceId))) throw new TribuneError('MEDIA_NOT_FOUND');
    return this.#init;
  }

  async part(spaceId: string, msn: number, index: number, signal?: AbortSignal): Promise<Buffer> {
    const stream = this.#streams.get(spaceId);
    if (!stream) throw new TribuneError('MEDIA_NOT_FOUND');
    let found = stream.part(msn, index);
    if (found.status === 'wait') {
      // The preload-hinted part (§4.4.5.3): hold the request until the part is complete, then send it.
      await stream.waitUntil(() => stream.part(msn, index).status !== 'wait', this.options.blockingTimeoutMs, signal);
      found = stream.part(msn, index);
      if (found.status !== 'ready' && handedOver(stream)) throw new TribuneError('MEDIA_MOVED');
    }
    if (found.status !== 'ready') throw new TribuneError('MEDIA_NOT_FOUND');
    return found.data;
  }

  async segment(spaceId: string, msn: number, signal?: AbortSignal): Promise<Buffer | AsyncIterable<Buffer>> {
    const stream = this.#streams.get(spaceId);
    let fill = stream?.fill(msn);
    if (stream && fill?.status === 'wait') {
      await stream.waitUntil(() => stream.fill(msn).status !== 'wait', this.options.blockingTimeoutMs, signal);
      fill = stream.fill(msn);
      if (fill.status === 'wait' || (fill.status === 'missing' && handedOver(stream))) {
        if (handedOver(stream)) throw new TribuneError('MEDIA_MOVED');
        throw new TribuneError('MEDIA_NOT_FOUND');
      }
    }
    if (fill?.status === 'complete') return fill.data;
    if (stream && fill?.status === 'open') return followSegment(stream, msn, this.options.blockingTimeoutMs, signal);
    const rec = await this.#recordings.find(spaceId);
    if (!rec?.segment(msn)) throw new TribuneError('MEDIA_NOT_FOUND');
    try {
      return await rec.readSegment(msn);
    } catch (err) {
      throw new TribuneError('MEDIA_NOT_FOUND', {}, { cause: err });
    }
  }

  async replayPlaylist(spaceId: string): Promise<string> {
    const rec = await this.#replay(spaceId);
    if (!rec) throw new TribuneError('REPLAY_NOT_AVAILABLE', { spaceId });
    audienceMetrics.playlistRequests.inc({ kind: 'replay' });
    return replayPlaylist(rec, this.#targetDuration());
  }

  async recording(spaceId: string): Promise<{ size: number; stream: () => Readable }> {
    const rec = await this.#replay(spaceId);
    if (!rec) throw new TribuneError('REPLAY_NOT_AVAILABLE', { spaceId });
    return { size: recordingSize(rec, this.#init.length), stream: () => recordingStream(rec, this.#init) };
  }

  #targetDuration(): number {
    return Math.max(1, Math.round(this.options.segmentTargetMs / 1000));
  }

  #endedView(rec: RecordingHandle): MediaPlaylistView {
    const keep = rec.segments.slice(-this.options.liveWindowSegments);
    const before = rec.segments.length - keep.length;
    return {
      targetDuration: this.#targetDuration(),
      partTarget: this.options.partTargetMs / 1000,
      discontinuitySequence: rec.segments.slice(0, before).filter((s) => s.discontinuity).length,
      segments: keep.map((s) => ({
        msn: s.msn, duration: s.duration / PROGRAM_FORMAT.sampleRate, programDateTime: s.programDateTime,
        discontinuity: s.discontinuity, parts: [],
      })),
      current: undefined,
      preloadHint: undefined,
      ended: true,
      nextMsn: (keep.at(-1)?.msn ?? -1) + 1,
    };
  }

  async makeClip(spaceId: string, fromMs: number, durationMs: number): Promise<ClipInfo> {
    const rec = await this.#recordings.find(spaceId);
    if (!rec) throw new TribuneError('REPLAY_NOT_AVAILABLE', { spaceId });
    return makeClip(rec, spaceId, fromMs, durationMs);
  }

  async clip(spaceId: string, clipId: string): Promise<{ info: ClipInfo; data: () => Promise<Buffer> }> {
    return readClip(await this.#recordings.find(spaceId), clipId);
  }
}

/** `recordings`: where recordings live; without it, under `<dataDir>/media/`, as the embedded default keeps them. */
export function createAudience(options: AudienceOptions, recordings?: RecordingStore): Audience {
  return new AudienceImpl(options, recordings);
}
