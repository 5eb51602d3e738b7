import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, register } from '../helpers/control-server.js';
import { toneAmplitude } from '../helpers/goertzel.js';
import { listenWhep, publishWhip, toneSource, SignallingError } from '../../src/clients/index.js';
import { exitAfterNdcTests } from '../helpers/exit-after-ndc.js';

exitAfterNdcTests();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a node WHIP publisher is heard by a node WHEP listener through a real server', { timeout: 60_000 }, async (t) => {
  const server = await startTestServer({ server: { media: true } });
  t.after(() => server.close());
  const { token } = await register(server, 'host');
  const space = await server.request('POST', '/api/v1/spaces', { token, body: { title: 'clients' } });
  assert.equal(space.status, 201, JSON.stringify(space.body));
  const id = space.body.id as string;
  assert.equal((await server.request('POST', `/api/v1/spaces/${id}/start`, { token })).status, 200);
  const invite = await server.request('POST', `/api/v1/spaces/${id}/stage-tokens`, { token, body: { role: 'speaker' } });
  assert.equal(invite.status, 201, JSON.stringify(invite.body));

  const base = `${server.url}/api/v1/spaces/${id}`;
  const ring: number[] = [];
  const listener = await listenWhep({ url: `${base}/whep`, onPcm: (f) => { for (const s of f) ring.push(s); if (ring.length > 48_000) ring.splice(0, ring.length - 48_000); } });
  t.after(() => listener.close());
  const publisher = await publishWhip({ url: `${base}/whip`, bearer: invite.body.token, source: toneSource(1000, 0.3) });
  t.after(() => publisher.close());
  assert.ok(publisher.location?.includes('/whip/'), `location ${publisher.location}`);

  const deadline = Date.now() + 15_000;
  let amplitude = 0;
  while (Date.now() < deadline) {
    await sleep(250);
    if (ring.length >= 24_000) {
      amplitude = toneAmplitude(Int16Array.from(ring.slice(-24_000)), 1000);
      if (amplitude > 0.05) break;
    }
  }
  assert.ok(amplitude > 0.05, `1 kHz tone heard at ${amplitude}`);
  const sent = publisher.stats();
  assert.equal(sent.state, 'connected');
  assert.ok(sent.packetsSent > 10, `sent ${sent.packetsSent}`);
  const got = listener.stats();
  assert.ok(got.packetsReceived > 10 && got.firstPacketMs > 0, JSON.stringify(got));
  await publisher.close();
  await publisher.close();
  assert.equal(publisher.stats().state, 'closed');

  // An async source that ends: the clock stops with it, and the session stays until close().
  const second = await server.request('POST', `/api/v1/spaces/${id}/stage-tokens`, { token, body: { role: 'speaker' } });
  const tone = toneSource(500);
  async function* tenFrames(): AsyncGenerator<Int16Array> {
    for (let i = 0; i < 10; i++) { await sleep(1); yield tone(); }
  }
  const finite = await publishWhip({ url: `${base}/whip`, bearer: second.body.token, source: tenFrames() });
  t.after(() => finite.close());
  const until = Date.now() + 5000;
  while (finite.stats().state !== 'ended' && Date.now() < until) await sleep(50);
  assert.equal(finite.stats().state, 'ended');
  assert.equal(finite.stats().packetsSent, 10);
});

test('a refused WHIP offer rejects with the catalogue code and leaves nothing open', { timeout: 30_000 }, async (t) => {
  const server = await startTestServer({ server: { media: true } });
  t.after(() => server.close());
  const { token } = await register(server, 'host');
  const space = await server.request('POST', '/api/v1/spaces', { token, body: { title: 'refused' } });
  await server.request('POST', `/api/v1/spaces/${space.body.id}/start`, { token });
  await assert.rejects(
    publishWhip({ url: `${server.url}/api/v1/spaces/${space.body.id}/whip`, bearer: 'tkst_nope', source: toneSource() }),
    (err: unknown) => err instanceof SignallingError && err.status === 401 && err.code === 'STAGE_TOKEN_INVALID',
  );
});
