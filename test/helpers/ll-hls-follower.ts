import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { segmentSamples } from '../../src/audience/clip.js';
import { toneAmplitude } from './goertzel.js';
import { parsePlaylist } from './hls-playlist.js';
import { opusEncoder } from './speech-program.js';

export interface FollowedPart {
  readonly msn: number;
  readonly part: number;
  readonly uri: string;
  readonly durationS: number;
  readonly sha1: string;
  readonly data: Buffer;
  /** performance.now() when its bytes arrived. */
  readonly at: number;
}

/**
 * A listener at the live edge of an LL-HLS stream, doing what hls.js does once it plays: a blocking
 * playlist reload for the next part, then that part. It records every part with its arrival time and
 * a hash of its bytes, every media sequence number it was shown, and every error, so a test can say
 * whether playback would have stalled and whether a name ever came back with other bytes.
 */
export class LlHlsFollower {
  readonly parts: FollowedPart[] = [];
  readonly errors: string[] = [];
  /** Each playlist's EXT-X-MEDIA-SEQUENCE, in the order received. */
  readonly mediaSequences: number[] = [];
  readonly #seen = new Map<string, string>();
  readonly #base: string;
  #stopped = false;
  #done: Promise<void>;

  constructor(playlistUrl: string) {
    this.#base = playlistUrl.slice(0, playlistUrl.lastIndexOf('/') + 1);
    this.#done = this.#run(playlistUrl);
  }

  /** When a playlist said EXT-X-ENDLIST (the follower stops there, as a player does). */
  endedAt: number | undefined;
  /** Names fetched twice with different bytes (there must be none). */
  readonly reused: string[] = [];

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#done;
  }

  /**
   * Seconds a player would have stalled after `from` (performance.now()), had it started
   * `bufferS` behind the first part it got: playback advances with the wall clock while there is
   * media, and waits when there is none.
   */
  stallAfter(from: number, bufferS: number): number {
    if (this.parts.length === 0) return Infinity;
    let media = 0;
    let position = -bufferS;
    let clock = this.parts[0]!.at;
    let stalled = 0;
    for (const p of this.parts) {
      const advance = (p.at - clock) / 1000;
      const playable = Math.min(advance, Math.max(0, media - position));
      if (p.at > from) stalled += advance - playable;
      position += playable;
      clock = p.at;
      media += p.durationS;
    }
    return stalled;
  }

  async #run(url: string): Promise<void> {
    let next: { msn: number; part: number } | undefined;
    while (!this.#stopped) {
      const query = next ? `?_HLS_msn=${next.msn}&_HLS_part=${next.part}` : '';
      let text: string;
      try {
        const res = await fetch(url + query, { signal: AbortSignal.timeout(10_000) });
        text = await res.text();
        if (res.status !== 200) {
          this.errors.push(`playlist ${res.status} ${text.slice(0, 120)}`);
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
      } catch (err) {
        this.errors.push(`playlist ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const list = parsePlaylist(text);
      this.mediaSequences.push(list.mediaSequence);
      const listed = [
        ...list.segments.flatMap((s, i) => s.parts.map((p, j) => ({ msn: list.mediaSequence + i, part: j, uri: p.uri, durationS: p.duration }))),
        ...list.trailingParts.map((p, j) => ({ msn: list.mediaSequence + list.segments.length, part: j, uri: p.uri, durationS: p.duration })),
      ];
      const last = this.parts.at(-1);
      // The first time: start PART-HOLD-BACK (two parts) from the end, as a player at the live edge does.
      const wanted = last ? listed.filter((p) => p.msn > last.msn || (p.msn === last.msn && p.part > last.part)) : listed.slice(-2);
      for (const p of wanted) {
        if (this.#stopped) break;
        try {
          const res = await fetch(this.#base + p.uri, { signal: AbortSignal.timeout(10_000) });
          const body = Buffer.from(await res.arrayBuffer());
          if (res.status !== 200) { this.errors.push(`${p.uri} ${res.status}`); break; }
          const sha1 = createHash('sha1').update(body).digest('hex');
          const before = this.#seen.get(p.uri);
          if (before !== undefined && before !== sha1) this.reused.push(p.uri);
          this.#seen.set(p.uri, sha1);
          this.parts.push({ ...p, sha1, data: body, at: performance.now() });
        } catch (err) {
          this.errors.push(`${p.uri} ${(err as Error).message}`);
          break;
        }
      }
      if (list.ended) {
        // A player stops here: the test says whether the Space had ended.
        this.endedAt = performance.now();
        this.errors.push(`EXT-X-ENDLIST after ${this.parts.at(-1)?.uri ?? 'nothing'}: ${text.replace(/\n/g, ' | ')}`);
        return;
      }
      const newest = this.parts.at(-1);
      if (!newest) { next = undefined; continue; }
      const inSegment = listed.filter((p) => p.msn === newest.msn).length;
      const closed = list.segments.length > 0 && newest.msn < list.mediaSequence + list.segments.length;
      next = closed && newest.part === inSegment - 1 ? { msn: newest.msn + 1, part: 0 } : { msn: newest.msn, part: newest.part + 1 };
    }
  }
}

/**
 * The longest run of 20 ms frames without the tone `hz` (amplitude under `heard`) in the parts that
 * arrived since `from` (performance.now()), after the first frame with it: the audible gap a listener
 * at the live edge was served, whether or not the player stalled.
 */
export function servedToneGapMs(parts: readonly FollowedPart[], from: number, hz: number, heard: number): number {
  const decoder = opusEncoder();
  let longest = 0;
  let run = 0;
  let started = false;
  for (const part of parts) {
    if (part.at < from) continue;
    for (const sample of segmentSamples(part.data)) {
      const pcm = decoder.decode(sample.data);
      if (toneAmplitude(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2), hz) >= heard) {
        longest = Math.max(longest, run);
        run = 0;
        started = true;
      } else if (started) run += 20;
    }
  }
  return longest;
}
