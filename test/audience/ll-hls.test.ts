import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { AudienceOptions } from '../../src/audience/index.js';
import { audienceMetrics } from '../../src/audience/metrics.js';
import { liveAudience, SEGMENTS_OF_TEN_200_MS_PARTS, type LiveAudience } from '../helpers/audience-app.js';
import { parsePlaylist, type ParsedPlaylist } from '../helpers/hls-playlist.js';

const rig = (t: { after(fn: () => Promise<void>): void }, options: Partial<AudienceOptions> = {}): Promise<LiveAudience> =>
  liveAudience(t, { ...SEGMENTS_OF_TEN_200_MS_PARTS, ...options });

async function playlist(app: FastifyInstance, query = ''): Promise<ParsedPlaylist> {
  const r = await app.inject(`/hls/sp/audio.m3u8${query}`);
  assert.equal(r.statusCode, 200, r.body);
  return parsePlaylist(r.body);
}

/** The checks every live playlist must pass, tag by tag (RFC 8216bis §4.4, §6.2.2). */
function conforms(p: ParsedPlaylist): void {
  assert.ok(p.version >= 9, 'EXT-X-VERSION 9 (EXT-X-SKIP)');
  assert.equal(p.targetDuration, 2);
  assert.equal(p.partTarget, 0.2);
  assert.equal(p.serverControl['CAN-BLOCK-RELOAD'], 'YES');
  // §4.4.3.8: MUST be at least twice PART-TARGET (we take two: docs/benchmarks.md, the egress figures).
  assert.ok(Number(p.serverControl['PART-HOLD-BACK']) >= 2 * p.partTarget! - 1e-9, 'PART-HOLD-BACK >= 2 x PART-TARGET');
  assert.ok(Number(p.serverControl['CAN-SKIP-UNTIL']) >= 6 * p.targetDuration, 'CAN-SKIP-UNTIL >= 6 x target');
  assert.equal(p.map, 'init.mp4');
  assert.ok(p.segments.length === 0 || p.segments[0]!.dated, 'the first segment listed carries PROGRAM-DATE-TIME');
  for (const s of p.segments) {
    assert.ok(Math.round(s.duration) <= p.targetDuration, 'EXTINF rounds to <= target duration');
    assert.ok(s.programDateTime !== undefined, 'every segment dated, by its own tag or extrapolated (§4.4.4.6)');
    for (const part of [...s.parts]) {
      assert.ok(part.duration <= p.partTarget! + 1e-9, 'part <= PART-TARGET');
      assert.ok(part.independent);
    }
    // A segment with all its parts listed: they sum to its duration.
    if (s.parts.length === 10) {
      const sum = s.parts.reduce((n, x) => n + x.duration, 0);
      assert.ok(Math.abs(sum - s.duration) < 1e-6, `parts sum ${sum} = EXTINF ${s.duration}`);
    }
  }
  for (let i = 1; i < p.segments.length; i++) {
    assert.equal(p.segments[i]!.uri, `seg-${p.mediaSequence + p.skipped + i}.m4s`, 'consecutive media sequence numbers');
    assert.ok(p.segments[i]!.programDateTime! > p.segments[i - 1]!.programDateTime!);
  }
}

