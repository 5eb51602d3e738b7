import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAudience } from '../../src/audience/index.js';
import { buildAudienceApp } from '../helpers/audience-app.js';
import { requireProgram } from '../helpers/require-program.js';
import { bestCorrelation, encodeProgram, envelope, pushRealtime, readPcm, speechPcm } from '../helpers/speech-program.js';

const TEXT = 'Good evening and welcome to Tribune. Tonight we talk about live audio at national scale. '
  + 'Questions from the audience come later; first, the numbers.';

function ffmpegToPcm(input: string, out: string, extra: string[] = []): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-nostdin', '-v', 'warning', ...extra, '-i', input, '-f', 's16le', '-ac', '1', '-ar', '48000', '-y', out]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stderr }); });
  });
}

const haveTools = requireProgram('ffmpeg') && requireProgram('espeak-ng');

test('ffmpeg plays the LIVE playlist while frames are pushed, then the replay; audio matches the source', { skip: !haveTools, timeout: 60_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-audience-'));
  const audience = createAudience({ dataDir });
  const app = await buildAudienceApp(audience);
  t.after(async () => {
    await app.close();
    await audience.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const base = `http://127.0.0.1:${port}/hls/space-1`;

  const pcm = speechPcm(TEXT);
  const frames = encodeProgram(pcm);
  const source = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);

  // Before the first frame: the playlist is not ready (404, short cache).
  const before = await fetch(`${base}/index.m3u8`);
  assert.equal(before.status, 404);
  assert.equal(((await before.json()) as { error: { code: string } }).error.code, 'PLAYLIST_NOT_READY');
  assert.match(before.headers.get('cache-control') ?? '', /max-age=1/);

  const sink = audience.begin('space-1');
  const pushing = pushRealtime(sink, frames);
  // Go live in about a second: the short first segment and the next part.
  const t0 = Date.now();
  let ready = false;
  while (!ready && Date.now() - t0 < 3000) {
    ready = (await fetch(`${base}/audio.m3u8`)).ok;
    if (!ready) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(ready, 'playlist ready');
  assert.ok(Date.now() - t0 < 1500, `first playlist within about a second (took ${Date.now() - t0} ms)`);

  // ffmpeg's HLS demuxer is not LL-HLS aware (it ignores parts) and gives up on a playlist without a
  // full segment, so it starts once the first segment is complete; -live_start_index 0 from seg 0.
  while (!/#EXTINF/.test(await (await fetch(`${base}/audio.m3u8`)).text())) await new Promise((r) => setTimeout(r, 50));
  const livePcm = join(dataDir, 'live.pcm');
  const live = ffmpegToPcm(`${base}/index.m3u8`, livePcm, ['-live_start_index', '0']);
  await pushing;
  sink.end();
  const liveResult = await live;
  assert.equal(liveResult.code, 0, liveResult.stderr);

  const check = (path: string, label: string): void => {
    const decoded = readPcm(path);
    // No gaps: every frame decoded (pre-skip trimmed by the edit list, a frame of slack).
    assert.ok(Math.abs(decoded.length - source.length) <= 312 + 960, `${label}: ${decoded.length} samples vs ${source.length}`);
    const { r, lag } = bestCorrelation(envelope(source), envelope(decoded), 10);
    assert.ok(r > 0.9, `${label}: envelope correlation ${r.toFixed(3)} at lag ${lag}`);
    t.diagnostic(`${label}: ${decoded.length} samples, envelope r=${r.toFixed(3)} lag=${lag}`);
  };
  check(livePcm, 'live');

  // Replay: VOD at once.
  const replay = await fetch(`${base}/replay.m3u8`);
  assert.equal(replay.status, 200);
  const text = await replay.text();
  assert.match(text, /#EXT-X-PLAYLIST-TYPE:VOD/);
  assert.match(text, /#EXT-X-ENDLIST/);
  const replayPcm = join(dataDir, 'replay.pcm');
  const replayResult = await ffmpegToPcm(`${base}/replay.m3u8`, replayPcm);
  assert.equal(replayResult.code, 0, replayResult.stderr);
  check(replayPcm, 'replay');

  // The single-file download.
  const m4a = await fetch(`${base}/recording.m4a`);
  assert.equal(m4a.status, 200);
  const file = join(dataDir, 'download.m4a');
  writeFileSync(file, Buffer.from(await m4a.arrayBuffer()));
  assert.equal(statSync(file).size, Number(m4a.headers.get('content-length')));
  const dlPcm = join(dataDir, 'download.pcm');
  const dl = await ffmpegToPcm(file, dlPcm);
  assert.equal(dl.code, 0, dl.stderr);
  check(dlPcm, 'download');
});
