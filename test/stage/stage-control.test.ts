import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toneAmplitude } from '../helpers/goertzel.js';
import { register, startTestServer } from '../helpers/control-server.js';
import { waitFor } from '../helpers/stage-app.js';
import { exitAfterTests, ListenerPeer, TonePublisher } from '../helpers/wrtc-peers.js';

exitAfterTests();

/**
 * The whole origin: the control API decides, the stage obeys. The host publishes with their session
 * token, a guest with a stage invite token; a WHEP listener hears both; a mute, a removal and the end
 * of the Space, all made through the REST API, act on the live media.
 */
const HOST_TONE = 700;
const GUEST_TONE = 1900;
const PRESENT = 0.05;
const ABSENT = 0.015;

test('stage actions through the API act on live media', { timeout: 90_000 }, async (t) => {
  const server = await startTestServer({ server: { media: true } });
  const peers: Array<{ close(): void }> = [];
  t.after(async () => {
    for (const p of peers) p.close();
    await server.close();
  });
  const host = await register(server, 'stage_host');
  const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Live' } })).body;

  const early = new TonePublisher(HOST_TONE);
  peers.push(early);
  const notLive = await early.publish(server.app, space.id, host.token);
  assert.equal(notLive.status, 409);
  assert.equal(JSON.parse(notLive.body).error.code, 'SPACE_NOT_LIVE');
  early.close();

  assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);
  const invite = (await server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens`, { token: host.token, body: { role: 'speaker' } })).body;

  const hostPeer = new TonePublisher(HOST_TONE);
  const guestPeer = new TonePublisher(GUEST_TONE);
  const listener = new ListenerPeer();
  peers.push(hostPeer, guestPeer, listener);
  assert.equal((await hostPeer.publish(server.app, space.id, host.token)).status, 201);
  const guest = await guestPeer.publish(server.app, space.id, invite.token);
  assert.equal(guest.status, 201, guest.body);
  const second = new TonePublisher(GUEST_TONE);
  peers.push(second);
  const again = await second.publish(server.app, space.id, invite.token);
  assert.equal(JSON.parse(again.body).error.code, 'MEDIA_SESSION_ACTIVE', 'one publishing session per seat');
  assert.equal((await listener.listen(server.app, space.id)).status, 201);

  const stage = (await server.request('GET', `/api/v1/spaces/${space.id}/stage`)).body.participants as Array<{ id: string; role: string }>;
  const guestSeat = stage.find((p) => p.role === 'speaker')!;
  assert.ok(guestSeat, 'the invite became a speaker seat on first publish');

  await t.test('the listener hears host and guest; the state shows them speaking', async () => {
    assert.ok(await waitFor(() => listener.samplesReceived > 48_000 * 1.5, 15_000), 'WHEP audio flows');
    // Both tones in the last half second (the listener's jitter buffer may still be filling).
    await waitFor(() => toneAmplitude(listener.recent(500), HOST_TONE) > PRESENT && toneAmplitude(listener.recent(500), GUEST_TONE) > PRESENT, 5_000);
    const heard = listener.recent(500);
    assert.ok(toneAmplitude(heard, HOST_TONE) > PRESENT, `host ${toneAmplitude(heard, HOST_TONE)}`);
    assert.ok(toneAmplitude(heard, GUEST_TONE) > PRESENT, `guest ${toneAmplitude(heard, GUEST_TONE)}`);
    assert.ok(await waitFor(async () => {
      const state = (await server.request('GET', `/api/v1/spaces/${space.id}/state`)).body;
      return state.stage.filter((p: { speaking: boolean }) => p.speaking).length === 2;
    }, 5_000), 'both speaking in the cached state');
  });

  await t.test('a mute made through the API silences the guest within a few frames', async () => {
    const before = performance.now();
    const res = await server.request('POST', `/api/v1/spaces/${space.id}/participants/${guestSeat.id}/mute`, { token: host.token, body: { muted: true } });
    assert.equal(res.status, 200);
    // The network path adds its own delay: wait for silence, then check it came quickly.
    assert.ok(await waitFor(() => toneAmplitude(listener.recent(60), GUEST_TONE) < ABSENT, 2_000), 'the guest tone disappears');
    const elapsed = performance.now() - before;
    assert.ok(elapsed < 1_000, `silenced after ${elapsed.toFixed(0)} ms`);
    assert.ok(toneAmplitude(listener.recent(200), HOST_TONE) > PRESENT, 'the host is still heard');
    const unmute = await server.request('POST', `/api/v1/spaces/${space.id}/participants/${guestSeat.id}/mute`, { token: invite.token, body: { muted: false } });
    assert.equal(unmute.status, 200, 'the guest unmutes themself with their stage token');
    assert.ok(await waitFor(() => toneAmplitude(listener.recent(200), GUEST_TONE) > PRESENT, 3_000), 'the guest is back');
  });

  await t.test('removing the guest closes their session and takes them out of the mix', async () => {
    assert.equal((await server.request('DELETE', `/api/v1/spaces/${space.id}/participants/${guestSeat.id}`, { token: host.token })).status, 204);
    assert.ok(await waitFor(() => toneAmplitude(listener.recent(200), GUEST_TONE) < ABSENT, 3_000), 'the guest is gone from the program');
    const retry = new TonePublisher(GUEST_TONE);
    peers.push(retry);
    const res = await retry.publish(server.app, space.id, invite.token);
    assert.equal(JSON.parse(res.body).error.code, 'STAGE_TOKEN_INVALID', 'the revoked invite cannot publish again');
  });

  await t.test('ending the Space closes every session and opens the replay', async () => {
    const ended = await server.request('POST', `/api/v1/spaces/${space.id}/end`, { token: host.token });
    assert.equal(ended.status, 200);
    assert.ok(await waitFor(() => server.stageMedia!.stats().sessions.whip + server.stageMedia!.stats().sessions.whep === 0, 5_000), 'no session left');
    const fetched = (await server.request('GET', `/api/v1/spaces/${space.id}`)).body;
    assert.match(fetched.replayUrl, new RegExp(`/hls/${space.id}/replay.m3u8$`));
    const replay = await server.app.inject({ method: 'GET', url: `/hls/${space.id}/replay.m3u8` });
    assert.equal(replay.statusCode, 200);
    assert.match(replay.body, /#EXT-X-PLAYLIST-TYPE:VOD/);
    assert.match(replay.body, /#EXT-X-ENDLIST/);
  });
});
