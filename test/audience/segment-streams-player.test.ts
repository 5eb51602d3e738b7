import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentStreams } from '../../web/src/lib/segment-streams.js';
import { liveAudience } from '../helpers/audience-app.js';
import { parsePlaylist, type ParsedPlaylist } from '../helpers/hls-playlist.js';

/**
 * An origin's audience plane on a loopback port (the defaults: 400 ms parts, 2 s segments), a Space
 * fed silence, and the page's SegmentStreams, holding the origin's first playlist.
 */
async function rig(t: { after(fn: () => Promise<void>): void }, frames: number) {
  // Closed first: a stream the origin holds open would keep its server from closing.
  const streams = new SegmentStreams();
  t.after(async () => streams.close());
  const live = await liveAudience(t, { blockingTimeoutMs: 3_000 }, true);
  const base = `${live.base}/hls/sp/`;
  live.push(frames);
  const first = `${base}audio.m3u8?_HLS_skip=YES`;
  const text = await (await fetch(first)).text();
  streams.notePlaylist(first, text);
  return { audience: live.audience, sink: live.sink, push: live.push, streams, base, text, signal: new AbortController().signal };
}

/**
 * The page's segment streams make up hls.js's blocking reloads from what a segment's stream brought
 * (web/src/lib/segment-streams.ts). Each made-up playlist is checked here against what the origin
 * itself answers to the same request: same segments and durations, same parts of the open segment,
 * same preload hint, and the part bytes the same as the origin's part files.
 */
test('every playlist the page makes up from the streams is the one the origin answers', async (t) => {
  // The 1 s first segment, segments 1 and 2, parts 3.0 .. 3.1.
  const { streams, base, push, signal, text: firstText } = await rig(t, 50 + 100 * 2 + 40);
  let text = firstText;
  let madeUp = 0;
  let real = 0;
  for (let step = 0; step < 40; step++) {
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(text)!;
    const url = `${base}audio.m3u8?_HLS_msn=${hint[1]}&_HLS_part=${hint[2]}&_HLS_skip=YES`;
    // The page's answer, while the origin makes the part it waits for (a part is 20 frames of 20 ms).
    const answer = streams.playlist(url, signal);
    push(20);
    const page = await answer;
    const origin = await (await fetch(url)).text();
    if (page === null) {
      // Not made up: the page asks the origin, and learns from its answer. Only for the playlist
      // opening a segment whose number is a multiple of 3: the same ones for every page.
      real++;
      assert.equal((Number(hint[1]) + 1) % 3, 0, `${url}: asked of the origin`);
      streams.notePlaylist(url, origin);
      text = origin;
      continue;
    }
    madeUp++;
    same(parsePlaylist(page), parsePlaylist(origin), url);
    // The part the page reads out of the stream is the origin's part file, byte for byte.
    const part = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(page)!;
    const name = `part-${part[1]}.${Number(part[2]) - 1}.m4s`;
    const bytes = await streams.part(`${base}${name}`, signal);
    const file = Buffer.from(await (await fetch(`${base}${name}`)).arrayBuffer());
    assert.ok(bytes !== null && Buffer.from(bytes).equals(file), `${name} out of the stream`);
    text = page;
  }
  // 40 parts = 8 segments: the origin asked at every third segment's opening, the rest made up.
  assert.ok(real >= 2 && real <= 3, `${real} real reloads: the origin is still asked every third segment`);
  assert.equal(madeUp + real, 40);
});

/** What hls.js reads from a live playlist near its end: segments, durations, the open parts, the hint. */
function same(page: ParsedPlaylist, origin: ParsedPlaylist, url: string): void {
  const tail = (p: ParsedPlaylist) => p.segments.slice(-3).map((s) => ({ uri: s.uri, duration: s.duration, parts: s.parts.map((x) => [x.uri, x.duration]) }));
  // The origin drops the parts of segments more than three target durations old; the page keeps them.
  assert.deepEqual(tail(page).slice(-2), tail(origin).slice(-2), `${url}: the last segments`);
  assert.deepEqual(page.trailingParts.map((x) => [x.uri, x.duration, x.independent]), origin.trailingParts.map((x) => [x.uri, x.duration, x.independent]), `${url}: the open segment's parts`);
  // After a segment's last part the origin hints the next segment's first; the page, which cannot
  // tell the last part from the stream until its end arrives, may hint the part after the last,
  // which a reload treats as the same one (RFC 8216bis §6.2.5.2) and hls.js never fetches ahead.
  const open = page.trailingParts.at(-1)!.uri.match(/part-(\d+)\.(\d+)/)!;
  const afterLast = origin.preloadHint === `part-${Number(open[1]) + 1}.0.m4s` && page.preloadHint === `part-${open[1]}.${Number(open[2]) + 1}.m4s`;
  assert.ok(page.preloadHint === origin.preloadHint || afterLast, `${url}: the preload hint ${page.preloadHint}, the origin's ${origin.preloadHint}`);
  assert.equal(page.targetDuration, origin.targetDuration);
  assert.equal(page.partTarget, origin.partTarget);
  const uris = (p: ParsedPlaylist) => new Set(p.segments.map((s) => s.uri));
  for (const s of page.segments) {
    const o = origin.segments.find((x) => x.uri === s.uri);
    if (o) assert.equal(s.duration, o.duration, `${s.uri}'s EXTINF`);
  }
  assert.ok([...uris(origin)].every((u) => uris(page).has(u) || page.skipped > 0), `${url}: every segment the origin lists`);
}

test('a stream cut by a hand-over sends the page back to the origin at once', async (t) => {
  const { audience, streams, base, signal } = await rig(t, 50 + 100 + 40); // the first segment, segment 1, parts 2.0 and 2.1
  assert.ok(await streams.part(`${base}part-2.1.m4s`, signal), 'part 2.1 out of the stream');
  const waiting = streams.part(`${base}part-2.2.m4s`, signal);
  const reload = streams.playlist(`${base}audio.m3u8?_HLS_msn=2&_HLS_part=2&_HLS_skip=YES`, signal);
  await audience.handOverFollowed('sp');
  assert.equal(await waiting, null, 'the part goes to the network (the next origin) when the stream is cut');
  assert.equal(await reload, null, 'and so does the reload');
  assert.equal(await streams.part(`${base}part-2.3.m4s`, signal), null, 'later parts of the cut segment too, without waiting');
});

test('at the end of the Space the next segment never comes: the reload past the last part goes to the origin, which says ENDLIST', async (t) => {
  const { sink, streams, base, signal } = await rig(t, 50 + 100 + 40);
  assert.ok(await streams.part(`${base}part-2.1.m4s`, signal));
  const reload = streams.playlist(`${base}audio.m3u8?_HLS_msn=2&_HLS_part=2&_HLS_skip=YES`, signal);
  sink.end(); // segment 2 ends with what was pending (a short part 2.2); there is no segment 3
  const shown = await reload;
  assert.match(shown ?? '', /part-2\.2\.m4s/, 'the last part, out of the stream');
  // hls.js then asks for the part after it: the next segment's stream is refused, so the origin is asked.
  const past = `${base}audio.m3u8?_HLS_msn=2&_HLS_part=3&_HLS_skip=YES`;
  assert.equal(await streams.playlist(past, signal), null, 'not made up: only the origin knows the Space ended');
  assert.match(await (await fetch(past)).text(), /#EXT-X-ENDLIST/);
});
