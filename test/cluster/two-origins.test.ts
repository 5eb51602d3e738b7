import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { dropSchemas, deleteKeys, uniqueName, until } from '../helpers/cluster-engines.js';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

// Two origins of one deployment, each with its own PostgreSQL pool and Redis connections, sharing the
// engines: what one writes the other reads, what one publishes the other's stage channel carries. The
// second origin reaches both engines through a relay the test can cut.

const schema = uniqueName('two');
const prefix = uniqueName('two');
const secret = 'a-secret-both-origins-share';
let a: TestServer;
let b: TestServer;
let pgRelay: TcpProxy;
let redisRelay: TcpProxy;

const cluster = (originId: string, pgPort: number, redisPort: number) => ({
  secret,
  cluster: { databaseUrl: `postgres://127.0.0.1:${pgPort}/test?schema=${schema}`, redisUrl: `redis://127.0.0.1:${redisPort}`, originId, redisPrefix: prefix },
});

before(async () => {
  pgRelay = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  redisRelay = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
  // Both start at once: the schema is migrated once, behind the advisory lock.
  [a, b] = await Promise.all([
    startTestServer({ overrides: cluster('o1', 5432, 6379) }),
    startTestServer({ overrides: cluster('o2', pgRelay.port, redisRelay.port) }),
  ]);
});

after(async () => {
  await a?.close();
  await b?.close();
  await pgRelay?.close();
  await redisRelay?.close();
  await dropSchemas([schema]);
  await deleteKeys([prefix]);
});

