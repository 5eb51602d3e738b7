import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { SESSION_STATE_HEADER } from '../../src/media/session-state.js';
import type { SeatStateEvent } from '../../src/stage/index.js';
import { toneAmplitude } from '../helpers/goertzel.js';
import { buildStageApp, DecodingSink, waitFor } from '../helpers/stage-app.js';
import { exitAfterTests, TonePublisher } from '../helpers/wrtc-peers.js';

exitAfterTests();

const SPACE = 'space-move';
const TONE = 700;
const PRESENT = 0.05;

/** A Space open on a stage app, its mix recorded, `name` publishing a tone into it. */
async function onAir(t: TestContext, name: string) {
  const { app, media, authority } = await buildStageApp({});
  const sink = new DecodingSink();
  const states: SeatStateEvent[] = [];
  media.events.on('seat-state', (e) => states.push(e));
  media.openSpace(SPACE, sink);
  authority.grant(`token-${name}`, SPACE, name);
  const publisher = new TonePublisher(TONE);
  t.after(async () => {
    publisher.close();
    await media.close();
    await app.close();
  });
  assert.equal((await publisher.publish(app, SPACE, `token-${name}`)).status, 201);
  return { app, media, sink, states, publisher };
}

/**
 * A Space moving out (the origin hands it to its standby, docs/cluster.md): its session probes say so,
 * a publisher's DELETE then means "I publish there too" and its voice stays in this mix until the
 * close, and the close does not tell the room the seat disconnected (it is on the next origin).
 */
test('moving out: probes say moving, a moved publisher stays in the mix until the close, nobody is announced disconnected', { timeout: 60_000 }, async (t) => {
  const { app, media, sink, states, publisher } = await onAir(t, 'alice');
  const probe = () => app.inject({ method: 'GET', url: publisher.location });
  const voiced = () => toneAmplitude(sink.between(Date.now() - 400, Date.now() - 100), TONE) > PRESENT;
  assert.ok(await waitFor(voiced, 10_000), 'the voice is in the mix');
  assert.equal((await probe()).headers[SESSION_STATE_HEADER.toLowerCase()], 'held');

  media.moveOut(SPACE);
  const moving = await probe();
  assert.equal(moving.statusCode, 200);
  assert.equal(moving.headers[SESSION_STATE_HEADER.toLowerCase()], 'moving');

  assert.equal((await app.inject({ method: 'DELETE', url: publisher.location })).statusCode, 200);
  assert.equal(media.stats().bySpace[SPACE]!.publishing, 0, 'a moved publisher no longer holds the hand-over');
  assert.equal((await probe()).statusCode, 404, 'its resource is gone');
  // Half a second later the voice is still mixed here: the client keeps sending until the close.
  const deletedAt = Date.now();
  assert.ok(await waitFor(() => Date.now() - deletedAt > 500 && voiced(), 5_000), 'the moved voice stays in the mix');

  await media.closeSpace(SPACE);
  assert.ok(sink.ended);
  assert.deepEqual(states.filter((s) => s.state !== 'connected'), [], 'no seat announced disconnected or reconnecting by the hand-over');
});

test('not moving: a DELETE takes the seat out of the mix at once, and the room is told', { timeout: 60_000 }, async (t) => {
  const { app, sink, states, publisher } = await onAir(t, 'bob');
  assert.ok(await waitFor(() => toneAmplitude(sink.between(Date.now() - 400, Date.now() - 100), TONE) > PRESENT, 10_000));
  assert.equal((await app.inject({ method: 'DELETE', url: publisher.location })).statusCode, 200);
  const deletedAt = Date.now();
  assert.ok(await waitFor(() => toneAmplitude(sink.between(deletedAt + 100, Date.now()), TONE) < 0.01 && Date.now() - deletedAt > 400, 5_000), 'the voice left the mix');
  assert.ok(states.some((s) => s.participantId === 'bob' && s.state === 'disconnected'));
});
