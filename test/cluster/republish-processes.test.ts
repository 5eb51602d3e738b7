import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, test } from 'node:test';
import pg from 'pg';
import { listenWhep, publishWhip, toneSource, type LossReason } from '../../src/clients/index.js';
import { withUser } from '../../src/store/postgres/database.js';
import { deleteKeys, dropSchemas, POSTGRES_URL, uniqueName, until } from '../helpers/cluster-engines.js';
import { exitAfterNdcTests } from '../helpers/exit-after-ndc.js';
import { toneAmplitude } from '../helpers/goertzel.js';
import { call, OriginCluster, startFailoverEdge, type Origin } from '../helpers/origin-processes.js';

/**
 * Three `tribune serve` processes behind an edge that skips a dead origin. A node WHIP speaker sends a
 * tone and a node WHEP listener hears the program, both through the edge. kill -9 of the origin running
 * the Space, then SIGTERM of the next one: each time both clients must come back by themselves, and the
 * tone must be heard again; the times from the kill (or the SIGTERM) are printed.
 */

exitAfterNdcTests();
const schema = uniqueName('repub');
const prefix = uniqueName('repub');
const cluster = new OriginCluster(schema, prefix);
const TONE_HZ = 880;
/** The tone is sent at 0.3 of full scale; silence and codec noise stay far below this. */
const HEARD = 0.05;

after(async () => {
  cluster.cleanup();
  await dropSchemas([schema]);
  await deleteKeys([prefix]);
});

interface Gap { speakerBackMs: number; listenerBackMs: number; toneBackMs: number; speakerReason: LossReason | undefined; listenerReason: LossReason | undefined }

