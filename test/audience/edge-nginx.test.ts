import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { brotliDecompressSync } from 'node:zlib';
import { WebSocket, WebSocketServer } from 'ws';
import { createAudience } from '../../src/audience/index.js';
import { buildAudienceApp, FULL_FIRST_SEGMENT, SEGMENTS_OF_TEN_200_MS_PARTS } from '../helpers/audience-app.js';
import { requireProgram } from '../helpers/require-program.js';
import { startEdge } from '../helpers/nginx-edge.js';
import { runListener } from '../helpers/ll-hls-listener.js';
import { encodeProgram, pushRealtime, speechPcm } from '../helpers/speech-program.js';

const LISTENERS = 200;

const haveTools = requireProgram('nginx') && requireProgram('espeak-ng');

test('200 LL-HLS listeners through a real nginx edge: about one origin request per part, every part to every listener', { skip: !haveTools, timeout: 60_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-edge-origin-'));
  const audience = createAudience({ ...SEGMENTS_OF_TEN_200_MS_PARTS, dataDir, fsync: false });
  // Two origins serving the same Space (the redundancy the upstream block is for).
  const originA = await buildAudienceApp(audience);
  const originB = await buildAudienceApp(audience);
  await originA.listen({ host: '127.0.0.1', port: 0 });
  await originB.listen({ host: '127.0.0.1', port: 0 });
  const portOf = (app: typeof originA): number => (app.server.address() as { port: number }).port;
  const seen = { part: 0, blocking: 0, playlist: 0, other: 0, b: 0 };
  const count = (req: IncomingMessage): void => {
    const url = req.url ?? '';
    if (url.includes('/part-')) seen.part++;
    else if (url.includes('_HLS_msn')) seen.blocking++;
    else if (url.includes('.m3u8')) seen.playlist++;
    else seen.other++;
  };
  originA.server.on('request', count);
  originB.server.on('request', (req: IncomingMessage) => { seen.b++; count(req); });
  let edge: Awaited<ReturnType<typeof startEdge>> | undefined;
  t.after(async () => {
    await edge?.stop();
    await originA.close();
    await originB.close();
    await audience.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  edge = await startEdge({ primary: `127.0.0.1:${portOf(originA)}`, secondary: `127.0.0.1:${portOf(originB)}` });
  const base = `http://127.0.0.1:${edge.port}/hls/edge-space`;

  // Control API and WebSocket paths pass through uncached.
  const api = await fetch(`http://127.0.0.1:${edge.port}/api/v1/anything`);
  assert.equal(api.status, 404, 'the API passes through to the origin');
  // On both origins: the edge balances the upgrade like any request.
  const servers = [originA, originB].map((origin) => {
    const wss = new WebSocketServer({ server: origin.server, path: '/api/v1/stage/ws' });
    wss.on('connection', (socket) => socket.on('message', (m) => socket.send(`echo ${String(m)}`)));
    return wss;
  });
  const ws = new WebSocket(`ws://127.0.0.1:${edge.port}/api/v1/stage/ws`);
  const echoed = await new Promise<string>((resolve, reject) => {
    ws.once('open', () => ws.send('hello'));
    ws.once('message', (m) => resolve(String(m)));
    ws.once('error', reject);
  });
  assert.equal(echoed, 'echo hello', 'WebSocket upgrade passes through the edge');
  ws.close();
  for (const wss of servers) wss.close();

  const frames = encodeProgram(speechPcm('Listeners arrive by the thousand; the edge answers them, the origin barely notices. '
    + 'One request per part reaches the origin, whatever the size of the audience.'));
  const program = frames.slice(0, 300); // 6 s: 30 parts
  const sink = audience.begin('edge-space');
  const pushing = pushRealtime(sink, program);
  while (!(await fetch(`${base}/audio.m3u8`)).ok) await new Promise((r) => setTimeout(r, 20));
  const partsBefore = audience.stats().partsProduced;

  const stop = new AbortController();
  const listeners = Array.from({ length: LISTENERS }, () => runListener(base, stop.signal));
  await pushing;
  sink.end();
  const watchdog = setTimeout(() => stop.abort(), 15_000);
  const results = await Promise.all(listeners);
  clearTimeout(watchdog);

  const produced = audience.stats().partsProduced;
  const lastPart = `part-${Math.floor((produced - 1) / 10)}.${(produced - 1) % 10}.m4s`;
  for (const [i, r] of results.entries()) {
    assert.ok(r.parts.length > 0, `listener ${i} got parts`);
    assert.equal(r.parts.at(-1), lastPart, `listener ${i} reached the last part`);
    // Contiguous from where it joined: no part missed.
    const first = Number(/part-(\d+)\.(\d+)/.exec(r.parts[0]!)!.slice(1).reduce((m, p) => `${Number(m) * 10 + Number(p)}`));
    r.parts.forEach((uri, k) => {
      const n = first + k;
      assert.equal(uri, `part-${Math.floor(n / 10)}.${n % 10}.m4s`, `listener ${i} part ${k}`);
    });
  }
  const partsServed = results.reduce((n, r) => n + r.parts.length, 0);
  const watched = produced - partsBefore;
  t.diagnostic(`parts produced while listening: ${watched}; parts delivered to listeners: ${partsServed}`);
  t.diagnostic(`origin requests: parts ${seen.part}, blocking playlists ${seen.blocking}, playlists ${seen.playlist}, other ${seen.other}`);
  const p50 = results.flatMap((r) => r.playlistMs).sort((a, b) => a - b);
  t.diagnostic(`blocking reload time through the edge: p50 ${p50[Math.floor(p50.length / 2)]!.toFixed(0)} ms, p90 ${p50[Math.floor(p50.length * 0.9)]!.toFixed(0)} ms`);
  // Without the edge the origin would see LISTENERS x (parts + playlists). With it: about one of each per part.
  assert.ok(seen.part <= watched * 1.5 + 10, `origin part requests ${seen.part} for ${watched} parts`);
  assert.ok(seen.blocking <= watched * 2 + 10, `origin blocking reloads ${seen.blocking} for ${watched} parts`);
  assert.ok(partsServed >= LISTENERS * (watched - 5), 'every listener got (nearly) every part it was there for');
  // Both origins serve the same Space and the edge spreads its requests over them: the sum is what
  // the collapsing bounds (above), whichever origin answered.
  t.diagnostic(`of which the second origin answered ${seen.b}`);

  // Failover: the primary dies, the edge asks the backup.
  await originA.close();
  const replay = await fetch(`${base}/replay.m3u8`);
  assert.equal(replay.status, 200);
  assert.ok(seen.b > 0, 'served by the backup origin');
  assert.equal(edge.errorLog().includes('[emerg]'), false);
});

test('the edge over HTTPS speaks HTTP/2: playlists compressed, parts, the API', { skip: !requireProgram('nginx') || !requireProgram('openssl'), timeout: 30_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tribune-edge-h2-'));
  const audience = createAudience({ ...FULL_FIRST_SEGMENT, dataDir, fsync: false });
  const origin = await buildAudienceApp(audience);
  await origin.listen({ host: '127.0.0.1', port: 0 });
  const edge = await startEdge({ primary: `127.0.0.1:${(origin.server.address() as { port: number }).port}` }, { tls: true });
  const session = http2Connect(`https://localhost:${edge.port}`, { rejectUnauthorized: false });
  t.after(async () => {
    session.close();
    await edge.stop();
    await origin.close();
    await audience.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const sink = audience.begin('h2-space');
  for (const f of encodeProgram(speechPcm('Over HTTP two, the headers shrink.'))) sink.push(f);
  const get = (path: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> => new Promise((resolve, reject) => {
    const req = session.request({ ':path': path, 'accept-encoding': 'br, gzip' });
    let headers: Record<string, unknown> = {};
    req.on('response', (h) => { headers = h; });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve({ status: Number(headers[':status']), headers, body: Buffer.concat(chunks) }));
    req.on('error', reject);
    req.end();
  });
  const playlist = await get('/hls/h2-space/audio.m3u8');
  assert.equal(session.alpnProtocol, 'h2');
  assert.equal(playlist.status, 200);
  assert.equal(playlist.headers['content-encoding'], 'br');
  const text = brotliDecompressSync(playlist.body).toString();
  const part = /URI="(part-\d+\.\d+\.m4s)"/.exec(text)![1]!;
  const media = await get(`/hls/h2-space/${part}`);
  assert.equal(media.status, 200);
  assert.equal(media.body.toString('latin1', 4, 8), 'moof');
  assert.equal(media.headers.server, 'nginx', 'no version in the Server header');
  assert.equal((await get('/api/v1/anything')).status, 404);
  assert.equal(edge.errorLog().includes('[emerg]'), false);
});
