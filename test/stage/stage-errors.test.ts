import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { crc32 } from 'node:zlib';
import wrtc from '@roamhq/wrtc';
import { buildStageApp, DecodingSink, waitFor } from '../helpers/stage-app.js';
import { exitAfterTests, postSdp, TonePublisher } from '../helpers/wrtc-peers.js';
import { toneAmplitude } from '../helpers/goertzel.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** The garbage thrown at the mux port: the same bytes every run. */
const random = seededRandom(0x5eed_0dd);
const randomBytes = (n: number): Buffer => Buffer.from(random.bytes(n));
import { stageMetrics } from '../../src/stage/metrics.js';

exitAfterTests();

const SPACE = 'space-errors';

async function offerWith(kind: 'audio' | 'video'): Promise<string> {
  const pc = new wrtc.RTCPeerConnection();
  try {
    pc.addTransceiver(kind, { direction: 'sendonly' });
    const offer = await pc.createOffer();
    return offer.sdp!;
  } finally {
    pc.close();
  }
}

function code(body: string): string {
  return JSON.parse(body).error.code;
}

async function dropped(reason: string): Promise<number> {
  const metric = await stageMetrics.packetsDropped.get();
  return metric.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

/**
 * A STUN Binding request (RFC 8489) with a USERNAME no session owns. libjuice only looks at requests
 * that carry MESSAGE-INTEGRITY (it cannot check it without a session), so add a random one.
 */
function strayStunRequest(): Buffer {
  const username = Buffer.from(`${randomBytes(4).toString('hex')}:${randomBytes(4).toString('hex')}`);
  const padded = Math.ceil(username.length / 4) * 4;
  const attributes = Buffer.alloc(4 + padded + 4 + 20);
  attributes.writeUInt16BE(0x0006, 0);
  attributes.writeUInt16BE(username.length, 2);
  username.copy(attributes, 4);
  attributes.writeUInt16BE(0x0008, 4 + padded);
  attributes.writeUInt16BE(20, 6 + padded);
  randomBytes(20).copy(attributes, 8 + padded);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt16BE(attributes.length + 8, 2);
  header.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(header, 8);
  const fingerprint = Buffer.alloc(8);
  fingerprint.writeUInt16BE(0x8028, 0);
  fingerprint.writeUInt16BE(4, 2);
  fingerprint.writeUInt32BE((crc32(Buffer.concat([header, attributes])) ^ 0x5354554e) >>> 0, 4);
  return Buffer.concat([header, attributes, fingerprint]);
}

test('WHIP/WHEP request errors carry catalogue codes', { timeout: 60_000 }, async (t) => {
  const { app, media, authority } = await buildStageApp({ iceServers: ['stun:stun.example.net:3478', 'turn:turn.example.net?transport=udp'] });
  t.after(async () => {
    await media.close();
    await app.close();
  });
  authority.grant('tok', SPACE, 'p1');
  const audio = await offerWith('audio');

  await t.test('Space not live -> SPACE_NOT_LIVE', async () => {
    const res = await postSdp(app, `/api/v1/spaces/${SPACE}/whip`, audio, 'tok');
    assert.equal(res.status, 409);
    assert.equal(code(res.body), 'SPACE_NOT_LIVE');
  });

  media.openSpace(SPACE, new DecodingSink());

  await t.test('OPTIONS advertises application/sdp and the ICE servers', async () => {
    const res = await app.inject({ method: 'OPTIONS', url: `/api/v1/spaces/${SPACE}/whip` });
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['accept-post'], 'application/sdp');
    const link = ([] as string[]).concat(res.headers['link'] as string | string[]).join(', ');
    assert.match(link, /<stun:stun\.example\.net:3478>; rel="ice-server"/);
    assert.match(link, /<turn:turn\.example\.net\?transport=udp>; rel="ice-server"/);
    const preflight = await app.inject({ method: 'OPTIONS', url: `/api/v1/spaces/${SPACE}/whip`, headers: { 'access-control-request-method': 'POST', origin: 'https://example.org' } });
    assert.equal(preflight.headers['link'], undefined);
  });

  const cases: [string, string, string | undefined, number, string][] = [
    ['malformed SDP', 'this is not sdp', 'tok', 400, 'SDP_INVALID'],
    ['truncated SDP', audio.slice(0, 60), 'tok', 400, 'SDP_INVALID'],
    ['no audio section', await offerWith('video'), 'tok', 400, 'SDP_NO_AUDIO'],
    ['no Opus', audio.replace(/opus\/48000/gi, 'speex/48000'), 'tok', 415, 'SDP_NO_OPUS'],
    ['no bearer', audio, undefined, 401, 'AUTH_REQUIRED'],
    ['unknown bearer', audio, 'nope', 401, 'STAGE_TOKEN_INVALID'],
  ];
  for (const [name, sdp, bearer, status, expected] of cases) {
    await t.test(`${name} -> ${expected}`, async () => {
      const res = await postSdp(app, `/api/v1/spaces/${SPACE}/whip`, sdp, bearer);
      assert.equal(res.status, status, res.body);
      assert.equal(code(res.body), expected);
    });
  }

  await t.test('WHEP checks the offer the same way', async () => {
    const res = await postSdp(app, `/api/v1/spaces/${SPACE}/whep`, await offerWith('video'));
    assert.equal(res.status, 400);
    assert.equal(code(res.body), 'SDP_NO_AUDIO');
  });

  await t.test('a malformed Authorization is a failed credential, never an anonymous listener', async () => {
    const res = await app.inject({
      method: 'POST', url: `/api/v1/spaces/${SPACE}/whep`, payload: audio,
      headers: { 'content-type': 'application/sdp', authorization: 'Basic dG9rOg==' },
    });
    assert.equal(res.statusCode, 401, res.body);
    assert.equal(code(res.body), 'STAGE_TOKEN_INVALID');
  });

  await t.test('wrong Content-Type -> UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await postSdp(app, `/api/v1/spaces/${SPACE}/whip`, '{"sdp":1}', 'tok', 'application/json');
    assert.equal(res.status, 415);
    assert.equal(code(res.body), 'UNSUPPORTED_MEDIA_TYPE');
  });

  await t.test('a body over 64 KB -> BODY_TOO_LARGE', async () => {
    const res = await postSdp(app, `/api/v1/spaces/${SPACE}/whip`, audio + 'a=x:'.padEnd(70_000, 'y') + '\r\n', 'tok');
    assert.equal(res.status, 413);
    assert.equal(code(res.body), 'BODY_TOO_LARGE');
  });

  await t.test('DELETE of an unknown session -> MEDIA_SESSION_NOT_FOUND', async () => {
    const res = await app.inject({ method: 'DELETE', url: `/api/v1/spaces/${SPACE}/whip/unknown` });
    assert.equal(res.statusCode, 404);
    assert.equal(code(res.body), 'MEDIA_SESSION_NOT_FOUND');
  });

  await t.test('GET or HEAD of an unknown session -> MEDIA_SESSION_NOT_FOUND (what a probing client reads as "gone")', async () => {
    for (const url of [`/api/v1/spaces/${SPACE}/whep/unknown`, `/api/v1/spaces/${SPACE}/whip/%00`, `/api/v1/spaces/%2F..%2F/whip/x`]) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(code(res.body), 'MEDIA_SESSION_NOT_FOUND', url);
      assert.equal((await app.inject({ method: 'HEAD', url })).statusCode, 404, url);
    }
  });

  await t.test('PATCH -> ICE_RESTART_UNSUPPORTED', async () => {
    const res = await app.inject({ method: 'PATCH', url: `/api/v1/spaces/${SPACE}/whep/x`, payload: 'a=ice-ufrag:x', headers: { 'content-type': 'application/trickle-ice-sdpfrag' } });
    assert.equal(res.statusCode, 405);
    assert.equal(code(res.body), 'ICE_RESTART_UNSUPPORTED');
  });
});