test('a speaker and a WHEP listener come back by themselves after kill -9 and SIGTERM of their origin', { timeout: 240_000 }, async (t) => {
  const origins = await Promise.all(['r1', 'r2', 'r3'].map((id) => cluster.start(id)));
  const byId = new Map(origins.map((o) => [o.id, o]));
  const edge = await startFailoverEdge(origins);
  t.after(() => edge.close());
  const admin = (await call(origins[0]!, 'POST', '/api/v1/auth/register', { body: { handle: 'host', password: 'correct horse battery' } })).body;
  const db = new pg.Client({ connectionString: withUser(POSTGRES_URL) });
  await db.connect();
  await db.query(`UPDATE ${schema}.users SET platform_role = 'admin' WHERE id = $1`, [admin.user.id]);
  await db.end();
  const space = (await call(origins[0]!, 'POST', '/api/v1/spaces', { token: admin.token, body: { title: 'Comes back' } })).body;
  assert.equal((await call(origins[0]!, 'POST', `/api/v1/spaces/${space.id}/start`, { token: admin.token })).status, 200);

  let view: any;
  const runningOn = async (): Promise<Origin | undefined> => {
    for (const o of origins) {
      if (o.child.exitCode !== null || o.child.signalCode !== null) continue;
      view = (await call(o, 'GET', '/api/v1/cluster', { token: admin.token }).catch(() => ({ body: null }))).body;
      const id = view?.spaces?.find((s: { spaceId: string }) => s.spaceId === space.id)?.origin as string | null | undefined;
      return id ? byId.get(id) : undefined;
    }
    return undefined;
  };
  assert.ok(await until(async () => (await runningOn()) !== undefined, 15_000, 100), JSON.stringify(view));

  // Everything through the edge: the clients know one URL, as behind a real edge or CDN.
  let phaseStart = 0;
  let toneBack = -1;
  let speakerBack = -1;
  let listenerBack = -1;
  let lastTone = -1;
  const listener = await listenWhep({
    url: `${edge.url}/api/v1/spaces/${space.id}/whep`,
    onPcm: (frame) => {
      if (toneAmplitude(frame, TONE_HZ) < HEARD) return;
      lastTone = performance.now();
      // Back on air: the tone on the listener's new session, sent by the speaker's new session (a
      // draining origin still plays for a moment after the SIGTERM: that is not "back").
      if (phaseStart > 0 && toneBack < 0 && speakerBack > 0 && listenerBack > 0 && lastTone > Math.max(speakerBack, listenerBack)) toneBack = lastTone;
    },
  });
  const speaker = await publishWhip({ url: `${edge.url}/api/v1/spaces/${space.id}/whip`, bearer: admin.token, source: toneSource(TONE_HZ, 0.3) });
  t.after(async () => { await speaker.close(); await listener.close(); });
  const events: string[] = [];
  let speakerReason: LossReason | undefined;
  let listenerReason: LossReason | undefined;
  speaker.on('reconnecting', (e) => { speakerReason ??= e.reason; events.push(`speaker reconnecting #${e.attempt} (${e.reason})`); });
  speaker.on('published', () => { speakerBack = performance.now(); events.push('speaker published'); });
  speaker.on('gave-up', (e) => events.push(`speaker gave up: ${e.error.message}`));
  listener.on('reconnecting', (e) => { listenerReason ??= e.reason; events.push(`listener reconnecting #${e.attempt} (${e.reason})`); });
  listener.on('published', () => { listenerBack = performance.now(); events.push('listener published'); });
  listener.on('gave-up', (e) => events.push(`listener gave up: ${e.error.message}`));
  assert.ok(await until(() => lastTone > 0, 20_000, 50), 'the speaker is heard before anything dies');

  /** Ends `origin` with `signal` and waits for both clients and the tone to be back. */
  const survive = async (origin: Origin, signal: 'SIGKILL' | 'SIGTERM'): Promise<Gap> => {
    events.length = 0;
    speakerBack = listenerBack = toneBack = -1;
    speakerReason = listenerReason = undefined;
    phaseStart = performance.now();
    origin.child.kill(signal);
    const back = await until(() => speakerBack > 0 && listenerBack > 0 && toneBack > 0, 30_000, 20);
    assert.ok(back, `back after ${signal} of ${origin.id}: ${events.join('; ')}; speaker ${JSON.stringify(speaker.stats())}; listener ${JSON.stringify(listener.stats())}`);
    const now = await runningOn();
    assert.ok(now && now !== origin, `the Space runs elsewhere: ${JSON.stringify(view)}`);
    return {
      speakerBackMs: Math.round(speakerBack - phaseStart), listenerBackMs: Math.round(listenerBack - phaseStart),
      toneBackMs: Math.round(toneBack - phaseStart), speakerReason, listenerReason,
    };
  };
  const report = (what: string, gap: Gap): void => {
    process.stdout.write(`# ${what}: speaker republished after ${gap.speakerBackMs} ms (noticed: ${gap.speakerReason}), `
      + `WHEP listener after ${gap.listenerBackMs} ms (noticed: ${gap.listenerReason}), tone heard again after ${gap.toneBackMs} ms\n`);
  };

  const first = (await runningOn())!;
  const killed = await survive(first, 'SIGKILL');
  report('kill -9', killed);
  // The bound: noticing (≤ ~2 s) overlaps the lease's 5 s; then one reconciler tick and one negotiation.
  assert.ok(killed.toneBackMs < 15_000, `after kill -9: ${JSON.stringify(killed)}`);
  assert.equal(speaker.stats().reconnects, 1);
  assert.equal(listener.stats().reconnects, 1);

  const second = (await runningOn())!;
  const exited = new Promise<number | null>((resolve) => second.child.once('exit', (code) => resolve(code)));
  const drained = await survive(second, 'SIGTERM');
  report('SIGTERM drain', drained);
  assert.equal(await exited, 0);
  // A drain hands the Space over at once: no lease to wait for.
  assert.ok(drained.toneBackMs < 8_000, `after SIGTERM: ${JSON.stringify(drained)}`);
  assert.equal(speaker.stats().reconnects, 2);
  assert.equal(speaker.stats().state, 'connected');
  assert.equal(listener.stats().state, 'connected');
});
