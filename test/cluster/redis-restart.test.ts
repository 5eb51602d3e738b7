import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { dropSchemas, uniqueName, until } from '../helpers/cluster-engines.js';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { requireProgram } from '../helpers/require-program.js';

/**
 * Redis restarted (killed, then started again empty) in the middle of a Space: PostgreSQL is the source
 * of truth, so no question or vote is lost; /readyz says so meanwhile; the counters and the bus carry on
 * once Redis is back. This Redis is the test's own process, on its own port: others' are untouched.
 */

const schema = uniqueName('rr');
let port = 0;
let redis: ChildProcess | null = null;
let a: TestServer;
let b: TestServer;
const hasRedis = requireProgram('redis-server');

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const ping = () => new Promise<boolean>((resolve) => {
    const c = connect(port, '127.0.0.1', () => { c.write('PING\r\n'); });
    // Never leave a socket behind: it would keep this test's process alive.
    c.setTimeout(1_000, () => { c.destroy(); resolve(false); });
    c.on('data', (d) => { c.destroy(); resolve(String(d).startsWith('+PONG')); });
    c.on('error', () => { c.destroy(); resolve(false); });
  });
  assert.ok(await until(ping, 10_000, 50), 'redis-server answers');
}

async function stopRedis(): Promise<void> {
  if (!redis || redis.exitCode !== null) return;
  const exited = new Promise((resolve) => redis!.once('exit', resolve));
  redis.kill('SIGKILL');
  await exited;
}

before(async () => {
  if (!hasRedis) return;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  await startRedis();
  const cluster = (originId: string) => ({
    secret: 'the-secret-of-the-restart-test',
    cluster: { databaseUrl: `postgres://127.0.0.1:5432/test?schema=${schema}`, redisUrl: `redis://127.0.0.1:${port}`, originId, redisPrefix: 'rr' },
  });
  a = await startTestServer({ overrides: cluster('o1') });
  b = await startTestServer({ overrides: cluster('o2') });
});

after(async () => {
  await a?.close();
  await b?.close();
  await stopRedis();
  await dropSchemas([schema]);
});

test('Redis killed and restarted empty mid-Space: nothing stored is lost, readiness follows, counters and events resume', { skip: !hasRedis, timeout: 60_000 }, async () => {
  const host = await register(a, 'rr_host');
  const fans = await Promise.all(['rr_f1', 'rr_f2', 'rr_f3'].map((h) => register(b, h)));
  const space = (await a.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Restart' } })).body;
  await a.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token });
  const q = (await b.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: fans[0]!.token, body: { text: 'Before the restart?' } })).body;
  await a.request('POST', `/api/v1/spaces/${space.id}/questions/${q.id}/action`, { token: host.token, body: { action: 'approve' } });
  for (const fan of fans.slice(1)) assert.equal((await b.request('POST', `/api/v1/spaces/${space.id}/questions/${q.id}/vote`, { token: fan.token })).status, 200);
  for (let i = 0; i < 20; i++) assert.equal((await (i % 2 ? a : b).request('POST', `/api/v1/spaces/${space.id}/reactions`, { body: { reaction: 'fire' } })).status, 202);
  // Each origin writes its taps to the history within a second: wait until both have.
  assert.ok(await until(async () => (await a.store.audience.reactionTotals(space.id)).fire === 20, 5_000, 50));

  await stopRedis();
  assert.ok(await until(async () => (await a.request('GET', '/readyz')).status === 503, 10_000, 100), '/readyz says the bus is away');
  const during = await a.request('GET', `/api/v1/spaces/${space.id}/questions`, { token: host.token });
  assert.equal(during.status, 200, 'reads from PostgreSQL carry on');
  assert.equal(during.body.questions[0].votes, 2);

  await startRedis();
  assert.ok(await until(async () => (await a.request('GET', '/readyz')).status === 200 && (await b.request('GET', '/readyz')).status === 200, 20_000, 100), 'ready again');
  const state = (await b.request('GET', `/api/v1/spaces/${space.id}/state`)).body;
  assert.equal(state.reactions.totals.fire, 20, 'the totals come back from the history');
  assert.equal(state.questions.approved, 1);
  assert.ok(await until(async () => (await a.request('POST', `/api/v1/spaces/${space.id}/reactions`, { body: { reaction: 'fire' } })).status === 202, 10_000, 100));
  const q2 = await b.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: fans[1]!.token, body: { text: 'After the restart?' } });
  assert.equal(q2.status, 201, 'writes and their events work again');
  const all = (await a.request('GET', `/api/v1/spaces/${space.id}/questions`, { token: host.token })).body.questions;
  assert.deepEqual(all.map((x: { id: string }) => x.id).sort(), [q.id, q2.body.id].sort());
});