test('playlist conformance while live: parts, segments, preload hint, media sequence', async (t) => {
  const r = await rig(t);
  const none = await r.app.inject('/hls/sp/audio.m3u8');
  assert.equal(none.statusCode, 404);
  assert.equal(none.json().error.code, 'PLAYLIST_NOT_READY');
  r.push(99);
  assert.equal((await r.app.inject('/hls/sp/audio.m3u8')).statusCode, 404, 'no complete segment yet');
  r.push(1);
  // Players start only from a complete segment, and a playlist never ends on one: a player at the
  // end of a complete segment that does not know the next part yet (hls.js) fetches the last part
  // again and again. The segment is listed with the next segment's first part.
  assert.equal((await r.app.inject('/hls/sp/audio.m3u8')).statusCode, 404, 'segment 0 complete, part 1.0 not yet');
  r.push(10);
  let p = await playlist(r.app);
  conforms(p);
  assert.deepEqual(p.segments.map((s) => s.uri), ['seg-0.m4s']);
  assert.deepEqual(p.trailingParts.map((x) => x.uri), ['part-1.0.m4s']);
  assert.equal(p.preloadHint, 'part-1.1.m4s');

  let lastSequence = p.mediaSequence;
  for (let k = 0; k < 150; k++) {
    r.push(10);
    p = await playlist(r.app);
    conforms(p);
    assert.ok(p.mediaSequence >= lastSequence, 'media sequence never goes back');
    lastSequence = p.mediaSequence;
    // The hint names the part after the last one listed.
    const last = p.trailingParts.at(-1)?.uri ?? p.segments.at(-1)!.parts.at(-1)!.uri;
    const [, msn, idx] = /part-(\d+)\.(\d+)/.exec(last)!.map(Number) as [number, number, number];
    const next = idx === 9 ? `part-${msn + 1}.0.m4s` : `part-${msn}.${idx + 1}.m4s`;
    assert.equal(p.preloadHint, next);
  }
  // 161 parts = 16 segments + 1 part: the window keeps 10 complete segments.
  assert.equal(p.segments.length, 10);
  assert.equal(p.mediaSequence, 6);
  const pdt = p.segments[0]!.programDateTime!;
  assert.equal(pdt, Date.UTC(2026, 0, 1, 12, 0, 12), 'PROGRAM-DATE-TIME from wallClock');

  // Every listed part and segment is served, immutable.
  for (const uri of [...p.segments.flatMap((s) => [s.uri, ...s.parts.map((x) => x.uri)]), ...p.trailingParts.map((x) => x.uri), 'init.mp4']) {
    const res = await r.app.inject(`/hls/sp/${uri}`);
    assert.equal(res.statusCode, 200, uri);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.headers['content-type'], 'audio/mp4');
  }
  const live = await r.app.inject('/hls/sp/audio.m3u8');
  assert.equal(live.headers['cache-control'], 'public, max-age=1');
  assert.equal(live.headers['content-type'], 'application/vnd.apple.mpegurl');
  // A segment is its parts, byte for byte.
  const seg = (await r.app.inject(`/hls/sp/${p.segments.at(-1)!.uri}`)).rawPayload;
  const parts = await Promise.all(p.segments.at(-1)!.parts.map(async (x) => (await r.app.inject(`/hls/sp/${x.uri}`)).rawPayload));
  assert.deepEqual(seg, Buffer.concat(parts));

  const mv = await r.app.inject('/hls/sp/index.m3u8');
  assert.equal(mv.statusCode, 200);
  assert.match(mv.body, /#EXT-X-STREAM-INF:BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,CODECS="opus"\naudio\.m3u8/);
});

test('delta update: _HLS_skip=YES replaces old segments with EXT-X-SKIP', async (t) => {
  const r = await rig(t);
  r.push(10 * 10 * 10 + 30);
  const full = await playlist(r.app);
  const delta = await playlist(r.app, '?_HLS_skip=YES');
  conforms(delta);
  assert.ok(delta.skipped > 0, 'something skipped');
  assert.ok(delta.tags.indexOf('#EXT-X-SKIP') < delta.tags.indexOf('#EXT-X-MAP'));
  assert.equal(delta.mediaSequence, full.mediaSequence);
  assert.equal(delta.skipped + delta.segments.length, full.segments.length);
  assert.deepEqual(delta.segments.map((s) => s.uri), full.segments.slice(delta.skipped).map((s) => s.uri));
  // The segments kept span at least CAN-SKIP-UNTIL from the end.
  const kept = delta.segments.reduce((n, s) => n + s.duration, 0) + delta.trailingParts.reduce((n, s) => n + s.duration, 0);
  assert.ok(kept >= Number(full.serverControl['CAN-SKIP-UNTIL']));
  const v2 = (await r.app.inject('/hls/sp/audio.m3u8?_HLS_skip=v2')).body;
  assert.match(v2, /#EXT-X-SKIP:SKIPPED-SEGMENTS=\d+,RECENTLY-REMOVED-DATERANGES=""/);
});

/** Requests held for a part right now (the gauge this process's audience plane keeps). */
const waiting = async (): Promise<number> => (await audienceMetrics.blockingWaiting.get()).values[0]?.value ?? 0;

/** Waits (bounded) until this many requests are held: they reached the handler and wait for their part. */
async function heldUntil(count: number, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await waiting()) !== count) {
    assert.ok(Date.now() < deadline, `timed out: ${what} (${await waiting()} held, expected ${count})`);
    await new Promise((res) => setTimeout(res, 5));
  }
}

