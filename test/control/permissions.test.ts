import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { ACTIONS, ROLES, isAllowed, type Action, type Role } from '../../src/domain/permissions.js';
import { register, registerAdmin, startTestServer, type TestServer } from '../helpers/control-server.js';

/**
 * Walks every cell of the role x action table through the HTTP API: each action is performed by an
 * actor holding exactly that role in a fresh Space, and must succeed (2xx, or 101 for the WebSocket)
 * exactly when the table allows it, and otherwise be refused with 401 (anonymous) or 403.
 */

interface Fixture {
  spaceId: string;
  seats: { host: string; cohost: string; speaker: string };
  pendingQuestion: string;
  approvedQuestion: string;
}

let server: TestServer;
const tokens: Partial<Record<Role, string>> = {};
let requester: { token: string; user: { id: string } };
let asker: { token: string; user: { id: string } };

before(async () => {
  server = await startTestServer();
  tokens.admin = (await registerAdmin(server, 'admin_1')).token;
  for (const role of ['host', 'cohost', 'speaker', 'listener', 'moderator'] as const) tokens[role] = (await register(server, `${role}_1`)).token;
  requester = await register(server, 'requester_1');
  asker = await register(server, 'asker_1');
  const moderator = await server.request('GET', '/api/v1/me', { token: tokens.moderator });
  const promoted = await server.request('PUT', `/api/v1/users/${moderator.body.id}/platform-role`, { token: tokens.admin, body: { role: 'moderator' } });
  assert.equal(promoted.status, 200);
});

after(() => server.close());