function liveChannel(server: TestServer, spaceId: string, token: string, afterId?: string) {
  const query = afterId ? `?after=${encodeURIComponent(afterId)}` : '';
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/spaces/${spaceId}/live${query}`, { headers: { authorization: `Bearer ${token}` } });
  const messages: Array<{ type: string; id?: string | null; seq?: number; questionId?: string; votes?: number }> = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  const opened = new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  return { ws, messages, opened };
}

describe('two origins on PostgreSQL and Redis', () => {
  test('an account made on one origin signs in on the other; a Space created on one starts on the other', async () => {
    const host = await register(a, 'two_host');
    assert.equal((await b.request('GET', '/api/v1/me', { token: host.token })).body.handle, 'two_host');
    const login = await b.request('POST', '/api/v1/auth/login', { body: { handle: 'two_host', password: 'correct horse battery' } });
    assert.equal(login.status, 200);
    const space = (await a.request('POST', '/api/v1/spaces', { token: login.body.token, body: { title: 'Across' } })).body;
    // Both origins press start at once: one wins, the other reports the state it found.
    const [ra, rb] = await Promise.all([
      a.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token }),
      b.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token }),
    ]);
    assert.deepEqual([ra.status, rb.status].sort(), [200, 409]);
    assert.equal((await a.request('GET', `/api/v1/spaces/${space.id}`)).body.state, 'live');
  });

  test('the stage channel on one origin carries events published on the other, and resumes on the other after a reconnect', async () => {
    const host = await register(a, 'ws_host');
    const fan = await register(b, 'ws_fan');
    const fan2 = await register(b, 'ws_fan2');
    const space = (await a.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Resume' } })).body;
    await b.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token });

    const first = liveChannel(a, space.id, host.token);
    await first.opened;
    const asked = await b.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: fan.token, body: { text: 'Across origins?' } });
    assert.equal(asked.status, 201);
    assert.ok(await until(() => first.messages.some((m) => m.type === 'question.created')), JSON.stringify(first.messages));
    const created = first.messages.find((m) => m.type === 'question.created')!;
    assert.equal(created.questionId, asked.body.id);
    assert.equal(typeof created.id, 'string');
    first.ws.close();

    // While the host is disconnected, two things happen on the other origin.
    assert.equal((await b.request('POST', `/api/v1/spaces/${space.id}/questions/${asked.body.id}/action`, { token: host.token, body: { action: 'approve' } })).status, 200);
    assert.equal((await b.request('POST', `/api/v1/spaces/${space.id}/questions/${asked.body.id}/vote`, { token: fan2.token })).status, 200);

    const resumed = liveChannel(b, space.id, host.token, created.id!);
    await resumed.opened;
    assert.ok(await until(() => resumed.messages.filter((m) => m.type.startsWith('question.')).length >= 2), JSON.stringify(resumed.messages));
    const events = resumed.messages.filter((m) => m.type !== 'hello');
    assert.deepEqual(events.map((m) => m.type), ['question.updated', 'question.voted'], 'what was missed, in order, nothing before it');
    assert.equal(events[1]!.votes, 1);
    assert.deepEqual(events.map((m) => m.seq), [created.seq! + 1, created.seq! + 2]);
    resumed.ws.close();

    const stale = liveChannel(a, space.id, host.token, '1-0');
    await stale.opened;
    assert.ok(await until(() => stale.messages.some((m) => m.type === 'resync')), 'an id the log no longer holds: re-read the state');
    stale.ws.close();

    // The audience's cached state on the first origin shows what was written through the second.
    assert.ok(await until(async () => {
      const state = await a.request('GET', `/api/v1/spaces/${space.id}/state`);
      return state.body.questions?.approved === 1;
    }, 5_000, 100));
  });

  test('listeners and reactions counted on both origins: each origin\'s state shows the union and the sum', async () => {
    const host = await register(a, 'count_host');
    const space = (await a.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Counts' } })).body;
    await a.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token });
    const tokens: string[] = [];
    for (let i = 0; i < 60; i++) tokens.push((await (i % 2 ? a : b).request('POST', `/api/v1/spaces/${space.id}/listener-token`)).body.listenerToken);
    // 0..39 beat on a, 20..59 on b (20 on both, some twice): 60 distinct listeners.
    for (const [i, token] of tokens.entries()) {
      if (i < 40) assert.equal((await a.request('POST', `/api/v1/spaces/${space.id}/heartbeat`, { body: { listenerToken: token } })).status, 204);
      if (i >= 20) assert.equal((await b.request('POST', `/api/v1/spaces/${space.id}/heartbeat`, { body: { listenerToken: token } })).status, 204);
    }
    for (let i = 0; i < 30; i++) assert.equal((await (i < 12 ? a : b).request('POST', `/api/v1/spaces/${space.id}/reactions`, { body: { reaction: 'clap' } })).status, 202);
    for (const server of [a, b]) {
      let state: any;
      assert.ok(await until(async () => {
        state = (await server.request('GET', `/api/v1/spaces/${space.id}/state`)).body;
        return state.reactions.totals.clap === 30 && state.listeners.count > 0;
      }, 5_000, 100), JSON.stringify(state));
      // The union of 60 in a sketch of 16 Ki registers: 60, give or take one.
      assert.ok(Math.abs(state.listeners.count - 60) <= 1, `union, not a share nor the sum: ${state.listeners.count}`);
    }
  });

  test('/readyz is false while the origin cannot reach Redis or PostgreSQL, and true again once it can', async () => {
    const ready = async (server: TestServer) => (await server.request('GET', '/readyz')).status;
    assert.equal(await ready(b), 200);
    redisRelay.cut();
    assert.ok(await until(async () => (await ready(b)) === 503, 10_000, 50), 'Redis unreachable');
    assert.match((await b.request('GET', '/readyz')).body.error.message, /bus/);
    assert.equal(await ready(a), 200, 'the other origin is unaffected');
    redisRelay.restore();
    assert.ok(await until(async () => (await ready(b)) === 200, 15_000, 100), 'Redis back');

    pgRelay.cut();
    assert.ok(await until(async () => (await ready(b)) === 503, 10_000, 50), 'PostgreSQL unreachable');
    assert.match((await b.request('GET', '/readyz')).body.error.message, /database/);
    pgRelay.restore();
    assert.ok(await until(async () => (await ready(b)) === 200, 15_000, 100), 'PostgreSQL back');
  });
});
