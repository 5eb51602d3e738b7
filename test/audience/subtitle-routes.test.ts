import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { createAudience, subtitleRoutes } from '../../src/audience/index.js';
import { isTribuneError } from '../../src/errors/catalogue.js';
import { OPUS_SILENCE } from '../../src/audience/live-stream.js';
import { SEGMENTS_OF_TEN_200_MS_PARTS } from '../helpers/audience-app.js';

/** The captions routes over a real audience plane, fed silent program frames (no clocks involved). */
test('captions routes: the rendition follows the audio segments, blocking reload, validation, cache headers', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-subroutes-'));
  const audience = createAudience({ ...SEGMENTS_OF_TEN_200_MS_PARTS, dataDir, fsync: false });
  const app = Fastify({ logger: false });
  app.setErrorHandler((err, _req, reply) => (isTribuneError(err) ? reply.code(err.status).send(err.toJSON()) : reply.code(500).send({ error: { code: 'INTERNAL' } })));
  await app.register(async (scope) => subtitleRoutes(scope, { subtitles: audience.subtitles, targetDuration: 2 }));
  await app.ready();
  t.after(async () => {
    await app.close();
    await audience.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const id = 'sp_subtitles01';
  const sink = audience.begin(id);
  const captions = audience.captions(id, 'en');
  const t0 = 1_700_000_000_000;
  let frame = 0;
  const pushSeconds = (seconds: number): void => {
    for (let i = 0; i < seconds * 50; i++, frame++) sink.push({ opus: OPUS_SILENCE, pts: frame * 960, wallClock: t0 + frame * 20 });
  };
  const get = (url: string) => app.inject({ method: 'GET', url });

  assert.equal((await get(`/hls/${id}/captions/live.m3u8`)).statusCode, 404, 'no segment yet');
  pushSeconds(1);
  captions.push({ speakerId: 'p1', speaker: 'Ann', text: 'good evening', start: t0 + 200, end: t0 + 900, words: [] });
  pushSeconds(1.2); // segment 0 and the first part of segment 1: the audio lists segment 0 whole
  assert.match(await audience.multivariantPlaylist(id), /#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="captions",NAME="English \(auto\)",LANGUAGE="en"/);

  const live = await get(`/hls/${id}/captions/live.m3u8`);
  assert.equal(live.statusCode, 200);
  assert.equal(live.headers['cache-control'], 'public, max-age=1');
  assert.match(live.body, /#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES/);
  assert.match(live.body, /#EXT-X-MEDIA-SEQUENCE:0\n/);
  assert.match(live.body, /#EXTINF:2\.000,\nseg-0\.vtt/);
  const seg0 = await get(`/hls/${id}/captions/seg-0.vtt`);
  assert.equal(seg0.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(String(seg0.headers['content-type']), /^text\/vtt/);
  assert.match(seg0.body, /^WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00\.000\n\n00:00:00\.200 --> 00:00:02\.700\n<v Ann>good evening\n$/);

  // A blocking reload for the next segment is held until the audio closes it.
  const held = get(`/hls/${id}/captions/live.m3u8?_HLS_msn=1`);
  let answered = false;
  void held.then(() => { answered = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(answered, false, 'held while segment 1 does not exist');
  pushSeconds(2);
  const reload = await held;
  assert.equal(reload.statusCode, 200);
  assert.match(reload.headers['cache-control'] as string, /max-age=6/);
  assert.match(reload.body, /seg-1\.vtt/);
  assert.match((await get(`/hls/${id}/captions/seg-1.vtt`)).body, /X-TIMESTAMP-MAP=MPEGTS:180000,LOCAL:00:00:02\.000/);

  for (const [url, code] of [
    [`/hls/${id}/captions/live.m3u8?_HLS_msn=9`, 'BLOCKING_REQUEST_TOO_FAR'],
    [`/hls/${id}/captions/live.m3u8?_HLS_msn=x`, 'VALIDATION_FAILED'],
    [`/hls/${id}/captions/live.m3u8?_HLS_part=1`, 'VALIDATION_FAILED'],
    [`/hls/${id}/captions/live.m3u8?other=1`, 'VALIDATION_FAILED'],
    [`/hls/${id}/captions/cues.json?from=-1`, 'VALIDATION_FAILED'],
    [`/hls/${id}/captions/seg-99.vtt`, 'MEDIA_NOT_FOUND'],
    [`/hls/${id}/captions/../../etc.vtt`, undefined],
    [`/hls/${id}/captions/transcript.vtt`, 'REPLAY_NOT_AVAILABLE'],
    [`/hls/bad id/captions/live.m3u8`, 'VALIDATION_FAILED'],
  ] as const) {
    const res = await get(url);
    assert.ok(res.statusCode >= 400, `${url}: ${res.statusCode}`);
    if (code) assert.equal(JSON.parse(res.body).error.code, code, url);
  }

  const cues = JSON.parse((await get(`/hls/${id}/captions/cues.json?from=0`)).body);
  assert.deepEqual(cues.cues.map((c: { text: string }) => c.text), ['good evening']);
  assert.equal(cues.next, 1);
  assert.deepEqual(JSON.parse((await get(`/hls/${id}/captions/cues.json?from=1`)).body).cues, []);

  sink.end();
  const transcript = await get(`/hls/${id}/captions/transcript.txt`);
  assert.equal(transcript.statusCode, 200);
  assert.equal(transcript.body, '[00:00:00] Ann: good evening\n');
  assert.match(transcript.headers['content-disposition'] as string, /attachment/);
  const ended = await get(`/hls/${id}/captions/live.m3u8`);
  assert.match(ended.body, /#EXT-X-ENDLIST/);
});