test('limits: per-IP creation rate (429 + Retry-After) and session capacity (503)', { timeout: 30_000 }, async (t) => {
  const { app, media } = await buildStageApp({ sessionRateBurst: 2, sessionRatePerSecond: 0.5, maxSessions: 1 });
  t.after(async () => {
    await media.close();
    await app.close();
  });
  media.openSpace(SPACE, new DecodingSink());
  const offer = await offerWith('audio');
  const first = await postSdp(app, `/api/v1/spaces/${SPACE}/whep`, offer.replace(/a=recvonly|a=sendonly/, 'a=recvonly'));
  assert.equal(first.status, 201, first.body);
  const second = await postSdp(app, `/api/v1/spaces/${SPACE}/whep`, offer);
  assert.equal(second.status, 503);
  assert.equal(code(second.body), 'MEDIA_CAPACITY');
  const third = await postSdp(app, `/api/v1/spaces/${SPACE}/whep`, offer);
  assert.equal(third.status, 429);
  assert.equal(code(third.body), 'RATE_LIMITED');
  assert.ok(Number(third.headers['retry-after']) >= 1);
});

test('garbage UDP on the mux port is dropped and counted, and media keeps flowing', { timeout: 60_000 }, async (t) => {
  const { app, media, authority } = await buildStageApp();
  const sink = new DecodingSink();
  const publisher = new TonePublisher(900);
  const socket = createSocket('udp4');
  t.after(async () => {
    socket.close();
    publisher.close();
    await media.close();
    await app.close();
  });
  media.openSpace(SPACE, sink);
  authority.grant('tok', SPACE, 'p1');
  assert.equal((await publisher.publish(app, SPACE, 'tok')).status, 201);
  assert.ok(await waitFor(() => toneAmplitude(sink.between(Date.now() - 300), 900) > 0.05, 10_000), 'tone flows');

  const before = await dropped('stun-unknown');
  const send = (b: Buffer): Promise<void> => new Promise((resolve) => socket.send(b, media.udpPort, '127.0.0.1', () => resolve()));
  for (let i = 0; i < 300; i++) {
    await send(randomBytes(1 + Math.floor(random.next() * 1400)));
    // RTP-looking and DTLS-looking garbage: valid first bytes, random rest.
    const fake = randomBytes(12 + Math.floor(random.next() * 200));
    fake[0] = i % 2 === 0 ? 0x80 : 0x16;
    await send(fake);
    if (i % 10 === 0) await send(strayStunRequest());
  }
  // 30 stray STUN requests were sent; UDP on loopback may still lose a few under load.
  assert.ok(await waitFor(async () => (await dropped('stun-unknown')) - before >= 20, 10_000), 'stray STUN requests counted');
  // Heard again after the garbage: a quarter of a second of the mix carries the tone.
  const start = Date.now();
  const QUARTER_SECOND = 48_000 / 4;
  assert.ok(await waitFor(() => {
    const pcm = sink.between(start);
    return pcm.length >= QUARTER_SECOND && toneAmplitude(pcm, 900) > 0.05;
  }, 10_000), 'the publisher is still heard');
  assert.equal(media.stats().sessions.whip, 1);
});
