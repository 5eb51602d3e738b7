import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createAudience, DiskRecordingStore, SharedRecordingStore, type RecordingStore } from '../../src/audience/index.js';
import { OPUS_SILENCE } from '../../src/audience/live-stream.js';
import type { SegmentRecord } from '../../src/audience/recording.js';
import type { ProgramSink } from '../../src/media/types.js';
import { createPostgresStore, type PostgresRecordings } from '../../src/store/postgres/index.js';
import type { Store } from '../../src/store/store.js';
import { POSTGRES_URL, dropSchemas, uniqueName, until } from '../helpers/cluster-engines.js';
import { FULL_FIRST_SEGMENT } from '../helpers/audience-app.js';
import { parsePlaylist } from '../helpers/hls-playlist.js';

/**
 * The RecordingStore contract, on this origin's disk (the embedded default) and on PostgreSQL (cluster
 * mode): what one origin wrote, another reads (on disk: the same origin after a restart); a stream
 * continues after everything stored or reserved; clips go with the recording; retention lists it.
 */

const dirs: string[] = [];
const schemas: string[] = [];
const stores: Store[] = [];
after(async () => {
  for (const s of stores) await s.close();
  await dropSchemas(schemas);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tempDir = (kind: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `tribune-${kind}-`));
  dirs.push(dir);
  return dir;
};

async function rows(): Promise<PostgresRecordings> {
  const schema = uniqueName('rec');
  schemas.push(schema);
  const store = await createPostgresStore({ url: POSTGRES_URL, schema });
  stores.push(store);
  return store.recordings;
}

interface Fixture {
  readonly name: string;
  /** Two origins of one deployment (on disk: one origin before and after a restart), with a settable clock. */
  pair(): Promise<{ a: RecordingStore; b: () => RecordingStore; advance: (ms: number) => void }>;
}

const fixtures: Fixture[] = [
  {
    name: 'disk',
    async pair() {
      const mediaDir = join(tempDir('recdisk'), 'media');
      return { a: new DiskRecordingStore(mediaDir, false), b: () => new DiskRecordingStore(mediaDir, false), advance: () => {} };
    },
  },
  {
    name: 'postgres',
    async pair() {
      const shared = await rows();
      let now = 1_000_000;
      const clock = () => now;
      return {
        a: new SharedRecordingStore(shared, clock),
        b: () => new SharedRecordingStore(shared, clock),
        advance: (ms) => { now += ms; },
      };
    },
  },
];

const TICKS = 96_000; // 2 s at 48 kHz
const seg = (msn: number, discontinuity = false): SegmentRecord => ({
  msn, decodeTime: msn * TICKS, duration: TICKS, programDateTime: 1_700_000_000_000 + msn * 2000, discontinuity, bytes: 5, parts: 10,
});
const bytesOf = (msn: number): Buffer => Buffer.from(`seg-${msn}`.padEnd(5, '.'));
const reservation = (msn: number) => ({ msn, decodeTime: msn * TICKS, fragmentSequence: 1 + msn * 10, maxDuration: TICKS, maxFragments: 10 });
const INIT = Buffer.from('init-segment-bytes');

