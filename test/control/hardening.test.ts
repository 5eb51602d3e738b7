import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { register, startTestServer } from '../helpers/control-server.js';

function open(url: string, headers: Record<string, string>): Promise<{ ok: boolean; status: number; ws: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ok: true, status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => { resolve({ ok: false, status: res.statusCode ?? 0, ws }); res.resume(); });
    ws.once('error', () => resolve({ ok: false, status: 0, ws }));
  });
}

// Regression: the stage WebSocket checked no Origin (any site could use a visitor's cookie) and
// accepted 3,000 connections on one token.
test('the stage channel refuses other sites\' pages and caps connections per credential', async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const host = await register(server, 'ws_host');
  const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Channel', language: 'en' } })).body as { id: string };
  await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token });
  const url = `${server.url.replace('http', 'ws')}/api/v1/spaces/${space.id}/live`;
  const auth = { authorization: `Bearer ${host.token}` };
  const foreign = await open(url, { ...auth, origin: 'https://evil.example' });
  assert.equal(foreign.status, 403);
  const sameSite = await open(url, { ...auth, origin: new URL(server.url).origin });
  assert.ok(sameSite.ok, `own pages may connect (${sameSite.status})`);
  const sockets = [sameSite.ws];
  let refused = 0;
  for (let i = 0; i < 12; i++) {
    const r = await open(url, auth);
    if (r.ok) sockets.push(r.ws); else { refused++; assert.equal(r.status, 429); }
  }
  assert.equal(sockets.length, 8, 'eight channels per credential');
  assert.equal(refused, 5);
  for (const ws of sockets) ws.close();
});

// Regression: /metrics was public, and the database and its WAL were world-readable (0644).
test('metrics need the token (or a local scraper); the database files are private', async (t) => {
  const server = await startTestServer({ overrides: { metricsToken: 'a-long-metrics-token' } });
  t.after(() => server.close());
  await register(server, 'modes_user');
  assert.equal((await server.request('GET', '/metrics')).status, 403);
  assert.equal((await server.request('GET', '/metrics', { token: 'a-long-metrics-token' })).status, 200);
  const local = await startTestServer();
  t.after(() => local.close());
  assert.equal((await local.request('GET', '/metrics')).status, 200, 'a local scraper without a token');
  assert.equal((await local.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.4' })).statusCode, 403);
  assert.equal((await local.request('GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.4' } })).status, 403, 'through a proxy on this machine');
  for (const name of ['tribune.db', 'tribune.db-wal', 'tribune.db-shm']) {
    const mode = statSync(join(server.dataDir, name)).mode & 0o777;
    assert.equal(mode & 0o077, 0, `${name} is ${mode.toString(8)}`);
  }
});
