import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { listenWhep, publishWhip, toneSource } from '../../src/clients/index.js';
import { withUser } from '../../src/store/postgres/database.js';
import { deleteKeys, dropSchemas, POSTGRES_URL, uniqueName, until } from '../helpers/cluster-engines.js';
import { exitAfterNdcTests } from '../helpers/exit-after-ndc.js';
import { call, OriginCluster, type Origin } from '../helpers/origin-processes.js';
import { DEAD_OFFER } from '../helpers/dead-offer.js';
import { requestFrom } from '../helpers/request-from.js';


/**
 * Three `tribune serve` processes on loopback, one PostgreSQL schema and one Redis prefix: a Space
 * started through one origin runs on exactly one; a speaker publishes over WHIP through another origin
 * and listeners hear the program over WHEP and LL-HLS through every origin; kill -9 of that origin moves it to another within
 * seconds; SIGTERM of the next holder drains it (its Space moves, the process exits 0). Writes
 * acknowledged by any origin are there on every other, the killed one included.
 */

exitAfterNdcTests();
const schema = uniqueName('procs');
const prefix = uniqueName('procs');
const cluster = new OriginCluster(schema, prefix);
const startOrigin = (id: string) => cluster.start(id);

after(async () => {
  cluster.cleanup();
  await dropSchemas([schema]);
  await deleteKeys([prefix]);
});

