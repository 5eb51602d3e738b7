import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dropSchemas, deleteKeys, uniqueName } from '../helpers/cluster-engines.js';
import { register, registerAdmin, startTestServer, type TestServer } from '../helpers/control-server.js';

// Two origins of one deployment on PostgreSQL and Redis, one waiting room: arrivals at either origin
// join one queue, in one order, under one ceiling; a ticket from one origin checks in at the other.

const schema = uniqueName('room');
const prefix = uniqueName('room');
let now = Date.now();
let a: TestServer;
let b: TestServer;

const origin = (originId: string) => startTestServer({
  overrides: {
    secret: 'a-secret-both-origins-share',
    cluster: { databaseUrl: `postgres://127.0.0.1:5432/test?schema=${schema}`, redisUrl: 'redis://127.0.0.1:6379', originId, redisPrefix: prefix },
    waitingRoom: { setting: 'off', totalActiveUsers: 2, newUsersPerMinute: 100, sessionMinutes: 1, ticketMinutes: 5 },
  },
  server: { clock: { now: () => now } },
});

before(async () => {
  [a, b] = await Promise.all([origin('r1'), origin('r2')]);
});

after(async () => {
  await a?.close();
  await b?.close();
  await dropSchemas([schema]);
  await deleteKeys([prefix]);
});

test('one queue across origins: arrival order and the ceiling kept, a ticket from one origin admitted at the other', async () => {
  const admin = await registerAdmin(a, 'room_two_admin');
  const host = await register(a, 'room_two_host');
  const askers: Array<{ token: string }> = [];
  for (let i = 0; i < 5; i++) askers.push(await register(i % 2 ? b : a, `room_two_asker_${i}`));
  const space = (await a.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'One queue' } })).body as { id: string };
  assert.equal((await b.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);
  // The settings are each origin's; the room they open is one.
  for (const o of [a, b]) assert.equal((await o.request('PUT', '/api/v1/admin/waiting-room', { token: admin.token, body: { setting: 'on' } })).status, 200);

  const originOf = (i: number) => (i % 2 ? b : a);
  const ask = (i: number, at: TestServer, ticket?: string) => at.request('POST', `/api/v1/spaces/${space.id}/questions`, {
    token: askers[i]!.token, body: { text: `Across origins, question ${i}?` }, ...(ticket ? { headers: { 'x-tribune-ticket': ticket } } : {}),
  });
  const firstTry = await Promise.all(askers.map((_, i) => ask(i, originOf(i))));
  assert.deepEqual(firstTry.map((r) => r.status).sort(), [201, 201, 503, 503, 503], 'two places for both origins together');
  const held = firstTry.flatMap((r, i) => (r.status === 503 ? [{ i, ...(r.body.error.details as { arrival: number; position: number; ticket: string }) }] : []));
  assert.deepEqual(held.map((h) => h.position).sort(), [1, 2, 3], 'one queue');
  const inOrder = [...held].sort((x, y) => x.arrival - y.arrival);
  assert.deepEqual(inOrder.map((h) => h.position), [1, 2, 3]);
  const seen = (await b.request('GET', '/api/v1/admin/waiting-room', { token: admin.token })).body;
  assert.deepEqual([seen.waiting, seen.active], [3, 2]);

  // The two sessions lapse; everyone checks in at the *other* origin, the last in line first.
  now += 61_000;
  const second = await Promise.all([...inOrder].reverse().map((h) => ask(h.i, originOf(h.i) === a ? b : a, h.ticket)));
  const admitted = [...inOrder].reverse().filter((_, k) => second[k]!.status === 201).map((h) => h.arrival).sort((x, y) => x - y);
  assert.deepEqual(admitted, inOrder.slice(0, 2).map((h) => h.arrival), 'the first two in line, whichever origin they reached');
  const after = (await a.request('GET', '/api/v1/admin/waiting-room', { token: admin.token })).body;
  assert.deepEqual([after.waiting, after.active], [1, 2], 'never above totalActiveUsers across origins');
});