test('blocking reload returns only once the part exists; preload-hinted part is held then served', async (t) => {
  const r = await rig(t);
  r.push(100 * 13); // 100 frames a segment: segments 0..12 complete, hint part-13.0
  const held = await waiting();
  const pending = r.app.inject('/hls/sp/audio.m3u8?_HLS_msn=13&_HLS_part=2');
  const hinted = r.app.inject('/hls/sp/part-13.0.m4s');
  await heldUntil(held + 2, 'the reload and the hinted part are held');
  r.push(25); // parts 13.0 and 13.1: the hinted part is released at once, the reload is not
  assert.equal(await waiting(), held + 1, 'part 13.2 does not exist yet: the reload is still held');
  const part = await hinted;
  assert.equal(part.statusCode, 200, 'hinted part served when complete');
  assert.equal(part.headers['cache-control'], 'public, max-age=31536000, immutable');
  r.push(5);
  const res = await pending;
  assert.equal(res.statusCode, 200);
  const p = parsePlaylist(res.body);
  assert.ok(p.trailingParts.some((x) => x.uri === 'part-13.2.m4s'));
  assert.match(res.headers['cache-control'] as string, /^public, max-age=\d+$/);

  // §6.2.5.2 M3: part index past the last part of a segment means part 0 of the next one.
  const roll = r.app.inject('/hls/sp/audio.m3u8?_HLS_msn=13&_HLS_part=10');
  await heldUntil(held + 1, 'the reload past segment 13 is held');
  r.push(70); // segment 13 complete; 14.0 not yet
  assert.equal(await waiting(), held + 1, 'waits for part 14.0');
  r.push(10);
  assert.equal((await roll).statusCode, 200);
  // Without _HLS_part (Safari asks so): held until the segment's first part exists.
  const whole = r.app.inject('/hls/sp/audio.m3u8?_HLS_msn=15');
  r.push(190);
  assert.match((await whole).body, /part-15\.0\.m4s/);
  // An old msn answers at once with the whole playlist (M4).
  assert.equal((await r.app.inject('/hls/sp/audio.m3u8?_HLS_msn=1&_HLS_part=0')).statusCode, 200);
});

