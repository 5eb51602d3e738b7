import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMediaPlaylist, type MediaPlaylistView, type ViewSegment } from './playlist.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const seg = (msn: number, programDateTime: number, discontinuity = false): ViewSegment =>
  ({ msn, duration: 2, programDateTime, discontinuity, parts: [] });
const view = (segments: ViewSegment[]): MediaPlaylistView => ({
  targetDuration: 2, partTarget: 0.4, discontinuitySequence: 0, segments, current: undefined,
  preloadHint: { msn: segments.length, part: 0 }, ended: false, nextMsn: segments.length,
});
const dates = (text: string): string[] => [...text.matchAll(/#EXT-X-PROGRAM-DATE-TIME:(.+)\n(?:#EXT-X-[A-Z-]+.*\n)*#EXTINF:[\d.]+,\n(seg-\d+)/g)].map((m) => m[2]!);

test('PROGRAM-DATE-TIME only where a client could not extrapolate it', () => {
  // Segments 0-2 follow each other (a few ms of clock drift), 3 starts after a 30 s outage of the
  // wall clock, 4 follows it, 5 comes after a discontinuity.
  const text = renderMediaPlaylist(view([
    seg(0, T0), seg(1, T0 + 2_003), seg(2, T0 + 4_001), seg(3, T0 + 36_000), seg(4, T0 + 38_002), seg(5, T0 + 40_000, true),
  ]));
  assert.deepEqual(dates(text), ['seg-0', 'seg-3', 'seg-5']);
  assert.match(text, /#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:40.000Z\n/);
});

test('drift is re-dated once it exceeds the tolerance, from the last date given', () => {
  const segments = Array.from({ length: 8 }, (_, i) => seg(i, T0 + i * 2_030)); // 30 ms slow per segment
  const text = renderMediaPlaylist(view(segments));
  // 0 dated; 1..3 extrapolated (30, 60, 90 ms off); 4 is 120 ms off: dated; 5..7 extrapolated from 4.
  assert.deepEqual(dates(text), ['seg-0', 'seg-4']);
});
