import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

/** The paths and fields integrations rely on, and the errors they get when they go wrong. */

let server: TestServer;
let host: { token: string; user: { id: string } };
let fan: { token: string; user: { id: string } };
let fan2: { token: string; user: { id: string } };

before(async () => {
  server = await startTestServer();
  host = await register(server, 'host_a');
  fan = await register(server, 'fan_a');
  fan2 = await register(server, 'fan_b');
});
after(() => server.close());

async function newSpace(body: Record<string, unknown> = { title: 'Débat' }) {
  const res = await server.request('POST', '/api/v1/spaces', { token: host.token, body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

describe('accounts', () => {
  test('register, login, me, logout; the cookie works like the bearer', async () => {
    const reg = await server.request('POST', '/api/v1/auth/register', { body: { handle: 'Zoé_1', password: 'long enough pw' } });
    assert.equal(reg.status, 400, 'handles are ASCII letters, digits and _');
    const ok = await server.request('POST', '/api/v1/auth/register', { body: { handle: 'zoe_1', password: 'long enough pw', displayName: 'Zoé' } });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.user.displayName, 'Zoé');
    assert.match(String(ok.headers['set-cookie']), /tribune_session=tks_[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
    const dup = await server.request('POST', '/api/v1/auth/register', { body: { handle: 'ZOE_1', password: 'another pw!' } });
    assert.equal(dup.body.error.code, 'HANDLE_TAKEN');
    const wrong = await server.request('POST', '/api/v1/auth/login', { body: { handle: 'zoe_1', password: 'wrong password' } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'INVALID_CREDENTIALS');
    const login = await server.request('POST', '/api/v1/auth/login', { body: { handle: 'zoe_1', password: 'long enough pw' } });
    assert.equal(login.status, 200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const me = await server.request('GET', '/api/v1/me', { headers: { cookie } });
    assert.equal(me.body.handle, 'zoe_1');
    assert.equal((await server.request('POST', '/api/v1/auth/logout', { token: login.body.token })).status, 204);
    const after = await server.request('GET', '/api/v1/me', { token: login.body.token });
    assert.equal(after.body.error.code, 'AUTH_REQUIRED');
  });

  test('a bogus bearer is refused, not treated as anonymous', async () => {
    const res = await server.request('POST', '/api/v1/spaces', { token: 'tks_forged', body: { title: 'x' } });
    assert.equal(res.body.error.code, 'AUTH_REQUIRED');
  });
});

describe('spaces', () => {
  test('create with a schedule and time zone, then start and end', async () => {
    const space = await newSpace({ title: 'Grand oral', language: 'fr', scheduledStart: '2026-12-01T19:00:00+01:00', timeZone: 'Europe/Paris' });
    assert.equal(space.state, 'scheduled');
    assert.equal(space.scheduledStart, '2026-12-01T18:00:00.000Z', 'stored as an instant');
    assert.equal(space.timeZone, 'Europe/Paris');
    assert.match(space.listenPageUrl, new RegExp(`/s/${space.id}$`));
    assert.equal(space.hlsUrl, null);
    assert.equal(space.whipUrl, null);
    const started = await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token });
    assert.equal(started.body.state, 'live');
    assert.match(started.body.hlsUrl, new RegExp(`/hls/${space.id}/index.m3u8$`));
    assert.match(started.body.whipUrl, new RegExp(`/api/v1/spaces/${space.id}/whip$`));
    assert.match(started.body.whepUrl, new RegExp(`/api/v1/spaces/${space.id}/whep$`));
    const again = await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'SPACE_STATE_CONFLICT');
    const ended = await server.request('POST', `/api/v1/spaces/${space.id}/end`, { token: host.token });
    assert.equal(ended.body.state, 'ended');
    assert.ok(ended.body.endedAt);
    const fetched = await server.request('GET', `/api/v1/spaces/${space.id}`);
    assert.equal(fetched.body.state, 'ended');
  });

  test('cancel only before the start; live list filters by state', async () => {
    const a = await newSpace();
    const b = await newSpace();
    await server.request('POST', `/api/v1/spaces/${b.id}/start`, { token: host.token });
    assert.equal((await server.request('POST', `/api/v1/spaces/${a.id}/cancel`, { token: host.token })).body.state, 'cancelled');
    assert.equal((await server.request('POST', `/api/v1/spaces/${b.id}/cancel`, { token: host.token })).body.error.code, 'SPACE_STATE_CONFLICT');
    const live = await server.request('GET', '/api/v1/spaces?state=live');
    assert.ok(live.body.spaces.some((s: { id: string }) => s.id === b.id));
    assert.ok(live.body.spaces.every((s: { state: string }) => s.state === 'live'));
  });

  test('bad input gets stable codes', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/v1/spaces', { title: 'x', extra: true }, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/spaces', { title: 42 }, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/spaces', { title: '' }, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/spaces', { title: 'x', timeZone: 'Mars/Olympus' }, 'INVALID_TIME_ZONE'],
      ['POST', '/api/v1/spaces', { title: 'x', scheduledStart: 'tomorrow' }, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/spaces', '{"title":', 'MALFORMED_JSON'],
      ['POST', '/api/v1/spaces', { title: 'x'.repeat(70_000) }, 'BODY_TOO_LARGE'],
      ['GET', '/api/v1/spaces/sp_AAAAAAAAAAAA', undefined, 'SPACE_NOT_FOUND'],
      ['GET', '/api/v1/spaces/not-an-id', undefined, 'VALIDATION_FAILED'],
      ['GET', '/api/v1/nothing-here', undefined, 'ROUTE_NOT_FOUND'],
    ];
    for (const [method, url, body, code] of cases) {
      const res = await server.request(method, url, { token: host.token, body });
      assert.equal(res.body?.error?.code, code, `${method} ${url} ${JSON.stringify(body)?.slice(0, 40)}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.ok(res.status >= 400 && res.status < 500);
    }
    const text = await server.request('POST', '/api/v1/spaces', { token: host.token, body: 'title=x', headers: { 'content-type': 'text/plain' } });
    assert.equal(text.body.error.code, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('stage', () => {
  test('invite link is single-use; request to speak, approve, mute, unmute only by self, promote, remove, block', async () => {
    const space = await newSpace();
    const invite = await server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens`, { token: host.token, body: { role: 'speaker' } });
    assert.equal(invite.status, 201);
    assert.match(invite.body.token, /^tkst_/);
    assert.match(invite.body.inviteUrl, /\/join#tkst_/);
    const seat = await server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens/redeem`, { token: fan.token, body: { token: invite.body.token } });
    assert.equal(seat.status, 200);
    assert.equal(seat.body.role, 'speaker');
    const stolen = await server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens/redeem`, { token: fan2.token, body: { token: invite.body.token } });
    assert.equal(stolen.body.error.code, 'STAGE_TOKEN_USED');

    const request = await server.request('POST', `/api/v1/spaces/${space.id}/speak-requests`, { token: fan2.token });
    assert.equal(request.status, 201);
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/speak-requests`, { token: fan2.token })).body.error.code, 'SPEAK_REQUEST_PENDING');
    const pending = await server.request('GET', `/api/v1/spaces/${space.id}/speak-requests`, { token: host.token });
    assert.equal(pending.body.requests.length, 1);
    assert.equal(pending.body.requests[0].user.handle, 'fan_b');
    const approved = await server.request('POST', `/api/v1/spaces/${space.id}/speak-requests/${fan2.user.id}`, { token: host.token, body: { approve: true } });
    assert.equal(approved.body.participant.role, 'speaker');

    const muted = await server.request('POST', `/api/v1/spaces/${space.id}/participants/${seat.body.id}/mute`, { token: host.token, body: { muted: true } });
    assert.equal(muted.body.muted, true);
    const hostUnmute = await server.request('POST', `/api/v1/spaces/${space.id}/participants/${seat.body.id}/mute`, { token: host.token, body: { muted: false } });
    assert.equal(hostUnmute.body.error.code, 'SELF_UNMUTE_ONLY');
    const selfUnmute = await server.request('POST', `/api/v1/spaces/${space.id}/participants/${seat.body.id}/mute`, { token: fan.token, body: { muted: false } });
    assert.equal(selfUnmute.body.muted, false);

    const promoted = await server.request('POST', `/api/v1/spaces/${space.id}/participants/${seat.body.id}/role`, { token: host.token, body: { role: 'cohost' } });
    assert.equal(promoted.body.role, 'cohost');
    const removed = await server.request('DELETE', `/api/v1/spaces/${space.id}/participants/${approved.body.participant.id}`, { token: fan.token });
    assert.equal(removed.status, 204, 'a co-host removes a speaker');
    const blocked = await server.request('POST', `/api/v1/spaces/${space.id}/blocks`, { token: host.token, body: { userId: fan2.user.id } });
    assert.equal(blocked.status, 204);
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/speak-requests`, { token: fan2.token })).body.error.code, 'BLOCKED_FROM_SPACE');
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: fan2.token, body: { text: 'hi' } })).body.error.code, 'BLOCKED_FROM_SPACE');
    const stage = await server.request('GET', `/api/v1/spaces/${space.id}/stage`);
    assert.deepEqual(stage.body.participants.map((p: { role: string }) => p.role), ['host', 'cohost']);
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/stage/leave`, { token: host.token })).body.error.code, 'HOST_CANNOT_LEAVE');
  });

  test('the stage holds at most maxOnStage people and maxCohosts co-hosts', async () => {
    const small = await startTestServer({ overrides: { stage: { maxOnStage: 3, maxCohosts: 1 } } });
    try {
      const h = await register(small, 'h_small');
      const space = (await small.request('POST', '/api/v1/spaces', { token: h.token, body: { title: 'small' } })).body;
      const take = async (role: 'speaker' | 'cohost') => {
        const inv = await small.request('POST', `/api/v1/spaces/${space.id}/stage-tokens`, { token: h.token, body: { role } });
        return small.request('POST', `/api/v1/spaces/${space.id}/stage-tokens/redeem`, { body: { token: inv.body.token, displayName: 'Guest' } });
      };
      assert.equal((await take('cohost')).status, 200);
      assert.equal((await take('cohost')).body.error.code, 'COHOSTS_FULL');
      assert.equal((await take('speaker')).status, 200);
      assert.equal((await take('speaker')).body.error.code, 'STAGE_FULL');
    } finally {
      await small.close();
    }
  });
});

describe('questions', () => {
  test('submit, moderate, vote once, order by votes then age, one highlight, answered', async () => {
    const space = await newSpace();
    await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token });
    const tooLong = await server.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: fan.token, body: { text: 'é'.repeat(281) } });
    assert.equal(tooLong.body.error.code, 'VALIDATION_FAILED');
    const emoji = await server.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: fan.token, body: { text: '🎤'.repeat(280), anonymous: true } });
    assert.equal(emoji.status, 201, '280 emoji are 280 characters');
    const second = await server.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: fan.token, body: { text: 'again?' } });
    assert.equal(second.status, 429);
    assert.equal(second.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(second.headers['retry-after']) >= 1);
    const q2 = await server.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: fan2.token, body: { text: 'Quelle est votre position ?' } });

    const listenerView = await server.request('GET', `/api/v1/spaces/${space.id}/questions`, { token: fan2.token });
    assert.deepEqual(listenerView.body.questions.map((q: { id: string }) => q.id), [q2.body.id], 'listeners see only their own pending question');
    for (const q of [emoji.body, q2.body]) {
      assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/questions/${q.id}/action`, { token: host.token, body: { action: 'approve' } })).body.state, 'approved');
    }
    let list = await server.request('GET', `/api/v1/spaces/${space.id}/questions`);
    assert.deepEqual(list.body.questions.map((q: { id: string }) => q.id), [emoji.body.id, q2.body.id], 'equal votes: oldest first');
    assert.equal(list.body.questions[0].author, null, 'anonymous to listeners');
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/questions/${q2.body.id}/vote`, { token: host.token })).body.votes, 1);
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/questions/${q2.body.id}/vote`, { token: host.token })).body.error.code, 'ALREADY_VOTED');
    list = await server.request('GET', `/api/v1/spaces/${space.id}/questions`);
    assert.deepEqual(list.body.questions.map((q: { id: string }) => q.id), [q2.body.id, emoji.body.id], 'most votes first');

    await server.request('POST', `/api/v1/spaces/${space.id}/questions/${q2.body.id}/action`, { token: host.token, body: { action: 'highlight' } });
    await server.request('POST', `/api/v1/spaces/${space.id}/questions/${emoji.body.id}/action`, { token: host.token, body: { action: 'highlight' } });
    list = await server.request('GET', `/api/v1/spaces/${space.id}/questions`);
    assert.deepEqual(list.body.questions.filter((q: { highlighted: boolean }) => q.highlighted).map((q: { id: string }) => q.id), [emoji.body.id], 'one highlight at a time');
    const answered = await server.request('POST', `/api/v1/spaces/${space.id}/questions/${emoji.body.id}/action`, { token: host.token, body: { action: 'answer' } });
    assert.equal(answered.body.state, 'answered');
    assert.equal(answered.body.highlighted, false);
    const reapprove = await server.request('POST', `/api/v1/spaces/${space.id}/questions/${emoji.body.id}/action`, { token: host.token, body: { action: 'approve' } });
    assert.equal(reapprove.body.error.code, 'QUESTION_STATE_CONFLICT');
  });
});

