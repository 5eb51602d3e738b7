import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createAudience } from '../../src/audience/index.js';
import { OPUS_SILENCE } from '../../src/audience/live-stream.js';
import { buildAudienceApp } from '../helpers/audience-app.js';

test('playlists are served compressed to clients that accept it, the same bytes for every player of a version, with Vary', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-compress-'));
  const audience = createAudience({ dataDir, fsync: false });
  const app = await buildAudienceApp(audience);
  t.after(async () => { await app.close(); await audience.close(); rmSync(dataDir, { recursive: true, force: true }); });
  const sink = audience.begin('sp');
  for (let i = 0, pts = 0; i < 1_000; i++, pts += 960) sink.push({ opus: OPUS_SILENCE, pts, wallClock: Date.UTC(2026, 0, 1) + pts / 48 });

  for (const url of ['/hls/sp/audio.m3u8', '/hls/sp/audio.m3u8?_HLS_msn=10&_HLS_part=0', '/hls/sp/index.m3u8']) {
    const plain = await app.inject({ url });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers.vary, 'Accept-Encoding');
    const br = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), plain.body);
    const gz = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString(), plain.body);
    const refused = await app.inject({ url, headers: { 'accept-encoding': 'br;q=0, gzip;q=0' } });
    assert.equal(refused.headers['content-encoding'], undefined);
    if (url === '/hls/sp/audio.m3u8') {
      assert.ok(br.rawPayload.length * 4 < plain.rawPayload.length, `the live playlist shrinks (${plain.rawPayload.length} -> ${br.rawPayload.length} bytes)`);
      const again = await app.inject({ url, headers: { 'accept-encoding': 'br' } });
      assert.ok(again.rawPayload.equals(br.rawPayload), 'one version, one set of bytes');
    }
  }
});
