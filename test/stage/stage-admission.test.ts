import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { publishWhip, toneSource } from '../../src/clients/index.js';
import { register, startTestServer } from '../helpers/control-server.js';
import { DEAD_OFFER } from '../helpers/dead-offer.js';

// libdatachannel keeps the process alive after its peers close, and its cleanup() crashes natively
// once peers that never connected were closed: exit once the runner has the results.
after(() => { setTimeout(() => process.exit(), 100).unref(); });


// Regression: anonymous WHEP offers that never completed ICE each held one of the origin's media
// sessions for 30-40 s, and WHIP shared that pool: after a flood the host got 503 MEDIA_CAPACITY.
test('listeners never take the stage\'s capacity; offers that never connect are capped per address and dropped within seconds', { timeout: 60_000 }, async (t) => {
  const server = await startTestServer({ server: { media: true }, overrides: { stage: { maxMediaSessions: 12 } } });
  t.after(() => server.close());
  const host = await register(server, 'admission_host');
  const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Flooded', language: 'en' } })).body as { id: string };
  assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);
  const whep = async (remoteAddress: string) => server.app.inject({
    method: 'POST', url: `/api/v1/spaces/${space.id}/whep`, remoteAddress, headers: { 'content-type': 'application/sdp' }, payload: DEAD_OFFER,
  });

  // One address: a few pending offers, then refused.
  const same: number[] = [];
  for (let i = 0; i < 6; i++) same.push((await whep('203.0.113.9')).statusCode);
  assert.deepEqual(same.slice(0, 4), [201, 201, 201, 201]);
  assert.deepEqual(same.slice(4), [429, 429], `pending offers per address are capped (${same})`);
  // One /24: capped too, whichever address in it.
  const block: number[] = [];
  for (let i = 1; i <= 40; i++) block.push((await whep(`198.51.100.${i}`)).statusCode);
  assert.ok(block.filter((s) => s === 429).length > 0 || block.filter((s) => s === 503).length > 0, `a /24 cannot hold unbounded pending offers (${block})`);
  // Many networks: the listener pool fills up (MEDIA_CAPACITY), and the page would play LL-HLS.
  const many: number[] = [];
  for (let i = 1; i <= 20; i++) many.push((await whep(`192.0.${i}.7`)).statusCode);
  assert.ok(many.includes(503), `the listener pool is bounded (${many})`);
  assert.ok((server.stageMedia!.stats().sessions.whep) <= 12);

  // The host still goes on air.
  const origin = server.url.replace('localhost', '127.0.0.1');
  const publisher = await publishWhip({ url: `${origin}/api/v1/spaces/${space.id}/whip`, bearer: host.token, source: toneSource(440) });
  t.after(() => publisher.close());

  // Offers that never connect are dropped within seconds, freeing the pool.
  const deadline = Date.now() + 15_000;
  while (server.stageMedia!.stats().sessions.whep > 0) {
    assert.ok(Date.now() < deadline, `unconnected WHEP sessions still held: ${server.stageMedia!.stats().sessions.whep}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal((await whep('203.0.113.9')).statusCode, 201, 'the address may try again once its offers expired');
});