test('blocking reload errors: too far (400), part without msn (400), timeout (503), bad values (400)', async (t) => {
  const r = await rig(t, { blockingTimeoutMs: 150 });
  r.push(100 * 25); // segments 0..24
  const far = await r.app.inject('/hls/sp/audio.m3u8?_HLS_msn=30');
  assert.equal(far.statusCode, 400);
  assert.equal(far.json().error.code, 'BLOCKING_REQUEST_TOO_FAR');
  assert.equal(far.headers['cache-control'], 'no-store');
  // Advance Part Limit: 3 / 0.2 = 15 parts past the last one.
  assert.equal((await r.app.inject('/hls/sp/audio.m3u8?_HLS_msn=26&_HLS_part=9')).statusCode, 400);
  const noMsn = await r.app.inject('/hls/sp/audio.m3u8?_HLS_part=1');
  assert.equal(noMsn.statusCode, 400);
  assert.equal(noMsn.json().error.code, 'VALIDATION_FAILED');
  const late = await r.app.inject('/hls/sp/audio.m3u8?_HLS_msn=25&_HLS_part=3');
  assert.equal(late.statusCode, 503, 'RFC 8216bis 6.2.5.2: 503 once the wait is over');
  assert.equal(late.headers['cache-control'], 'no-store');
  for (const q of ['?_HLS_msn=-1', '?_HLS_msn=1.5', '?_HLS_msn=abc', '?_HLS_msn=01', '?_HLS_skip=NO', '?foo=1', '?_HLS_msn=1&_HLS_msn=2']) {
    const res = await r.app.inject(`/hls/sp/audio.m3u8${q}`);
    assert.equal(res.statusCode, 400, q);
    assert.equal(res.json().error.code, 'VALIDATION_FAILED', q);
  }
  assert.equal((await r.app.inject('/hls/bad.id/audio.m3u8')).statusCode, 400);
  assert.equal((await r.app.inject('/hls/other/audio.m3u8')).json().error.code, 'PLAYLIST_NOT_READY');
  const notYet = await r.app.inject('/hls/sp/part-40.0.m4s');
  assert.equal(notYet.statusCode, 404);
  assert.equal(notYet.json().error.code, 'MEDIA_NOT_FOUND');
  assert.equal(notYet.headers['cache-control'], 'no-store', 'a 404 for media that will exist must not be cached');
  assert.equal((await r.app.inject('/hls/sp/seg-99.m4s')).statusCode, 404);
  assert.equal((await r.app.inject('/hls/sp/whatever.ts')).statusCode, 404);
  assert.equal((await r.app.inject('/hls/sp/init.mp4?x=1')).statusCode, 400);
  assert.equal((await r.app.inject('/hls/sp/replay.m3u8')).json().error.code, 'REPLAY_NOT_AVAILABLE');
});

test('end: live playlist gets ENDLIST, replay is a VOD playlist over the same segments at once', async (t) => {
  const r = await rig(t);
  r.push(100 * 3 + 37);
  const held = r.app.inject('/hls/sp/audio.m3u8?_HLS_msn=3&_HLS_part=4');
  r.sink.end();
  const released = parsePlaylist((await held).body);
  assert.ok(released.ended, 'held requests are released with the final playlist');
  const live = await playlist(r.app);
  assert.ok(live.ended);
  assert.equal(live.preloadHint, undefined);
  assert.equal(live.segments.at(-1)!.uri, 'seg-3.m4s');
  assert.ok(Math.abs(live.segments.at(-1)!.duration - 0.74) < 1e-9, 'the last segment holds the 37 last frames');
  assert.ok(await r.audience.hasReplay('sp'));
  assert.equal(r.audience.isLive('sp'), false);
  const vod = parsePlaylist((await r.app.inject('/hls/sp/replay.m3u8')).body);
  assert.equal(vod.playlistType, 'VOD');
  assert.ok(vod.ended);
  assert.equal(vod.segments.length, 4);
  assert.equal(vod.segments.reduce((n, s) => n + s.duration, 0).toFixed(2), (337 * 0.02).toFixed(2));
  for (const s of vod.segments) assert.equal((await r.app.inject(`/hls/sp/${s.uri}`)).statusCode, 200, s.uri);
});

test('the default start: 200 ms parts until the first segment is published, then 400 ms parts', async (t) => {
  // The defaults, not the protocol suites' 200 ms layout.
  const r = await rig(t, { partTargetMs: 400, startupParts: 5, startupPartMs: 200 });
  const durations = (p: ParsedPlaylist): number[][] => [...p.segments.map((s) => s.parts), p.trailingParts].map((parts) => parts.map((x) => x.duration));
  r.push(50); // 1 s: the first segment's five startup parts, not yet published
  assert.equal((await r.app.inject('/hls/sp/audio.m3u8')).statusCode, 404, 'no complete segment listed yet');
  r.push(10); // the next segment's first part, a startup part too: now the first segment is listed
  let p = await playlist(r.app);
  assert.equal(p.partTarget, 0.4);
  assert.equal(Number(p.serverControl['PART-HOLD-BACK']), 0.8);
  assert.deepEqual(p.segments.map((s) => s.duration), [1]);
  assert.deepEqual(durations(p), [[0.2, 0.2, 0.2, 0.2, 0.2], [0.2]]);
  r.push(40); // two whole parts
  p = await playlist(r.app);
  assert.deepEqual(durations(p).at(-1), [0.2, 0.4, 0.4]);
});
