import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import WebSocket from 'ws';
import { withUser } from '../../src/store/postgres/database.js';
import { deleteKeys, dropSchemas, POSTGRES_URL, uniqueName, until } from '../helpers/cluster-engines.js';
import { call, OriginCluster, type Origin } from '../helpers/origin-processes.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/**
 * `kill -9` of an origin right after its 2xx: the events it committed and had not published are
 * published by another origin's relay, in order, once each.
 *
 * First the deterministic case: the origin reaches Redis through a relay the test cuts, so its events
 * can only wait in the outbox; it is killed after its last 2xx, and only then does another origin
 * start, whose relay must publish them. Then the racy one: an origin with Redis writes as fast as it
 * can and is killed right after its last 2xx, whatever its relay was doing (a row published but not
 * yet deleted is published again by the survivor, and the bus drops it by event id).
 */

const schema = uniqueName('obxp');
const prefix = uniqueName('obxp');
const cluster = new OriginCluster(schema, prefix);
let redisRelay: TcpProxy | null = null;

after(async () => {
  cluster.cleanup();
  await redisRelay?.close();
  await dropSchemas([schema]);
  await deleteKeys([prefix]);
});

interface Message { type: string; id?: string | null; seq?: number; questionId?: string }

function liveChannel(origin: Origin, spaceId: string, token: string, afterId?: string) {
  const query = afterId ? `?after=${encodeURIComponent(afterId)}` : '';
  const ws = new WebSocket(`${origin.url.replace('http', 'ws')}/api/v1/spaces/${spaceId}/live${query}`, { headers: { authorization: `Bearer ${token}` } });
  const messages: Message[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  const opened = new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  return { ws, messages, opened, events: () => messages.filter((m) => m.type !== 'hello') };
}

async function killed(origin: Origin): Promise<void> {
  const exited = new Promise((resolve) => origin.child.once('exit', resolve));
  origin.child.kill('SIGKILL');
  await exited;
}

async function pendingRows(): Promise<Array<{ origin: string; n: number }>> {
  const db = new pg.Client({ connectionString: withUser(POSTGRES_URL) });
  await db.connect();
  try {
    return (await db.query<{ origin: string; n: number }>(`SELECT origin, COUNT(*)::int AS n FROM ${schema}.outbox GROUP BY origin ORDER BY origin`)).rows;
  } finally {
    await db.end();
  }
}

test('kill -9 right after the 2xx: another origin\'s relay publishes what was left, in order, once each', { timeout: 180_000 }, async () => {
  redisRelay = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
  const doomed = await cluster.start('o1', {}, { redisUrl: `redis://127.0.0.1:${redisRelay.port}` });
  const host = (await call(doomed, 'POST', '/api/v1/auth/register', { body: { handle: 'obxp_host', password: 'correct horse battery' } })).body;
  const fans: Array<{ token: string }> = [];
  for (let i = 0; i < 12; i++) fans.push((await call(doomed, 'POST', '/api/v1/auth/register', { body: { handle: `obxp_fan${i}`, password: 'correct horse battery' } })).body);
  const space = (await call(doomed, 'POST', '/api/v1/spaces', { token: host.token, body: { title: 'Left behind' } })).body;
  assert.equal((await call(doomed, 'POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);
  const watching = liveChannel(doomed, space.id, host.token);
  await watching.opened;
  const first = await call(doomed, 'POST', `/api/v1/spaces/${space.id}/questions`, { token: fans[0]!.token, body: { text: 'Seen by all?' } });
  assert.equal(first.status, 201);
  assert.ok(await until(() => watching.events().some((m) => m.questionId === first.body.id), 10_000, 20), JSON.stringify(watching.messages));
  const lastSeen = watching.events().find((m) => m.questionId === first.body.id)!;
  watching.ws.close();

  // Its Redis away: what it acknowledges now can only wait in the outbox. Killed right after the last 2xx.
  redisRelay.cut();
  const acknowledged: string[] = [];
  for (const fan of fans.slice(1, 6)) {
    const asked = await call(doomed, 'POST', `/api/v1/spaces/${space.id}/questions`, { token: fan.token, body: { text: 'Left in the outbox?' } });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    acknowledged.push(asked.body.id);
  }
  await killed(doomed);
  assert.deepEqual(await pendingRows(), [{ origin: 'o1', n: acknowledged.length }], 'the dead origin\'s events are in the outbox');

  const survivor = await cluster.start('o2');
  const resumed = liveChannel(survivor, space.id, host.token, lastSeen.id!);
  await resumed.opened;
  assert.ok(await until(() => resumed.events().length >= acknowledged.length, 20_000, 20), JSON.stringify(resumed.messages));
  assert.deepEqual(resumed.events().map((m) => m.questionId), acknowledged, 'each acknowledged question, in order');
  assert.deepEqual(resumed.events().map((m) => m.seq), acknowledged.map((_, i) => lastSeen.seq! + 1 + i));
  assert.ok(await until(async () => (await pendingRows()).length === 0, 5_000, 50), 'the outbox is empty');

  // The racy case: an origin with Redis, killed right after its last 2xx, its relay wherever it was.
  const racer = await cluster.start('o3');
  const before = resumed.events().length;
  const raced = await Promise.all(fans.slice(6).map((fan) => call(racer, 'POST', `/api/v1/spaces/${space.id}/questions`, { token: fan.token, body: { text: 'Raced?' } })));
  await killed(racer);
  for (const r of raced) assert.equal(r.status, 201, JSON.stringify(r.body));
  const racedIds = raced.map((r) => r.body.id as string);
  assert.ok(await until(() => racedIds.every((id) => resumed.events().some((m) => m.questionId === id)), 20_000, 20), JSON.stringify(resumed.messages));
  assert.ok(await until(async () => (await pendingRows()).length === 0, 5_000, 50), 'the outbox is empty');
  const after = resumed.events().slice(before);
  assert.deepEqual(after.map((m) => m.questionId).sort(), [...racedIds].sort(), 'every acknowledged question once, nothing else');
  assert.deepEqual(after.map((m) => m.seq), after.map((_, i) => lastSeen.seq! + 1 + acknowledged.length + i), 'no gap, no duplicate in the sequence');
  resumed.ws.close();
});
