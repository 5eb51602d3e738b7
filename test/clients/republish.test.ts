import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, register } from '../helpers/control-server.js';
import { until } from '../helpers/cluster-engines.js';
import { toneAmplitude } from '../helpers/goertzel.js';
import { listenWhep, publishWhip, toneSource, type LossReason } from '../../src/clients/index.js';
import { exitAfterNdcTests } from '../helpers/exit-after-ndc.js';

exitAfterNdcTests();

async function liveSpace(t: { after: (fn: () => unknown) => void }) {
  const server = await startTestServer({ server: { media: true } });
  t.after(() => server.close());
  const { token } = await register(server, 'host');
  const space = await server.request('POST', '/api/v1/spaces', { token, body: { title: 'republish' } });
  assert.equal((await server.request('POST', `/api/v1/spaces/${space.body.id}/start`, { token })).status, 200);
  return { server, token, id: space.body.id as string, base: `${server.url}/api/v1/spaces/${space.body.id}` };
}

test('the session resource answers GET and HEAD while it lives, 404 once it is gone', { timeout: 30_000 }, async (t) => {
  const { server, token, base } = await liveSpace(t);
  const publisher = await publishWhip({ url: `${base}/whip`, bearer: token, source: toneSource(), reconnect: false });
  t.after(() => publisher.close());
  const location = publisher.location!;
  assert.equal((await fetch(location)).status, 200);
  assert.equal((await fetch(location, { method: 'HEAD' })).status, 200);
  assert.equal((await fetch(location.replace('/whip/', '/whep/'))).status, 404, 'a WHIP session is not a WHEP one');
  assert.equal((await fetch(`${base}/whip/not-a-session`)).status, 404);
  assert.equal((await fetch(location, { method: 'DELETE' })).status, 200);
  const gone = await fetch(location);
  assert.equal(gone.status, 404);
  assert.equal(((await gone.json()) as { error: { code: string } }).error.code, 'MEDIA_SESSION_NOT_FOUND');
  const metrics = String((await server.request('GET', '/metrics')).body);
  assert.match(metrics, /tribune_stage_session_probes_total\{kind="whip",answer="held"[^}]*\} [1-9]/);
  assert.match(metrics, /tribune_stage_session_probes_total\{kind="whip",answer="gone"[^}]*\} [1-9]/);
});

test('a publisher and a listener whose sessions the server dropped publish and listen again by themselves', { timeout: 60_000 }, async (t) => {
  const { token, base } = await liveSpace(t);
  let lastTone = 0;
  const listener = await listenWhep({ url: `${base}/whep`, onPcm: (f) => { if (toneAmplitude(f, 1000) > 0.05) lastTone = Date.now(); } });
  t.after(() => listener.close());
  const publisher = await publishWhip({ url: `${base}/whip`, bearer: token, source: toneSource(1000, 0.3) });
  t.after(() => publisher.close());
  assert.ok(await until(() => lastTone > 0, 15_000, 50), 'heard before the drop');
  const reasons: LossReason[] = [];
  const published: number[] = [];
  publisher.on('reconnecting', (e) => reasons.push(e.reason));
  publisher.on('published', (e) => published.push(e.gapMs));
  let listenerBack = false;
  listener.on('published', () => { listenerBack = true; });

  // The server lets go of both sessions (as an origin that no longer runs the Space would).
  const [oldWhip, oldWhep] = [publisher.location!, listener.location!];
  assert.equal((await fetch(oldWhip, { method: 'DELETE' })).status, 200);
  assert.equal((await fetch(oldWhep, { method: 'DELETE' })).status, 200);
  const dropped = Date.now();
  assert.ok(await until(() => published.length === 1 && listenerBack, 15_000, 20), `republished: ${JSON.stringify(publisher.stats())} ${JSON.stringify(listener.stats())}`);
  assert.ok(reasons.length >= 1);
  assert.notEqual(publisher.location, oldWhip, 'a new session resource');
  assert.notEqual(listener.location, oldWhep);
  assert.ok(await until(() => lastTone > dropped + 200, 10_000, 20), 'the tone is heard again');
  const stats = publisher.stats();
  assert.equal(stats.state, 'connected');
  assert.equal(stats.losses, 1);
  assert.equal(stats.reconnects, 1);
  assert.ok(stats.lastGapMs >= 0 && stats.lastGapMs < 10_000, JSON.stringify(stats));
  assert.equal(listener.stats().reconnects, 1);
});

test('republishing is bounded in time, and off when asked', { timeout: 60_000 }, async (t) => {
  const { server, token, id, base } = await liveSpace(t);
  const kept = await publishWhip({ url: `${base}/whip`, bearer: token, source: toneSource(), reconnect: { withinMs: 1_500 } });
  t.after(() => kept.close());
  const plain = await listenWhep({ url: `${base}/whep`, reconnect: false });
  t.after(() => plain.close());
  let gaveUp: Error | undefined;
  kept.on('gave-up', (e) => { gaveUp = e.error; });
  let plainRepublished = false;
  plain.on('reconnecting', () => { plainRepublished = true; });

  // The Space ends: every session goes and no POST can succeed any more.
  assert.equal((await server.request('POST', `/api/v1/spaces/${id}/end`, { token })).status, 200);
  assert.ok(await until(() => gaveUp !== undefined, 20_000, 50), `gave up: ${JSON.stringify(kept.stats())}`);
  assert.match(gaveUp!.message, /SPACE_NOT_LIVE|404|409/);
  assert.equal(kept.stats().state, 'failed');
  assert.ok(kept.stats().attempts >= 2, `retried before giving up: ${JSON.stringify(kept.stats())}`);
  // Without republishing there is no probe either: the listener tries nothing (and costs the server nothing).
  assert.equal(plainRepublished, false);
  assert.equal(plain.stats().attempts, 0);
});