async function ok(res: Promise<{ status: number; body: any }>): Promise<any> {
  const r = await res;
  assert.ok(r.status >= 200 && r.status < 300, `fixture request failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function fixture(state: 'scheduled' | 'live' | 'ended'): Promise<Fixture> {
  const space = await ok(server.request('POST', '/api/v1/spaces', { token: tokens.host, body: { title: 'Walk' } }));
  const seat = async (role: 'cohost' | 'speaker') => {
    const invite = await ok(server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens`, { token: tokens.host, body: { role } }));
    return (await ok(server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens/redeem`, { token: tokens[role], body: { token: invite.token } }))).id as string;
  };
  const cohost = await seat('cohost');
  const speaker = await seat('speaker');
  const stage = await ok(server.request('GET', `/api/v1/spaces/${space.id}/stage`));
  const host = stage.participants.find((p: { role: string }) => p.role === 'host').id;
  if (state !== 'scheduled') await ok(server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: tokens.host }));
  await ok(server.request('POST', `/api/v1/spaces/${space.id}/speak-requests`, { token: requester.token }));
  const pending = await ok(server.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: requester.token, body: { text: 'Pending?' } }));
  const approved = await ok(server.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: asker.token, body: { text: 'Approved?' } }));
  await ok(server.request('POST', `/api/v1/spaces/${space.id}/questions/${approved.id}/action`, { token: tokens.host, body: { action: 'approve' } }));
  if (state === 'ended') await ok(server.request('POST', `/api/v1/spaces/${space.id}/end`, { token: tokens.host }));
  return { spaceId: space.id, seats: { host, cohost, speaker }, pendingQuestion: pending.id, approvedQuestion: approved.id };
}

type Probe = (f: Fixture, role: Role, token: string | undefined) => Promise<number>;

const status = async (p: Promise<{ status: number }>) => (await p).status;
const req = (method: string, url: string, token: string | undefined, body?: unknown) => status(server.request(method, url, { token, body }));
/** Someone else's seat: the speaker's, unless the actor is the speaker. */
const otherSeat = (f: Fixture, role: Role) => (role === 'speaker' ? f.seats.cohost : f.seats.speaker);
const ownSeat = (f: Fixture, role: Role) => (role === 'host' || role === 'cohost' || role === 'speaker' ? f.seats[role] : null);

const PROBES: Record<Action, { state: 'scheduled' | 'live' | 'ended'; probe: Probe }> = {
  'space.create': { state: 'live', probe: (_f, _r, t) => req('POST', '/api/v1/spaces', t, { title: 'Mine' }) },
  'space.start': { state: 'scheduled', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/start`, t) },
  'space.end': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/end`, t) },
  'space.cancel': { state: 'scheduled', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/cancel`, t) },
  'space.update': { state: 'live', probe: (f, _r, t) => req('PATCH', `/api/v1/spaces/${f.spaceId}`, t, { title: 'Renamed' }) },
  'space.delete-recording': { state: 'ended', probe: (f, _r, t) => req('DELETE', `/api/v1/spaces/${f.spaceId}/recording`, t) },
  'stage.invite': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/stage-tokens`, t, { role: 'speaker' }) },
  'stage.request': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/speak-requests`, t) },
  'stage.approve': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/speak-requests/${requester.user.id}`, t, { approve: true }) },
  'stage.deny': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/speak-requests/${requester.user.id}`, t, { approve: false }) },
  'stage.mute': { state: 'live', probe: (f, r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/participants/${otherSeat(f, r)}/mute`, t, { muted: true }) },
  'stage.mute-self': {
    state: 'live',
    // Without a seat of one's own, the nearest thing is unmuting someone else's, which is never allowed.
    probe: (f, r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/participants/${ownSeat(f, r) ?? f.seats.speaker}/mute`, t, { muted: ownSeat(f, r) !== null }),
  },
  'stage.remove': { state: 'live', probe: (f, r, t) => req('DELETE', `/api/v1/spaces/${f.spaceId}/participants/${otherSeat(f, r)}`, t) },
  'stage.block': { state: 'live', probe: (f, r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/blocks`, t, { participantId: otherSeat(f, r) }) },
  'stage.promote': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/participants/${f.seats.speaker}/role`, t, { role: 'cohost' }) },
  'stage.leave': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/stage/leave`, t) },
  'stage.connect': { state: 'live', probe: (f, _r, t) => connect(f.spaceId, t) },
  'question.submit': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/questions`, t, { text: 'Mine?' }) },
  'question.vote': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/questions/${f.approvedQuestion}/vote`, t) },
  'question.moderate': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/questions/${f.pendingQuestion}/action`, t, { action: 'approve' }) },
  'question.highlight': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/questions/${f.approvedQuestion}/action`, t, { action: 'highlight' }) },
  'question.answer': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/questions/${f.approvedQuestion}/action`, t, { action: 'answer' }) },
  'question.list-pending': { state: 'live', probe: (f, _r, t) => req('GET', `/api/v1/spaces/${f.spaceId}/questions?state=pending`, t) },
  // The requester's role is set to what it already is: the walk changes nobody's standing.
  'platform.set-role': { state: 'live', probe: (_f, _r, t) => req('PUT', `/api/v1/users/${requester.user.id}/platform-role`, t, { role: 'user' }) },
  'reaction.send': { state: 'live', probe: (f, _r, t) => req('POST', `/api/v1/spaces/${f.spaceId}/reactions`, t, { reaction: 'clap' }) },
};

function connect(spaceId: string, token: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/spaces/${spaceId}/live`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    ws.once('upgrade', (res) => { resolve(res.statusCode ?? 0); ws.close(); });
    ws.once('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); res.resume(); ws.terminate(); });
    ws.once('error', (err) => { if (!(err.message.includes('Unexpected server response'))) reject(err); });
  });
}

test('every action has a probe', () => {
  assert.deepEqual(Object.keys(PROBES).sort(), [...ACTIONS].sort());
});

for (const action of ACTIONS) {
  test(`permission walk: ${action}`, async () => {
    for (const role of ROLES) {
      const f = await fixture(PROBES[action].state);
      const got = await PROBES[action].probe(f, role, tokens[role as Exclude<Role, 'anonymous'>]);
      if (isAllowed(role, action)) {
        assert.ok((got >= 200 && got < 300) || got === 101, `${role} may ${action}, but got ${got}`);
      } else {
        assert.equal(got, role === 'anonymous' ? 401 : 403, `${role} may not ${action}, but got ${got}`);
      }
    }
  });
}
