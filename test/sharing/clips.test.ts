import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { requireProgram } from '../helpers/require-program.js';

/** ffprobe's reading of an audio file: container duration and the codec of its stream. */
function probe(file: string): { duration: number; codec: string } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { format: { duration: string }; streams: Array<{ codec_name: string }> };
  return { duration: Number(json.format.duration), codec: json.streams[0]!.codec_name };
}

/** Decodes the whole file: a clip whose packets were cut wrongly fails here, not only in a player. */
function decodes(file: string): boolean {
  return spawnSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' }).status === 0;
}

describe('clips: cut from the recorded segments, deleted with the recording', { skip: !requireProgram('ffprobe'), timeout: 60_000 }, () => {
  let server: TestServer;
  let dir: string;
  let host: { token: string };
  let listener: { token: string };
  let spaceId = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tribune-clips-'));
    server = await startTestServer({ server: { media: true } });
    host = await register(server, 'clip_host');
    listener = await register(server, 'clip_listener');
    const { body } = await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Clip me' } });
    spaceId = body.id;
    assert.equal((await server.request('POST', `/api/v1/spaces/${spaceId}/start`, { token: host.token })).status, 200);
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    setTimeout(() => process.exit(), 100).unref();
  });

  async function download(url: string, name: string): Promise<{ file: string; type: string }> {
    const res = await server.app.inject({ url: new URL(url).pathname });
    assert.equal(res.statusCode, 200, res.body);
    const file = join(dir, name);
    writeFileSync(file, res.rawPayload);
    return { file, type: String(res.headers['content-type']) };
  }

  it('a listener clips the last seconds of the live programme', async () => {
    // The programme runs from go-live (silence until someone speaks): wait for 3 s of recorded segments.
    let made: { status: number; body: any } | undefined;
    const end = Date.now() + 20_000;
    while (Date.now() < end) {
      made = await server.request('POST', `/api/v1/spaces/${spaceId}/clips`, { token: listener.token, body: { fromMs: 1000, durationMs: 3000 } });
      if (made.status === 201) break;
      assert.equal(made.body.error.code, 'CLIP_OUT_OF_RANGE', JSON.stringify(made.body));
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(made?.status, 201, JSON.stringify(made?.body));
    assert.deepEqual(Object.keys(made!.body).sort(), ['downloadUrl', 'durationMs', 'fromMs', 'id', 'spaceId', 'url'].sort());
    assert.equal(made!.body.durationMs, 3000);
    assert.match(made!.body.url, new RegExp(`/s/${spaceId}/clips/cl_`));
    const { file, type } = await download(made!.body.downloadUrl, 'live.m4a');
    assert.equal(type, 'audio/mp4');
    const p = probe(file);
    assert.equal(p.codec, 'opus');
    assert.ok(Math.abs(p.duration - 3) < 0.05, `duration ${p.duration}`);
    assert.ok(decodes(file), 'ffmpeg decodes every packet');
  });

  it('from the replay, to the packet (20 ms), with the contract\'s fields; refusals carry catalogue codes', async () => {
    assert.equal((await server.request('POST', `/api/v1/spaces/${spaceId}/end`, { token: host.token })).status, 200);
    const res = await server.request('POST', `/api/v1/spaces/${spaceId}/clips`, { token: listener.token, body: { fromMs: 1230, durationMs: 2500 } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.durationMs, 2500);
    const { file } = await download(res.body.downloadUrl, 'replay.m4a');
    const p = probe(file);
    assert.ok(Math.abs(p.duration - 2.5) < 0.05, `duration ${p.duration}`);
    assert.ok(decodes(file));
    // The replay is an episode of the host's podcast: its enclosure is the single-file recording.
    const feed = await server.app.inject({ url: '/api/v1/profiles/clip_host/feed.rss' });
    assert.equal(feed.statusCode, 200);
    assert.match(feed.body, /xmlns:itunes="http:\/\/www.itunes.com\/dtds\/podcast-1.0.dtd"/);
    const enclosure = /<enclosure [^>]*\/>/.exec(feed.body)?.[0] ?? '';
    const attr = (name: string) => new RegExp(`${name}="([^"]+)"`).exec(enclosure)?.[1];
    assert.equal(attr('type'), 'audio/mp4', feed.body);
    const recording = await server.app.inject({ url: new URL(attr('url')!).pathname });
    assert.equal(recording.statusCode, 200);
    assert.equal(Number(attr('length')), recording.rawPayload.length, 'the enclosure length is the file\'s');
    assert.match(feed.body, /<item>[\s\S]*<title><!\[CDATA\[Clip me\]\]><\/title>[\s\S]*<itunes:duration>[\d:]+<\/itunes:duration>/);
    const ranged = await server.app.inject({ url: new URL(res.body.downloadUrl).pathname, headers: { range: 'bytes=0-99' } });
    assert.equal(ranged.statusCode, 206, 'a media element can read it by ranges');
    assert.equal(ranged.rawPayload.length, 100);
    assert.match(String(ranged.headers['content-range']), /^bytes 0-99\/\d+$/);
    const info = await server.request('GET', `/api/v1/spaces/${spaceId}/clips/${res.body.id}`);
    assert.equal(info.status, 200);
    assert.equal(info.body.downloadUrl, res.body.downloadUrl);

    const refusals: Array<[unknown, string | undefined, string]> = [
      [{ fromMs: 0, durationMs: 61_000 }, listener.token, 'VALIDATION_FAILED'],
      [{ fromMs: 0, durationMs: 500 }, listener.token, 'VALIDATION_FAILED'],
      [{ fromMs: -1, durationMs: 2000 }, listener.token, 'VALIDATION_FAILED'],
      [{ fromMs: 0, durationMs: 2000, title: 'x' }, listener.token, 'VALIDATION_FAILED'],
      [{ fromMs: 3_600_000, durationMs: 2000 }, listener.token, 'CLIP_OUT_OF_RANGE'],
      [{ fromMs: 0, durationMs: 2000 }, undefined, 'AUTH_REQUIRED'],
    ];
    for (const [body, token, code] of refusals) {
      const r = await server.request('POST', `/api/v1/spaces/${spaceId}/clips`, { body, ...(token ? { token } : {}) });
      assert.equal(r.body.error?.code, code, JSON.stringify(body));
    }
  });

  it('deleting the recording deletes its clips', async () => {
    const res = await server.request('POST', `/api/v1/spaces/${spaceId}/clips`, { token: listener.token, body: { fromMs: 0, durationMs: 1000 } });
    assert.equal(res.status, 201);
    assert.equal((await server.request('DELETE', `/api/v1/spaces/${spaceId}/recording`, { token: host.token })).status, 204);
    const gone = await server.app.inject({ url: new URL(res.body.downloadUrl).pathname });
    assert.equal(gone.statusCode, 404);
    assert.equal(JSON.parse(gone.body).error.code, 'CLIP_NOT_FOUND');
    assert.equal((await server.request('GET', `/api/v1/spaces/${spaceId}/clips/${res.body.id}`)).body.error.code, 'CLIP_NOT_FOUND');
  });
});