test('three origins: one runs the Space; kill -9 moves it, SIGTERM drains it', { timeout: 180_000 }, async () => {
  const origins = await Promise.all(['o1', 'o2', 'o3'].map(startOrigin));
  const byId = new Map(origins.map((o) => [o.id, o]));
  const admin = (await call(origins[0]!, 'POST', '/api/v1/auth/register', { body: { handle: 'ops', password: 'correct horse battery' } })).body;
  const db = new pg.Client({ connectionString: withUser(POSTGRES_URL) });
  await db.connect();
  await db.query(`UPDATE ${schema}.users SET platform_role = 'admin' WHERE id = $1`, [admin.user.id]);
  await db.end();

  const space = (await call(origins[0]!, 'POST', '/api/v1/spaces', { token: admin.token, body: { title: 'Moves' } })).body;
  assert.equal((await call(origins[1]!, 'POST', `/api/v1/spaces/${space.id}/start`, { token: admin.token })).status, 200);

  let view: any;
  const placedOn = async (through: Origin) => {
    view = (await call(through, 'GET', '/api/v1/cluster', { token: admin.token })).body;
    return view.spaces?.find((s: { spaceId: string }) => s.spaceId === space.id)?.origin as string | null | undefined;
  };
  assert.ok(await until(async () => (await placedOn(origins[2]!)) != null, 15_000, 100), JSON.stringify(view));
  const first = byId.get((await placedOn(origins[2]!))!)!;
  assert.equal(view.mode, 'cluster');
  assert.deepEqual(view.origins.map((o: { id: string; state: string }) => `${o.id}:${o.state}`), ['o1:serving', 'o2:serving', 'o3:serving']);
  assert.equal((await call(origins[2]!, 'GET', '/api/v1/cluster')).body.error.code, 'AUTH_REQUIRED');
  assert.match(await (await fetch(`${origins[2]!.url}/metrics`)).text(), /tribune_process_cpu_seconds_total\{[^}]*origin="o3"/, 'metrics name their origin');

  // One per-address limit across the three: listener tokens (10 a minute per address by default), asked
  // from this one address round-robin through every origin, ten granted in all, not ten per origin.
  const granted = await Promise.all(Array.from({ length: 24 }, (_, i) =>
    call(origins[i % 3]!, 'POST', `/api/v1/spaces/${space.id}/listener-token`).then((r) => r.status)));
  assert.equal(granted.filter((s) => s === 201 || s === 200).length, 10, `granted: ${granted.join(',')}`);
  assert.equal(granted.filter((s) => s === 429).length, 14, `refused: ${granted.join(',')}`);

  // Signalling through any origin reaches the one running the Space; the media flows to it directly.
  const others = origins.filter((o) => o !== first);
  const publisher = await publishWhip({ url: `${others[0]!.url}/api/v1/spaces/${space.id}/whip`, bearer: admin.token, source: toneSource(880, 0.3) });
  const listeners = await Promise.all(origins.map((o) => listenWhep({ url: `${o.url}/api/v1/spaces/${space.id}/whep` })));
  assert.ok(await until(() => listeners.every((l) => l.stats().packetsReceived > 25), 20_000, 50),
    `every WHEP listener hears the program: ${listeners.map((l) => l.stats().packetsReceived).join(', ')}`);
  for (const o of origins) {
    const playlist = await fetch(`${o.url}/hls/${space.id}/audio.m3u8`);
    assert.ok(await until(async () => (await fetch(`${o.url}/hls/${space.id}/audio.m3u8`)).status === 200, 15_000, 100), `LL-HLS through ${o.id}: ${playlist.status}`);
    assert.match(await (await fetch(`${o.url}/hls/${space.id}/audio.m3u8`)).text(), /#EXT-X-MAP:URI="init\.mp4"[\s\S]*#EXT(INF|-X-PART):/);
  }
  for (const l of listeners) await l.close();
  await publisher.close();

  // A forwarded offer counts against its client's pending-offer limit (4 per address), not against the
  // origin that forwarded it: six clients through one origin are each admitted, one client's fifth is not.
  // (It once counted against the forwarding origin's address: the fifth client behind it was refused.)
  const whepThrough = (from: string) => requestFrom(from, `${others[0]!.url}/api/v1/spaces/${space.id}/whep`, 'POST', { 'content-type': 'application/sdp' }, DEAD_OFFER);
  const clients = await Promise.all(Array.from({ length: 6 }, (_, i) => whepThrough(`127.0.3.${i + 1}`)));
  assert.deepEqual(clients, [201, 201, 201, 201, 201, 201], 'six clients through one origin');
  const oneClient: number[] = [];
  for (let i = 0; i < 5; i++) oneClient.push(await whepThrough('127.0.4.1'));
  assert.deepEqual(oneClient, [201, 201, 201, 201, 429], 'one client, five offers');

  // Writes acknowledged through the origin about to die are on the others afterwards.
  const fan = (await call(first, 'POST', '/api/v1/auth/register', { body: { handle: 'fan', password: 'correct horse battery' } })).body;
  const asked = await call(first, 'POST', `/api/v1/spaces/${space.id}/questions`, { token: fan.token, body: { text: 'Still here?' } });
  assert.equal(asked.status, 201);

  const killedAt = Date.now();
  first.child.kill('SIGKILL');
  const survivors = origins.filter((o) => o !== first);
  assert.ok(await until(async () => {
    const now = await placedOn(survivors[0]!);
    return now != null && now !== first.id;
  }, 30_000, 100), `the Space left ${first.id}: ${JSON.stringify(view)}`);
  const movedMs = Date.now() - killedAt;
  process.stdout.write(`# the Space moved off a killed origin in ${movedMs} ms\n`);
  const second = byId.get((await placedOn(survivors[0]!))!)!;
  const questions = await call(survivors[0]!, 'GET', `/api/v1/spaces/${space.id}/questions`, { token: admin.token });
  assert.ok(questions.body.questions.some((q: { id: string }) => q.id === asked.body.id), 'the acknowledged question survived its origin');

  const third = survivors.find((o) => o !== second)!;
  const exited = new Promise<number | null>((resolve) => second.child.once('exit', (code) => resolve(code)));
  second.child.kill('SIGTERM');
  assert.equal(await exited, 0, 'a drained origin exits cleanly');
  assert.ok(await until(async () => (await placedOn(third)) === third.id, 15_000, 100), `drained to ${third.id}: ${JSON.stringify(view)}`);
  assert.ok(!view.origins.some((o: { id: string }) => o.id === second.id), 'a drained origin leaves the registry');
});
