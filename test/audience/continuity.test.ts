import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAudience } from '../../src/audience/index.js';
import type { ProgramSink } from '../../src/media/types.js';
import { OPUS_SILENCE } from '../../src/audience/live-stream.js';
import { readBoxes } from '../../src/audience/box-writer.js';
import { buildAudienceApp, SEGMENTS_OF_TEN_200_MS_PARTS } from '../helpers/audience-app.js';
import { parsePlaylist } from '../helpers/hls-playlist.js';

function pusher(sink: ProgramSink, startPts = 0): (n: number) => void {
  let pts = startPts;
  return (n) => {
    for (let i = 0; i < n; i++, pts += 960) sink.push({ opus: OPUS_SILENCE, pts, wallClock: Date.now() });
  };
}

/** tfdt of the first fragment of a segment or part. */
function tfdt(media: Buffer): bigint {
  const at = media.indexOf(Buffer.from('tfdt', 'latin1'));
  return media.readBigUInt64BE(at + 8);
}

test('restart mid-Space: numbering continues after a DISCONTINUITY, never back at 0', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-restart-'));

  // First origin: 3 segments and 45 frames, then a clean shutdown (the partial segment is flushed).
  const first = createAudience({ ...SEGMENTS_OF_TEN_200_MS_PARTS, dataDir, fsync: false });
  pusher(first.begin('sp'))(345);
  await first.close();
  await first.close(); // idempotent
  assert.ok(!(await first.hasReplay('sp')), 'not ended: no replay');

  // Second origin on the same data directory.
  const second = createAudience({ ...SEGMENTS_OF_TEN_200_MS_PARTS, dataDir, fsync: false });
  const app = await buildAudienceApp(second);
  t.after(async () => {
    await app.close();
    await second.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const push = pusher(second.begin('sp'));
  // Before any new frame the old window is served, so players keep their place.
  const early = parsePlaylist((await app.inject('/hls/sp/audio.m3u8')).body);
  assert.equal(early.mediaSequence, 0);
  assert.equal(early.segments.length, 4);
  assert.equal(early.preloadHint, 'part-4.0.m4s');
  push(250);
  const p = parsePlaylist((await app.inject('/hls/sp/audio.m3u8')).body);
  assert.deepEqual(p.segments.map((s) => s.uri), ['seg-0.m4s', 'seg-1.m4s', 'seg-2.m4s', 'seg-3.m4s', 'seg-4.m4s', 'seg-5.m4s']);
  assert.deepEqual(p.segments.map((s) => s.discontinuity), [false, false, false, false, true, false]);
  assert.equal(p.segments[3]!.duration, 0.9, 'the flushed partial segment');
  // Decode times keep going forward across the restart.
  const seg3 = (await app.inject('/hls/sp/seg-3.m4s')).rawPayload;
  const seg4 = (await app.inject('/hls/sp/seg-4.m4s')).rawPayload;
  assert.ok(tfdt(seg4) >= tfdt(seg3) + 45n * 960n);
  assert.deepEqual([...readBoxes(seg4)].map((b) => b.type).slice(0, 2), ['moof', 'mdat']);
});

type IndexLine = { msn: number; parts: number } | { reserve: { msn: number } };

/** The recording index of a Space's directory as written so far (empty when not yet created). */
function indexLines(dir: string): IndexLine[] {
  let text = '';
  try { text = readFileSync(join(dir, 'segments.jsonl'), 'utf8'); } catch { return []; }
  // The last line may be half-written while we read it.
  return text.split('\n').filter(Boolean).flatMap((line) => { try { return [JSON.parse(line) as IndexLine]; } catch { return []; } });
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('crash mid-segment: the parts already served are never reused', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-crash-'));
  const crashed = createAudience({ ...SEGMENTS_OF_TEN_200_MS_PARTS, dataDir, fsync: false });
  pusher(crashed.begin('sp'))(250); // seg 0, 1 complete; parts 2.0..2.4 served from memory only
  // The crashed process's queued writes reach the disk: segments 0 and 1 indexed, segment 2 reserved.
  await until(() => {
    const lines = indexLines(join(dataDir, 'media', 'sp'));
    return lines.some((l) => 'parts' in l && l.msn === 1) && lines.some((l) => 'reserve' in l && l.reserve.msn === 2);
  }, 'the crashed origin\'s index on disk');
  // (no close(): the process "died")

  const next = createAudience({ ...SEGMENTS_OF_TEN_200_MS_PARTS, dataDir, fsync: false });
  const app = await buildAudienceApp(next);
  t.after(async () => {
    await app.close();
    await next.close();
    await crashed.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const push = pusher(next.begin('sp'));
  push(110); // a complete segment and the next one's first part: the playlist never ends on a segment
  const p = parsePlaylist((await app.inject('/hls/sp/audio.m3u8')).body);
  // msns are positional in a playlist: with msn 2 burnt, the live window starts afresh at 3.
  assert.equal(p.mediaSequence, 3);
  assert.deepEqual(p.segments.map((s) => s.uri), ['seg-3.m4s']);
  assert.equal(p.segments[0]!.discontinuity, true);
  assert.equal((await app.inject('/hls/sp/seg-2.m4s')).statusCode, 404, 'msn 2 is burnt');

  // The Space ends: the replay has a DISCONTINUITY where the origin restarted.
  next.begin('sp'); // begin again in the same process: one more discontinuity
  const push2 = pusher(next.begin('sp'));
  push2(110);
  const vod = parsePlaylist((await app.inject('/hls/sp/audio.m3u8')).body);
  assert.ok(vod.segments.filter((s) => s.discontinuity).length >= 2);
});

test('retention: purgeExpired deletes recordings ended before the horizon; deleteRecording deletes files', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-retention-'));
  const audience = createAudience({ ...SEGMENTS_OF_TEN_200_MS_PARTS, dataDir, fsync: false, retentionDays: 30 });
  t.after(async () => {
    await audience.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  for (const id of ['old', 'kept']) {
    const sink = audience.begin(id);
    pusher(sink)(150);
    sink.end();
  }
  const live = audience.begin('live');
  pusher(live)(150);
  // Ending writes the recording in the background: wait for both replays to exist.
  await until(async () => (await audience.hasReplay('old')) && (await audience.hasReplay('kept')), 'both replays written');
  assert.deepEqual(await audience.purgeExpired(Date.now()), []);
  const later = Date.now() + 31 * 86_400_000;
  const purged = await audience.purgeExpired(later);
  assert.deepEqual(purged.sort(), ['kept', 'old'], 'both ended more than 30 days before "later"; live ones stay');
  assert.ok(!existsSync(join(dataDir, 'media', 'old')));
  assert.ok(!(await audience.hasReplay('old')));
  assert.ok(audience.isLive('live'));
  await audience.deleteRecording('live');
  assert.ok(!audience.isLive('live'));
  assert.deepEqual(readdirSync(join(dataDir, 'media')), []);
  await audience.deleteRecording('never-existed');
});
