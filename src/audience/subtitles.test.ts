import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderMultivariantPlaylist } from './playlist.js';
import { renderVttSegment, vttTime } from './webvtt.js';
import { CaptionTrack, CAPTIONS_FILE, fileCueLog } from './caption-track.js';
import { Subtitles } from './subtitles.js';
import type { SegmentRecord } from './recording.js';

const seg = (msn: number, pdt: number): SegmentRecord => ({
  msn, decodeTime: msn * 96_000, duration: 96_000, programDateTime: pdt, discontinuity: false, bytes: 1, parts: 10,
});

test('WebVTT: times, the timestamp map, blank lines between cues, escaped text and voices', () => {
  assert.equal(vttTime(3725.5), '01:02:05.500');
  const body = renderVttSegment([
    { start: 4, end: 6.5, speaker: 'Ann <the host> & co', text: 'a < b & c > d' },
    { start: 5, end: 7, speaker: '', text: 'second' },
  ], { mpegts: 360_000, localStart: 4 });
  assert.equal(body, 'WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:360000,LOCAL:00:00:04.000\n\n'
    + '00:00:04.000 --> 00:00:06.500\n<v Ann &lt;the host&gt; &amp; co>a &lt; b &amp; c &gt; d\n\n'
    + '00:00:05.000 --> 00:00:07.000\nsecond\n');
});

test('the multivariant playlist names the subtitles rendition only when there is one', () => {
  const plain = renderMultivariantPlaylist({ peak: 48_000, average: 40_000 });
  assert.doesNotMatch(plain, /SUBTITLES/);
  const withSubs = renderMultivariantPlaylist({ peak: 48_000, average: 40_000 }, 'audio.m3u8', { language: 'en', name: 'English (auto)', uri: 'captions/live.m3u8' });
  const lines = withSubs.split('\n');
  const media = lines.findIndex((l) => l.startsWith('#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="captions"'));
  const inf = lines.findIndex((l) => l.startsWith('#EXT-X-STREAM-INF:'));
  assert.ok(media >= 0 && media < inf, 'EXT-X-MEDIA comes before the variant');
  assert.match(lines[media]!, /LANGUAGE="en".*URI="captions\/live\.m3u8"/);
  assert.match(lines[inf]!, /,SUBTITLES="captions"$/);
  assert.equal(withSubs.replace(/^#EXT-X-MEDIA.*\n/m, '').replace(',SUBTITLES="captions"', ''), plain, 'otherwise the same playlist');
});

test('a caption track: segment m holds the cues final before the audio closed it, on the audio timeline; it waits, stores, and stops when deleted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tribune-captions-'));
  try {
    const t0 = 1_700_000_000_000;
    const track = new CaptionTrack(dir, 'en', 3);
    track.segmentClosed(seg(0, t0));
    const waiting = track.waitFor(1, 5_000);
    // Spoken from 1.5 s to 3.1 s, final once segment 0 was out: lands in segment 1, from its start.
    track.push({ speakerId: 'p1', speaker: 'Ann', text: 'hello there', start: t0 + 1_500, end: t0 + 3_100, words: [{ word: 'hello', start: t0 + 1_500, end: t0 + 2_000 }, { word: 'there', start: t0 + 2_100, end: t0 + 3_100 }] });
    track.segmentClosed(seg(1, t0 + 2_000));
    assert.equal(await waiting, true);
    const body = track.segment(1)!;
    assert.match(body, /X-TIMESTAMP-MAP=MPEGTS:180000,LOCAL:00:00:02\.000/);
    assert.match(body, /00:00:02\.000 --> 00:00:04\.500\n<v Ann>hello there/);
    assert.doesNotMatch(track.segment(0)!, /-->/);
    for (let m = 2; m < 6; m++) track.segmentClosed(seg(m, t0 + m * 2_000));
    assert.deepEqual(track.window.map((s) => s.msn), [3, 4, 5], 'the live window');
    assert.equal(await track.waitFor(9, 50), false, 'a wait ends at its timeout');
    await track.flush();
    const lines = readFileSync(join(dir, CAPTIONS_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines[0], { language: 'en' });
    assert.equal(lines[1].text, 'hello there');
    assert.deepEqual(lines[1].words[1], ['there', t0 + 2_100, t0 + 3_100]);

    rmSync(dir, { recursive: true, force: true });
    track.delete();
    track.push({ speakerId: 'p1', speaker: 'Ann', text: 'after', start: t0, end: t0 + 1, words: [] });
    await track.flush();
    assert.equal(existsSync(dir), false, 'a deleted recording is not brought back by captions');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two speakers at once: cues become final out of order, segments and the transcript list them by start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tribune-captions-'));
  try {
    const subtitles = new Subtitles({
      mediaDir: dir, bandwidth: { peak: 48_000, average: 40_000 }, liveWindowSegments: 3, targetDuration: 2, blockingTimeoutMs: 1_000,
      recording: () => ({ cueLog: fileCueLog(join(dir, 'sp')), segments: [seg(0, 1_000), seg(1, 3_000)], replay: true }),
      find: async () => undefined,
    });
    mkdirSync(join(dir, 'sp'));
    const sink = subtitles.sink('sp', 'en');
    subtitles.segmentClosed('sp', seg(0, 1_000));
    sink.push({ speakerId: 'b', speaker: 'B', text: 'short and late', start: 2_400, end: 2_900, words: [] });
    sink.push({ speakerId: 'a', speaker: 'A', text: 'a long sentence that started first', start: 1_200, end: 3_100, words: [] });
    subtitles.segmentClosed('sp', seg(1, 3_000));
    subtitles.ended('sp');
    assert.deepEqual(subtitles.transcript('sp').map((l) => l.speaker), ['A', 'B']);
    const body = subtitles.liveSegment('sp', 1);
    assert.ok(body.indexOf('<v A>') < body.indexOf('<v B>'), body);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a restarted origin continues the cue log of the Space', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tribune-captions-'));
  try {
    mkdirSync(dir, { recursive: true });
    const first = new CaptionTrack(dir, 'en', 3);
    first.push({ speakerId: 'p', speaker: 'A', text: 'one', start: 1, end: 2, words: [] });
    await first.flush();
    const second = new CaptionTrack(dir, 'en', 3);
    second.push({ speakerId: 'p', speaker: 'A', text: 'two', start: 3, end: 4, words: [] });
    await second.flush();
    assert.deepEqual(second.cues.map((c) => [c.seq, c.text]), [[0, 'one'], [1, 'two']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the last utterance, final after the Space ended, still reaches the transcript', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tribune-captions-'));
  try {
    const track = new CaptionTrack(dir, 'en', 3);
    track.segmentClosed(seg(0, 1_000));
    track.end();
    track.push({ speakerId: 'p', speaker: 'A', text: 'goodnight', start: 1_500, end: 2_000, words: [] });
    await track.flush();
    assert.deepEqual(track.cues.map((c) => c.text), ['goodnight']);
    assert.match(readFileSync(join(dir, CAPTIONS_FILE), 'utf8'), /goodnight/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
