import assert from 'node:assert/strict';
import { test } from 'node:test';
import { register, startTestServer } from '../helpers/control-server.js';

// Regression: hlsUrl, whepUrl… were built from Host / X-Forwarded-Host and the /state answer was
// cached per Space, so one request with a forged header sent every listener to the attacker's host.
test('URLs handed to listeners never come from Host or X-Forwarded-Host', async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const host = await register(server, 'urls_host');
  const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Poison', language: 'en' } })).body as { id: string };
  assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);
  const forged = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
  for (const url of [`/api/v1/spaces/${space.id}/state`, `/api/v1/spaces/${space.id}`]) {
    const poisoned = await server.request('GET', url, { headers: forged });
    assert.equal(poisoned.status, 200);
    assert.doesNotMatch(JSON.stringify(poisoned.body), /evil\.example/, url);
  }
  const state = (await server.request('GET', `/api/v1/spaces/${space.id}/state`)).body as { media: { hlsUrl: string; whepUrl: string } };
  assert.equal(state.media.hlsUrl, `/hls/${space.id}/index.m3u8`);
  assert.equal(state.media.whepUrl, `/api/v1/spaces/${space.id}/whep`);

  const configured = await startTestServer({ overrides: { publicUrl: 'https://live.example.org/' } });
  t.after(() => configured.close());
  const other = await register(configured, 'urls_host2');
  const s2 = (await configured.request('POST', '/api/v1/spaces', { token: other.token, body: { title: 'Configured', language: 'en' } })).body as { id: string };
  await configured.request('POST', `/api/v1/spaces/${s2.id}/start`, { token: other.token });
  const answer = (await configured.request('GET', `/api/v1/spaces/${s2.id}/state`, { headers: forged })).body as { media: { hlsUrl: string } };
  assert.equal(answer.media.hlsUrl, `https://live.example.org/hls/${s2.id}/index.m3u8`);
});
