import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStageApp, DecodingSink, waitFor } from '../helpers/stage-app.js';
import { exitAfterTests, ListenerPeer, TonePublisher } from '../helpers/wrtc-peers.js';
import { toneAmplitude } from '../helpers/goertzel.js';
import type { SeatStateEvent } from '../../src/stage/index.js';
import type { SpeakerLevels } from '../../src/media/types.js';

exitAfterTests();

const SPACE = 'space-mix';
const TONES = { alice: 500, bob: 1300, carol: 3100 } as const;
type Name = keyof typeof TONES;
const NAMES = Object.keys(TONES) as Name[];
/** A tone is "present" above this amplitude (sent at 0.2) and "absent" below ABSENT. */
const PRESENT = 0.05;
const ABSENT = 0.015;

test('three speakers: program, mix-minus, mute, drop and reconnect', { timeout: 60_000 }, async (t) => {
  const { app, media, authority } = await buildStageApp({ mediaTimeoutMs: 1500, reconnectGraceMs: 2500 });
  const sink = new DecodingSink();
  const states: SeatStateEvent[] = [];
  const levels: SpeakerLevels[] = [];
  media.events.on('seat-state', (e) => states.push(e));
  media.events.on('levels', (e) => levels.push(e));
  media.openSpace(SPACE, sink);
  const publishers = new Map<Name, TonePublisher>();
  const listeners = new Map<Name | 'program', ListenerPeer>();
  t.after(async () => {
    for (const p of publishers.values()) p.close();
    for (const l of listeners.values()) l.close();
    await media.close();
    await app.close();
  });

  for (const name of NAMES) {
    authority.grant(`token-${name}`, SPACE, name);
    const publisher = new TonePublisher(TONES[name]);
    publishers.set(name, publisher);
    const res = await publisher.publish(app, SPACE, `token-${name}`);
    assert.equal(res.status, 201, res.body);
    assert.match(String(res.headers['location']), new RegExp(`^/api/v1/spaces/${SPACE}/whip/[\\w-]+$`));
    assert.equal(res.headers['content-type'], 'application/sdp');
  }
  const program = new ListenerPeer();
  listeners.set('program', program);
  assert.equal((await program.listen(app, SPACE)).status, 201);
  for (const name of NAMES) {
    const listener = new ListenerPeer();
    listeners.set(name, listener);
    assert.equal((await listener.listen(app, SPACE, `token-${name}`)).status, 201);
  }

  await t.test('every seat connects', async () => {
    assert.ok(await waitFor(() => NAMES.every((n) => states.some((s) => s.participantId === n && s.state === 'connected')), 10_000));
  });

  await t.test('the program (ProgramSink and WHEP) carries every tone', async () => {
    assert.ok(await waitFor(() => program.samplesReceived > 48_000 * 1.5, 10_000), 'program listener got audio');
    // Half a second of both, with every tone in it (a listener's jitter buffer may still be filling).
    const window = () => ({ fromSink: sink.between(Date.now() - 600, Date.now() - 100), heard: program.recent(500) });
    await waitFor(() => {
      const { fromSink, heard } = window();
      return NAMES.every((name) => toneAmplitude(fromSink, TONES[name]) > PRESENT && toneAmplitude(heard, TONES[name]) > PRESENT);
    }, 5_000);
    const { fromSink, heard } = window();
    for (const name of NAMES) {
      assert.ok(toneAmplitude(fromSink, TONES[name]) > PRESENT, `sink: ${name} ${toneAmplitude(fromSink, TONES[name])}`);
      assert.ok(toneAmplitude(heard, TONES[name]) > PRESENT, `whep: ${name} ${toneAmplitude(heard, TONES[name])}`);
    }
    const stats = media.stats();
    assert.equal(stats.sessions.whip, 3);
    assert.equal(stats.sessions.whep, 4);
  });

  await t.test('each mix-minus lacks its own tone and has the others', async () => {
    for (const name of NAMES) {
      const heard = listeners.get(name)!.recent(500);
      assert.ok(heard.length > 20_000, `${name} mix-minus got audio`);
      for (const other of NAMES) {
        const amplitude = toneAmplitude(heard, TONES[other]);
        if (other === name) assert.ok(amplitude < ABSENT, `${name} hears self at ${amplitude}`);
        else assert.ok(amplitude > PRESENT, `${name} misses ${other}: ${amplitude}`);
      }
    }
  });

  await t.test('levels are emitted at most 4 Hz and show speaking seats', async () => {
    const recent = levels.slice(-3);
    assert.ok(recent.length >= 3);
    for (const name of NAMES) assert.equal(recent.at(-1)!.levels[name]?.speaking, true, name);
  });

  await t.test('setMuted takes the tone out of the program within 100 ms, and back in', async () => {
    const mutedAt = Date.now();
    media.setMuted(SPACE, 'alice', true);
    // 300 ms of the mix from 100 ms after the mute: alice must be absent from all of it.
    assert.ok(await waitFor(() => sink.between(mutedAt + 100).length >= 960 * 15, 5_000), 'the mix goes on');
    const after = sink.between(mutedAt + 100, Date.now());
    assert.ok(after.length >= 960 * 10);
    assert.ok(toneAmplitude(after, TONES.alice) < ABSENT, `alice still at ${toneAmplitude(after, TONES.alice)}`);
    assert.ok(toneAmplitude(after, TONES.bob) > PRESENT);
    // Frame by frame: no 20 ms frame after mute + 100 ms holds alice's tone.
    for (const frame of sink.frames.filter((f) => f.wallClock >= mutedAt + 100)) {
      assert.ok(toneAmplitude(frame.pcm, TONES.alice) < 0.03);
    }
    const unmutedAt = Date.now();
    media.setMuted(SPACE, 'alice', false);
    // Back within 100 ms: the 200 ms that follow carry her tone.
    assert.ok(await waitFor(() => sink.between(unmutedAt + 100).length >= 960 * 10, 5_000), 'the mix goes on');
    assert.ok(toneAmplitude(sink.between(unmutedAt + 100, Date.now()), TONES.alice) > PRESENT);
  });

  await t.test('a speaker whose peer vanishes leaves no tone, goes reconnecting, then may re-publish', async () => {
    const droppedAt = Date.now();
    publishers.get('carol')!.close();
    // Half a second of the mix from 150 ms after the drop (what the jitter buffer held may play out before).
    assert.ok(await waitFor(() => sink.between(droppedAt + 150).length >= 960 * 25, 5_000), 'the mix goes on');
    const afterDrop = sink.between(droppedAt + 150, Date.now());
    assert.ok(toneAmplitude(afterDrop, TONES.carol) < ABSENT, `carol still at ${toneAmplitude(afterDrop, TONES.carol)}`);
    assert.ok(await waitFor(() => states.some((s) => s.participantId === 'carol' && s.state === 'reconnecting'), 5000), 'reconnecting');
    // Within the grace period the seat keeps its slot: publishing again works and the tone is back.
    const again = new TonePublisher(TONES.carol);
    publishers.set('carol', again);
    const res = await again.publish(app, SPACE, 'token-carol');
    assert.equal(res.status, 201, res.body);
    assert.ok(await waitFor(() => states.filter((s) => s.participantId === 'carol' && s.state === 'connected').length === 2, 10_000));
    assert.ok(await waitFor(() => toneAmplitude(sink.between(Date.now() - 400, Date.now()), TONES.carol) > PRESENT, 5_000), 'carol is heard again');
    assert.ok(!states.some((s) => s.participantId === 'carol' && s.state === 'disconnected'));
  });

  await t.test('a second publish on a publishing seat is refused', async () => {
    const extra = new TonePublisher(700);
    try {
      const res = await extra.publish(app, SPACE, 'token-bob');
      assert.equal(res.status, 409);
      assert.equal(JSON.parse(res.body).error.code, 'MEDIA_SESSION_ACTIVE');
    } finally {
      extra.close();
    }
  });

  await t.test('a dropped speaker who does not come back is disconnected after the grace period', async () => {
    publishers.get('bob')!.close();
    assert.ok(await waitFor(() => states.some((s) => s.participantId === 'bob' && s.state === 'disconnected'), 8000));
    assert.equal(media.stats().bySpace[SPACE]!.seats, 2);
  });

  await t.test('removeSeat and DELETE end sessions; closeSpace ends the sink', async () => {
    media.removeSeat(SPACE, 'carol');
    assert.ok(states.some((s) => s.participantId === 'carol' && s.state === 'disconnected'));
    const del = await app.inject({ method: 'DELETE', url: publishers.get('alice')!.location });
    assert.equal(del.statusCode, 200);
    const again = await app.inject({ method: 'DELETE', url: publishers.get('alice')!.location });
    assert.equal(again.statusCode, 404);
    assert.equal(JSON.parse(again.body).error.code, 'MEDIA_SESSION_NOT_FOUND');
    await media.closeSpace(SPACE);
    assert.ok(sink.ended);
    assert.equal(media.stats().sessions.whep, 0);
    assert.equal(media.stats().sessions.whip, 0);
    await media.closeSpace(SPACE);
  });
});
