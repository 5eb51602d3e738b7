import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAudience, type Audience } from '../../src/audience/index.js';
import { OPUS_SILENCE } from '../../src/audience/live-stream.js';
import { buildAudienceApp, SEGMENTS_OF_TEN_200_MS_PARTS } from '../helpers/audience-app.js';
import { parsePlaylist } from '../helpers/hls-playlist.js';
import { until } from '../helpers/cluster-engines.js';

/**
 * An origin that hands a live Space over (a drain, a lost lease, a standby stepping down) must not tell
 * a waiting player the stream ended: a blocking reload or a preload-hinted part held at that moment is
 * redirected to its own URL, which the edge now sends to the origin running the Space. Before, the held
 * reload was answered at once with the last playlist and EXT-X-ENDLIST, and the player stopped.
 */
async function liveAudience(t: { after: (fn: () => Promise<void>) => void }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-handover-'));
  const audience: Audience = createAudience({ ...SEGMENTS_OF_TEN_200_MS_PARTS, dataDir, fsync: false });
  const app = await buildAudienceApp(audience);
  t.after(async () => { await app.close(); await audience.close(); rmSync(dataDir, { recursive: true, force: true }); });
  const sink = audience.begin('sp');
  for (let i = 0; i < 130; i++) sink.push({ opus: OPUS_SILENCE, pts: i * 960, wallClock: Date.now() });
  const list = parsePlaylist((await app.inject('/hls/sp/audio.m3u8')).body);
  const next = /part-(\d+)\.(\d+)\.m4s/.exec(list.preloadHint!)!;
  return { audience, app, msn: Number(next[1]), part: Number(next[2]) };
}

for (const how of ['handOverFollowed', 'handOver'] as const) {
  test(`${how}: a held reload and a held part are sent to the same URL again, never told the stream ended`, async (t) => {
    const { audience, app, msn, part } = await liveAudience(t);
    const reloadUrl = `/hls/sp/audio.m3u8?_HLS_msn=${msn}&_HLS_part=${part}`;
    const partUrl = `/hls/sp/part-${msn}.${part}.m4s`;
    const reload = app.inject(reloadUrl);
    const heldPart = app.inject(partUrl);
    assert.ok(await until(() => audience.stats().blockingWaiting === 2, 5_000, 5), 'both requests are held');
    await audience[how]('sp');
    for (const [res, url] of [[await reload, reloadUrl], [await heldPart, partUrl]] as const) {
      assert.equal(res.statusCode, 307, `${url}: ${res.body}`);
      assert.equal(res.headers.location, url);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(JSON.parse(res.body).error.code, 'MEDIA_MOVED');
    }
    // Asked afresh: this origin has no playlist to give, and none says EXT-X-ENDLIST.
    const after = await app.inject('/hls/sp/audio.m3u8');
    assert.ok(!after.body.includes('#EXT-X-ENDLIST'), after.body);
    assert.notEqual(after.statusCode, 200, after.body);
  });
}