for (const fixture of fixtures) {
  describe(`recording store: ${fixture.name}`, () => {
    test('written by one origin, read and continued by the next; late writes of the first never undo it', async () => {
      const { a, b } = await fixture.pair();
      assert.equal(await a.find('sp'), undefined, 'nothing before the first write');
      await a.prepare('sp');
      const first = a.open('sp');
      assert.equal(first.resumePoint(), undefined);
      first.start(INIT);
      for (const msn of [0, 1]) {
        first.reserve(reservation(msn));
        first.appendSegment(seg(msn), bytesOf(msn));
      }
      await first.cueLog.append('{"language":"fr"}\n');
      await first.cueLog.append('{"seq":0}\n');
      // The origin dies while segment 2 is being made: its parts were served, its number is burnt.
      first.reserve(reservation(2));
      await first.flush();

      const other = b();
      const seen = await other.find('sp');
      assert.ok(seen);
      assert.deepEqual(seen.segments.map((s) => s.msn), [0, 1]);
      assert.deepEqual(seen.segments[1], { ...seg(1), bytes: bytesOf(1).length });
      assert.equal(seen.endedAt, null, 'not ended: no replay yet');
      assert.deepEqual(await seen.readSegment(1), bytesOf(1));
      assert.deepEqual(await seen.readInit(), INIT);
      assert.equal(seen.cueLog.read(), '{"language":"fr"}\n{"seq":0}\n', 'the caption cue log is kept with the recording');

      await other.prepare('sp');
      const second = other.open('sp');
      assert.deepEqual(second.resumePoint(), { msn: 3, decodeTime: 3 * TICKS, fragmentSequence: 31 }, 'after everything stored or reserved');
      second.start(INIT);
      second.reserve(reservation(3));
      second.appendSegment(seg(3, true), bytesOf(3));
      second.markEnded(1_700_000_100_000);
      await second.flush();

      if (fixture.name === 'postgres') {
        // The first origin was only cut off: what it still sends never replaces the new holder's rows.
        first.appendSegment(seg(3), Buffer.from('stale'));
        first.reserve(reservation(1));
        await first.flush();
      }
      const third = b();
      const replay = await third.find('sp');
      assert.ok(replay);
      assert.deepEqual(replay.segments.map((s) => [s.msn, s.discontinuity]), [[0, false], [1, false], [3, true]]);
      assert.equal(replay.endedAt, 1_700_000_100_000);
      assert.deepEqual(await replay.readSegment(3), bytesOf(3));
      assert.equal(replay.reserved?.msn, 3);
    });

    test('clips go with the recording; retention lists it; delete removes it everywhere', async () => {
      const { a, b, advance } = await fixture.pair();
      await a.prepare('sp2');
      const rec = a.open('sp2');
      rec.start(INIT);
      rec.appendSegment(seg(0), bytesOf(0));
      rec.markEnded(1_700_000_000_000);
      await rec.flush();
      await rec.saveClip('cl_abcdefghijkl', '{"id":"cl_abcdefghijkl"}', Buffer.from('clip'));

      const other = b();
      const clip = await (await other.find('sp2'))!.loadClip('cl_abcdefghijkl');
      assert.ok(clip);
      assert.equal(clip.info, '{"id":"cl_abcdefghijkl"}');
      assert.deepEqual(await clip.data(), Buffer.from('clip'));
      assert.equal(await (await other.find('sp2'))!.loadClip('cl_nonexistent'), undefined);
      assert.deepEqual(await other.list(), [{ spaceId: 'sp2', endedAt: 1_700_000_000_000 }]);

      await a.delete('sp2');
      assert.equal(await a.find('sp2'), undefined);
      assert.equal(await b().find('sp2'), undefined);
      assert.deepEqual(await other.list(), []);
      if (fixture.name === 'postgres') {
        advance(60_000); // past what an origin trusts of what it read a moment ago
        assert.equal(await other.find('sp2'), undefined, 'gone for the origin that had read it too');
      }
    });
  });
}

function pusher(sink: ProgramSink, startPts = 0): (n: number) => void {
  let pts = startPts;
  return (n) => {
    for (let i = 0; i < n; i++, pts += 960) sink.push({ opus: OPUS_SILENCE, pts, wallClock: Date.now() });
  };
}

