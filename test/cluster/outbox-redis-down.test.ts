import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { deleteKeys, dropSchemas, uniqueName, until } from '../helpers/cluster-engines.js';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/**
 * Redis away for the whole cluster (both origins reach it through one relay the test cuts): questions,
 * votes and moderation still get their 2xx, because each write and its event commit together in
 * PostgreSQL's outbox. Once Redis is back the relays publish them, and a stage channel resuming on the
 * other origin receives every one, in the order they were written, none twice.
 */

const schema = uniqueName('obx');
const prefix = uniqueName('obx');
let a: TestServer;
let b: TestServer;
let redisRelay: TcpProxy;

before(async () => {
  redisRelay = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
  const cluster = (originId: string) => ({
    secret: 'the-secret-of-the-outbox-test',
    cluster: { databaseUrl: `postgres://127.0.0.1:5432/test?schema=${schema}`, redisUrl: `redis://127.0.0.1:${redisRelay.port}`, originId, redisPrefix: prefix },
  });
  [a, b] = await Promise.all([startTestServer({ overrides: cluster('o1') }), startTestServer({ overrides: cluster('o2') })]);
});

after(async () => {
  await a?.close();
  await b?.close();
  await redisRelay?.close();
  await dropSchemas([schema]);
  await deleteKeys([prefix]);
});

interface Message { type: string; id?: string | null; seq?: number; questionId?: string; votes?: number; state?: string }

function liveChannel(server: TestServer, spaceId: string, token: string, afterId?: string) {
  const query = afterId ? `?after=${encodeURIComponent(afterId)}` : '';
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/spaces/${spaceId}/live${query}`, { headers: { authorization: `Bearer ${token}` } });
  const messages: Message[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  const opened = new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  return { ws, messages, opened };
}

test('with Redis away, writes get their 2xx; once it is back every event reaches a resuming stage channel, in order, none twice', { timeout: 90_000 }, async () => {
  const host = await register(a, 'obx_host');
  const fans = await Promise.all(Array.from({ length: 6 }, (_, i) => register(i % 2 ? a : b, `obx_fan${i}`)));
  const space = (await a.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Outbox' } })).body;
  assert.equal((await b.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);

  const before = liveChannel(a, space.id, host.token);
  await before.opened;
  const first = await b.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: fans[0]!.token, body: { text: 'Before the outage?' } });
  assert.equal(first.status, 201);
  assert.ok(await until(() => before.messages.some((m) => m.type === 'question.created' && m.questionId === first.body.id)), JSON.stringify(before.messages));
  const lastSeen = before.messages.find((m) => m.type === 'question.created')!;
  before.ws.close();

  redisRelay.cut();
  assert.ok(await until(async () => (await a.request('GET', '/readyz')).status === 503 && (await b.request('GET', '/readyz')).status === 503, 10_000, 50),
    'both origins see the bus away');

  // Written on both origins while no origin can publish: each answer is a 2xx, its event in the outbox.
  const expected: Array<{ type: string; questionId: string }> = [];
  for (const [i, fan] of fans.slice(1).entries()) {
    const origin = i % 2 ? a : b;
    const asked = await origin.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: fan.token, body: { text: `During the outage, ${i}?` } });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    expected.push({ type: 'question.created', questionId: asked.body.id });
  }
  const approved = await a.request('POST', `/api/v1/spaces/${space.id}/questions/${first.body.id}/action`, { token: host.token, body: { action: 'approve' } });
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  expected.push({ type: 'question.updated', questionId: first.body.id });
  for (const [i, fan] of fans.slice(1, 4).entries()) {
    const voted = await (i % 2 ? a : b).request('POST', `/api/v1/spaces/${space.id}/questions/${first.body.id}/vote`, { token: fan.token });
    assert.equal(voted.status, 200, JSON.stringify(voted.body));
    expected.push({ type: 'question.voted', questionId: first.body.id });
  }
  const pending = (await a.store.outbox.depth()).reduce((n, d) => n + d.pending, 0);
  assert.equal(pending, expected.length, 'every event waits in the outbox');
  const metrics = await a.request('GET', '/metrics');
  assert.match(String(metrics.body), /tribune_outbox_pending_events\{[^}]*written_by="o[12]"[^}]*\} [1-9]/);

  redisRelay.restore();
  const resumed = liveChannel(b, space.id, host.token, lastSeen.id!);
  await resumed.opened;
  const events = () => resumed.messages.filter((m) => m.type !== 'hello');
  assert.ok(await until(() => events().length >= expected.length, 30_000, 50), JSON.stringify(resumed.messages));
  // A moment more: a duplicate would arrive right behind.
  await until(() => events().length > expected.length, 1_000, 50);
  assert.deepEqual(events().map((m) => ({ type: m.type, questionId: m.questionId })), expected, 'every event, in the order written, none twice');
  assert.deepEqual(events().map((m) => m.seq), expected.map((_, i) => lastSeen.seq! + 1 + i), 'the Space\'s sequence runs on without a gap');
  assert.deepEqual(events().filter((m) => m.type === 'question.voted').map((m) => m.votes), [1, 2, 3]);
  assert.ok(await until(async () => (await a.store.outbox.depth()).length === 0, 5_000, 50), 'the outbox is empty');
  resumed.ws.close();
});