describe('audience', () => {
  test('the state is cacheable: public max-age=1, ETag, 304 on If-None-Match', async () => {
    const space = await newSpace();
    const first = await server.request('GET', `/api/v1/spaces/${space.id}/state`);
    assert.equal(first.status, 200);
    assert.equal(first.headers['cache-control'], 'public, max-age=1');
    assert.ok(first.headers.etag);
    assert.deepEqual(Object.keys(first.body).sort(), ['defence', 'endedAt', 'generatedAt', 'id', 'language', 'listeners', 'media', 'questions', 'reactions', 'scheduledStart', 'stage', 'startedAt', 'state', 'timeZone', 'title'].sort());
    const second = await server.request('GET', `/api/v1/spaces/${space.id}/state`, { headers: { 'if-none-match': String(first.headers.etag) } });
    assert.equal(second.status, 304);
    // Compressed for a browser (every listener polls it), the same JSON once decoded.
    for (const [accept, encoding, decode] of [['gzip, deflate, br', 'br', brotliDecompressSync], ['gzip', 'gzip', gunzipSync]] as const) {
      const res = await server.app.inject({ url: `/api/v1/spaces/${space.id}/state`, headers: { 'accept-encoding': accept } });
      assert.equal(res.headers['content-encoding'], encoding);
      assert.match(String(res.headers.vary), /Accept-Encoding/);
      assert.ok(res.rawPayload.length < Buffer.byteLength(JSON.stringify(first.body)));
      assert.deepEqual(JSON.parse(decode(res.rawPayload).toString()).id, space.id);
    }
  });

  test('heartbeats count distinct listeners; a forged or replayed token cannot inflate the count', async () => {
    const space = await newSpace();
    await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token });
    const tokens: string[] = [];
    for (let i = 0; i < 40; i++) tokens.push((await server.request('POST', `/api/v1/spaces/${space.id}/listener-token`)).body.listenerToken);
    for (const listenerToken of tokens) {
      for (let beat = 0; beat < 3; beat++) {
        assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/heartbeat`, { body: { listenerToken } })).status, 204);
      }
    }
    const forged = tokens[0]!.slice(0, -4) + (tokens[0]!.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/heartbeat`, { body: { listenerToken: forged } })).body.error.code, 'LISTENER_TOKEN_INVALID');
    // This Space's state was never read, so it is built now: no wait for a rebuild interval.
    const state = await server.request('GET', `/api/v1/spaces/${space.id}/state`);
    // 40 listeners, 3 beats each: counted once each. The sketch may merge two of 40 into one register
    // (about 5% of runs), so the estimate is 40 give or take one, never 120.
    assert.ok(Math.abs(state.body.listeners.count - 40) <= 1, String(state.body.listeners.count));
    assert.ok(state.body.listeners.peak >= 39);
  });

  test('reactions are coalesced per second and reach the state and the stage channel', async () => {
    const space = await newSpace();
    await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token });
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/spaces/${space.id}/live`, { headers: { authorization: `Bearer ${host.token}` } });
    const events: Array<{ type: string; counts?: Record<string, number> }> = [];
    ws.on('message', (data) => events.push(JSON.parse(String(data))));
    await new Promise((resolve) => ws.once('open', resolve));
    for (let i = 0; i < 25; i++) assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/reactions`, { body: { reaction: 'clap' } })).status, 202);
    await server.request('POST', `/api/v1/spaces/${space.id}/reactions`, { body: { reaction: 'heart' } });
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/reactions`, { body: { reaction: 'poop' } })).body.error.code, 'VALIDATION_FAILED');
    // The once-a-second flush may fall in the middle of the taps: add up every reactions event.
    const clapsSeen = () => events.filter((e) => e.type === 'reactions').reduce((n, e) => n + (e.counts?.clap ?? 0), 0);
    const deadline = Date.now() + 5000;
    while (clapsSeen() < 25 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    ws.close();
    assert.equal(events[0]?.type, 'hello');
    assert.equal(clapsSeen(), 25);
    assert.ok(events.filter((e) => e.type === 'reactions').length <= 3, 'coalesced: a few events, not one per tap');
    // Counted before each tap was acknowledged, and this Space's state is built on its first read.
    const state = await server.request('GET', `/api/v1/spaces/${space.id}/state`);
    assert.equal(state.body.reactions.totals.clap, 25);
    assert.equal(state.body.reactions.totals.heart, 1);
  });
});

describe('operations', () => {
  test('healthz, readyz, metrics, openapi', async () => {
    assert.equal((await server.request('GET', '/healthz')).body.status, 'ok');
    assert.equal((await server.request('GET', '/readyz')).body.status, 'ready');
    const metrics = await server.request('GET', '/metrics');
    assert.match(String(metrics.body), /tribune_process_cpu_seconds_total/);
    const openapi = await server.request('GET', '/api/openapi.json');
    assert.equal(openapi.body.openapi, '3.1.0');
    for (const path of ['/api/v1/auth/register', '/api/v1/spaces', '/api/v1/spaces/{spaceId}', '/api/v1/spaces/{spaceId}/start', '/api/v1/spaces/{spaceId}/stage-tokens', '/api/v1/spaces/{spaceId}/questions', '/api/v1/spaces/{spaceId}/questions/{questionId}/vote', '/api/v1/spaces/{spaceId}/state']) {
      assert.ok(openapi.body.paths[path], `openapi documents ${path}`);
    }
    assert.ok(openapi.body['x-error-codes'].SPACE_NOT_FOUND);
  });
});
