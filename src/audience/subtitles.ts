import { join } from 'node:path';
import { PROGRAM_FORMAT, type CaptionSink } from '../media/types.js';
import { TribuneError } from '../errors/catalogue.js';
import { CaptionTrack, loadCues, type CueLog, type StoredCue } from './caption-track.js';
import type { SegmentRecord } from './recording.js';
import { renderMultivariantPlaylist } from './playlist.js';
import { renderSubtitlePlaylist, type SubtitleRendition } from './subtitle-playlist.js';
import { renderPlainTranscript, renderVttDocument, renderVttSegment, type VttCue } from './webvtt.js';

const RATE = PROGRAM_FORMAT.sampleRate;
export const LIVE_SUBTITLES_URI = 'captions/live.m3u8';
export const REPLAY_SUBTITLES_URI = 'captions/replay.m3u8';
export const liveSubtitleName = (msn: number): string => `seg-${msn}.vtt`;
export const replaySubtitleName = (msn: number): string => `replay-${msn}.vtt`;
const ENDED_TRACK_KEEP_MS = 60_000;
/** How long a cue log read from disk is trusted (it only changes while its Space is live here). */
const STORED_CACHE_MS = 10_000;
/** Cues a poll of the cue endpoint returns at most. */
const CUES_PER_ANSWER = 50;

/** What the subtitles need to know of a Space's recording (audience.ts answers). */
export interface RecordingFacts {
  /** The cue log kept with the recording (the replay's captions and transcript). */
  readonly cueLog: CueLog;
  readonly segments: readonly SegmentRecord[];
  /** Ended, with a replay. */
  readonly replay: boolean;
}

export interface SubtitlesDeps {
  readonly mediaDir: string;
  /** BANDWIDTH of the audio variant (the replay's multivariant playlist repeats it). */
  readonly bandwidth: { readonly peak: number; readonly average: number };
  readonly liveWindowSegments: number;
  readonly targetDuration: number;
  readonly blockingTimeoutMs: number;
  readonly recording: (spaceId: string) => RecordingFacts | undefined;
  /** Reads the Space's recording wherever it is kept, so that `recording` knows it (another origin may have made it). */
  readonly find: (spaceId: string) => Promise<unknown>;
}

/** A cue on the replay's timeline (seconds from the start of the replay). */
export interface TranscriptLine {
  readonly seq: number;
  readonly speakerId: string;
  readonly speaker: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export type SubtitlePlaylistAnswer = { readonly status: 200; readonly body: string; readonly blocking: boolean } | { readonly status: 503 };

function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/**
 * The WebVTT subtitles rendition of every Space on this origin: live tracks fed by the captions, and
 * the replay's rendition and transcript made from the cue log kept with the recording (so deleting
 * the recording deletes the captions).
 */
export class Subtitles {
  readonly #deps: SubtitlesDeps;
  readonly #tracks = new Map<string, CaptionTrack>();
  /** Cue logs read from disk (ended Spaces, or none): the multivariant playlist asks on every request. */
  readonly #storedCache = new Map<string, { at: number; value: { language: string | undefined; cues: StoredCue[] } | undefined }>();

  constructor(deps: SubtitlesDeps) {
    this.#deps = deps;
  }

