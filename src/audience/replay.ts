import { Readable } from 'node:stream';
import { renderVodPlaylist } from './playlist.js';
import type { RecordingHandle as Recording } from './recording-store.js';

/** The replay playlist: VOD over the recorded segments (the same files the live playlist served). */
export function replayPlaylist(recording: Recording, targetDuration: number): string {
  return renderVodPlaylist(recording.segments.map((s) => ({
    msn: s.msn,
    duration: s.duration / 48_000,
    programDateTime: s.programDateTime,
    discontinuity: s.discontinuity,
  })), targetDuration);
}

/** Bytes of the single-file download: init + every segment, one after the other. */
export function recordingSize(recording: Recording, initSize: number): number {
  return recording.segments.reduce((n, s) => n + s.bytes, initSize);
}

/**
 * The .m4a download: a fragmented MP4 made by streaming the init segment and every segment in order.
 * Each segment is read only when the client has taken the previous one, so a 3-hour recording costs
 * one segment of memory. Decode times run on across restarts, so the file's timeline is monotonic.
 */
export function recordingStream(recording: Recording, init: Buffer): Readable {
  const segments = [...recording.segments];
  let i = -1;
  return new Readable({
    async read() {
      try {
        if (i < 0) {
          i = 0;
          this.push(init);
          return;
        }
        const s = segments[i++];
        if (!s) {
          this.push(null);
          return;
        }
        this.push(await recording.readSegment(s.msn));
      } catch (err) {
        this.destroy(err as Error);
      }
    },
  });
}
