import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMediaPlaylist, renderMultivariantPlaylist, type MediaPlaylistView, type ViewSegment } from './playlist.js';

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

test('with backup edges the multivariant playlist lists one pathway per edge, renditions included', () => {
  const one = renderMultivariantPlaylist({ peak: 64_000, average: 48_000 }, 'audio.m3u8', { name: 'Français', language: 'fr', uri: 'captions/live.m3u8' });
  assert.ok(!one.includes('PATHWAY-ID'), 'one edge: no pathway at all');
  const two = renderMultivariantPlaylist({ peak: 64_000, average: 48_000 }, 'audio.m3u8', { name: 'Français', language: 'fr', uri: 'captions/live.m3u8' }, ['https://edge-b.example.org/hls/sp/']);
  const lines = two.trim().split('\n');
  const variants = lines.filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
  assert.equal(variants.length, 2);
  assert.match(variants[0]!, /SUBTITLES="captions",PATHWAY-ID="edge"$/);
  assert.match(variants[1]!, /SUBTITLES="captions-2",PATHWAY-ID="edge-2"$/);
  assert.equal(lines[lines.indexOf(variants[0]!) + 1], 'audio.m3u8');
  assert.equal(lines[lines.indexOf(variants[1]!) + 1], 'https://edge-b.example.org/hls/sp/audio.m3u8');
  assert.ok(two.includes('GROUP-ID="captions-2",NAME="Français",LANGUAGE="fr",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="https://edge-b.example.org/hls/sp/captions/live.m3u8"'), two);
  // The same attributes on both: a player sees the same stream twice, not two qualities.
  assert.equal(variants[0]!.replace(/,SUBTITLES.*/, ''), variants[1]!.replace(/,SUBTITLES.*/, ''));
});