  /** Captions for a Space live here (called once the engine supports its language). */
  sink(spaceId: string, language: string): CaptionSink {
    let track = this.#tracks.get(spaceId);
    if (!track || track.ended || track.language !== language) {
      track = new CaptionTrack(this.#deps.recording(spaceId)?.cueLog ?? join(this.#deps.mediaDir, spaceId), language, this.#deps.liveWindowSegments);
      this.#tracks.set(spaceId, track);
    }
    const t = track;
    return { push: (cue) => t.push(cue) };
  }

  segmentClosed(spaceId: string, record: SegmentRecord): void {
    this.#tracks.get(spaceId)?.segmentClosed(record);
  }

  ended(spaceId: string): void {
    const track = this.#tracks.get(spaceId);
    if (!track) return;
    track.end();
    // Players at the live edge get the ENDLIST from memory for a while; then the cue log on disk serves.
    const timer = setTimeout(() => {
      void track.flush().then(() => {
        if (this.#tracks.get(spaceId) === track) this.#tracks.delete(spaceId);
        this.#storedCache.delete(spaceId);
      });
    }, ENDED_TRACK_KEEP_MS);
    timer.unref();
  }

  forget(spaceId: string): void {
    this.#storedCache.delete(spaceId);
    this.#tracks.get(spaceId)?.delete();
    this.#tracks.delete(spaceId);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.#tracks.values()].map((t) => t.flush()));
  }

  /** Before answering about a Space this origin may not know: its recording is read (the routes await it). */
  async load(spaceId: string): Promise<void> {
    if (!this.#tracks.has(spaceId)) await this.#deps.find(spaceId);
  }

  /** The multivariant playlist's EXT-X-MEDIA for this Space, if it has captions. */
  rendition(spaceId: string): SubtitleRendition | undefined {
    const track = this.#tracks.get(spaceId);
    const language = track?.language ?? this.#stored(spaceId)?.language;
    if (!language) return undefined;
    return { language, name: `${languageName(language)} (auto)`, uri: LIVE_SUBTITLES_URI };
  }

  // ---- HTTP surface ----

  async livePlaylist(spaceId: string, msn: number | undefined, signal?: AbortSignal): Promise<SubtitlePlaylistAnswer> {
    const track = this.#tracks.get(spaceId);
    if (!track) return { status: 200, body: this.replayPlaylist(spaceId), blocking: false };
    if (msn !== undefined && !track.ended) {
      if (msn > track.nextMsn + 2) throw new TribuneError('BLOCKING_REQUEST_TOO_FAR', { msn });
      const ok = await track.waitFor(msn, this.#deps.blockingTimeoutMs, signal);
      if (!ok && !track.ended) return { status: 503 };
    }
    if (track.window.length === 0 && !track.ended) throw new TribuneError('PLAYLIST_NOT_READY', { spaceId });
    const body = renderSubtitlePlaylist({
      kind: 'live', targetDuration: this.#deps.targetDuration, discontinuitySequence: track.discontinuitySequence,
      segments: track.window.map(view), nextMsn: track.nextMsn, ended: track.ended, segmentName: liveSubtitleName,
    });
    return { status: 200, body, blocking: msn !== undefined };
  }

  liveSegment(spaceId: string, msn: number): string {
    const body = this.#tracks.get(spaceId)?.segment(msn);
    if (body === undefined) throw new TribuneError('MEDIA_NOT_FOUND');
    return body;
  }

  replayPlaylist(spaceId: string): string {
    const { rec } = this.#replay(spaceId);
    return renderSubtitlePlaylist({
      kind: 'vod', targetDuration: this.#deps.targetDuration, discontinuitySequence: 0,
      segments: rec.segments.map(view), nextMsn: 0, ended: true, segmentName: replaySubtitleName,
    });
  }

  /** The replay with captions for any HLS player: the audio VOD and the subtitles VOD in one multivariant. */
  replayMultivariant(spaceId: string): string {
    const { rec } = this.#replay(spaceId);
    const language = this.#tracks.get(spaceId)?.language ?? this.#stored(spaceId)?.language;
    if (!language) throw new TribuneError('REPLAY_NOT_AVAILABLE', { spaceId });
    return renderMultivariantPlaylist(this.#deps.bandwidth, '../replay.m3u8', { language, name: `${languageName(language)} (auto)`, uri: 'replay.m3u8' });
  }

  replaySegment(spaceId: string, msn: number): string {
    const { rec, lines } = this.#replay(spaceId);
    const index = rec.segments.findIndex((s) => s.msn === msn);
    if (index < 0) throw new TribuneError('MEDIA_NOT_FOUND');
    const seg = rec.segments[index]!;
    const from = replayStart(rec.segments, index);
    const to = from + seg.duration / RATE;
    const last = index === rec.segments.length - 1;
    const cues = lines.filter((l) => l.start >= from && (l.start < to || last)).map(toVtt);
    return renderVttSegment(cues, { mpegts: Math.round(seg.decodeTime * (90_000 / RATE)), localStart: from });
  }

  /** The replay's transcript: lines on the replay's timeline, as JSON, WebVTT or text. */
  transcript(spaceId: string): readonly TranscriptLine[] {
    return this.#replay(spaceId).lines;
  }

  transcriptVtt(spaceId: string): string {
    return renderVttDocument(this.transcript(spaceId).map(toVtt));
  }

  transcriptText(spaceId: string): string {
    return renderPlainTranscript(this.transcript(spaceId).map(toVtt));
  }

  /**
   * For WHEP listeners and the listener page: cues from sequence number `from` on (wall-clock times),
   * oldest first; without `from`, the latest ones. `next` is what to ask for next time.
   */
  liveCues(spaceId: string, from: number | undefined): { language: string | null; cues: Omit<StoredCue, 'words'>[]; next: number } {
    const track = this.#tracks.get(spaceId);
    const stored = track ? undefined : this.#stored(spaceId);
    const all = track?.cues ?? stored?.cues ?? [];
    const fresh = from === undefined ? all.slice(-CUES_PER_ANSWER) : all.filter((c) => c.seq >= from).slice(0, CUES_PER_ANSWER);
    const next = fresh.length > 0 ? fresh.at(-1)!.seq + 1 : from ?? (all.at(-1)?.seq ?? -1) + 1;
    return {
      language: track?.language ?? stored?.language ?? null,
      cues: fresh.map(({ words: _words, ...c }) => c),
      next,
    };
  }

  #stored(spaceId: string): { language: string | undefined; cues: StoredCue[] } | undefined {
    const hit = this.#storedCache.get(spaceId);
    if (hit && Date.now() - hit.at < STORED_CACHE_MS) return hit.value;
    const rec = this.#deps.recording(spaceId);
    const value = rec ? loadCues(rec.cueLog) : undefined;
    if (this.#storedCache.size > 1000) this.#storedCache.clear();
    this.#storedCache.set(spaceId, { at: Date.now(), value });
    return value;
  }

  #replay(spaceId: string): { rec: RecordingFacts; lines: TranscriptLine[] } {
    const rec = this.#deps.recording(spaceId);
    if (!rec?.replay) throw new TribuneError('REPLAY_NOT_AVAILABLE', { spaceId });
    const { cues } = this.#tracks.get(spaceId) ?? this.#stored(spaceId) ?? { cues: [] };
    const lines = cues.map((c) => onReplayTimeline(c, rec.segments)).filter((l): l is TranscriptLine => l !== undefined);
    // Cues are logged as they become final; speakers overlap, so a long line can end up after a later
    // short one. WebVTT wants cues by start time, and so does a reader.
    return { rec, lines: lines.sort((a, b) => a.start - b.start || a.seq - b.seq) };
  }
}

function view(s: SegmentRecord): { msn: number; duration: number; programDateTime: number; discontinuity: boolean } {
  return { msn: s.msn, duration: s.duration / RATE, programDateTime: s.programDateTime, discontinuity: s.discontinuity };
}

function replayStart(segments: readonly SegmentRecord[], index: number): number {
  let t = 0;
  for (let i = 0; i < index; i++) t += segments[i]!.duration / RATE;
  return t;
}

/** Wall clock -> seconds from the start of the replay, through the recorded segment that holds it. */
function onReplayTimeline(cue: StoredCue, segments: readonly SegmentRecord[]): TranscriptLine | undefined {
  if (segments.length === 0) return undefined;
  let t = 0;
  let found: { at: number; seg: SegmentRecord } | undefined;
  for (const seg of segments) {
    if (seg.programDateTime <= cue.start) found = { at: t, seg };
    t += seg.duration / RATE;
  }
  const base = found ?? { at: 0, seg: segments[0]! };
  const start = Math.max(0, base.at + (cue.start - base.seg.programDateTime) / 1000);
  const end = Math.max(start + 0.2, base.at + (cue.end - base.seg.programDateTime) / 1000);
  return { seq: cue.seq, speakerId: cue.speakerId, speaker: cue.speaker, text: cue.text, start, end };
}

function toVtt(l: TranscriptLine): VttCue {
  return { start: l.start, end: l.end, speaker: l.speaker, text: l.text };
}