test('three origins on one PostgreSQL: a Space killed on one continues on another; the third, which never ran it, serves one replay', async () => {
  const shared = await rows();
  const origin = (name: string) => createAudience({ ...FULL_FIRST_SEGMENT, dataDir: tempDir(name), fsync: false },
    new SharedRecordingStore(shared));
  const [o1, o2, o3] = [origin('o1'), origin('o2'), origin('o3')];

  const cue = (text: string) => ({ speakerId: 'p1', speaker: 'Léa', text, start: Date.now(), end: Date.now() + 500, words: [] });
  await o1.prepare('moving');
  pusher(o1.begin('moving'))(345); // 3 segments and 45 frames of a fourth
  o1.captions('moving', 'fr').push(cue('avant'));
  await o1.subtitles.flush();
  await o1.flushRecording('moving');
  // kill -9: o1 writes nothing more; its open segment (msn 3) is burnt.

  await o2.prepare('moving');
  const sink = o2.begin('moving');
  pusher(sink, 10_000 * 960)(250);
  o2.captions('moving', 'fr').push(cue('après'));
  sink.end();
  await o2.subtitles.flush();
  await o2.flushRecording('moving');

  assert.ok(await o3.hasReplay('moving'));
  const playlist = parsePlaylist(await o3.replayPlaylist('moving'));
  assert.deepEqual(playlist.segments.map((s) => [s.uri, s.discontinuity]),
    [['seg-0.m4s', false], ['seg-1.m4s', false], ['seg-2.m4s', false], ['seg-4.m4s', true], ['seg-5.m4s', false], ['seg-6.m4s', false]]);
  for (const s of playlist.segments) {
    const segment = await o3.segment('moving', Number(/\d+/.exec(s.uri)![0]));
    assert.ok(Buffer.isBuffer(segment) && segment.length > 0, `${s.uri} is on disk, whole`);
  }
  await o3.subtitles.load('moving');
  assert.deepEqual(o3.subtitles.transcript('moving').map((l) => [l.seq, l.text]), [[0, 'avant'], [1, 'après']], 'one transcript across the move');
  const download = await o3.recording('moving');
  let bytes = 0;
  for await (const chunk of download.stream()) bytes += (chunk as Buffer).length;
  assert.equal(bytes, download.size, 'the .m4a download (the podcast enclosure) streams from the shared store');
  const clip = await o3.makeClip('moving', 1000, 3000);
  assert.equal((await o1.clip('moving', clip.id)).info.durationMs, 3000, 'a clip cut on one origin is served by another');

  // Retention runs on the shared rows: one origin's purge removes the replay for every origin.
  assert.deepEqual(await o3.purgeExpired(Date.now() + 29 * 86_400_000), [], 'not yet expired');
  assert.deepEqual(await o3.purgeExpired(Date.now() + 31 * 86_400_000), ['moving']);
  assert.ok(!(await o3.hasReplay('moving')));
  assert.ok(await until(async () => !(await o2.hasReplay('moving')), 5_000, 100), 'another origin stops offering it within its read cache');
  // o1 was killed: it never closes (closing would flush its open segment).
  for (const o of [o2, o3]) await o.close();
});

test('a hand-over (a drain) does not end the recording, and the next origin continues it without a hole', async () => {
  const shared = await rows();
  const origin = (name: string) => createAudience({ ...FULL_FIRST_SEGMENT, dataDir: tempDir(name), fsync: false }, new SharedRecordingStore(shared));
  const [h1, h2, h3] = [origin('h1'), origin('h2'), origin('h3')];
  await h1.prepare('handed');
  const first = h1.begin('handed');
  pusher(first)(230); // 2 segments and 30 frames of a third
  await h1.handOver('handed');
  first.end(); // what the stage's close does next: it must not end the recording
  await h1.flushRecording('handed');
  assert.equal(await h3.hasReplay('handed'), false, 'handed over, not ended');

  await h2.prepare('handed');
  const second = h2.begin('handed');
  pusher(second, 10_000 * 960)(200);
  second.end();
  await h2.flushRecording('handed');
  const replay = parsePlaylist(await h3.replayPlaylist('handed'));
  assert.deepEqual(replay.segments.map((s) => [s.uri, s.discontinuity]),
    [['seg-0.m4s', false], ['seg-1.m4s', false], ['seg-2.m4s', false], ['seg-3.m4s', true], ['seg-4.m4s', false]],
    'the open segment was completed and stored before the next origin began: no number burnt');
  for (const o of [h1, h2, h3]) await o.close();
});
