import assert from 'node:assert/strict';
import { test } from 'node:test';
import { register, startTestServer } from '../helpers/control-server.js';

// Regression: after an account redeemed a co-host invite, anyone holding the link could send the
// invite token as a bearer and act as that seat (mint invites, mute speakers, read requests).
test('a redeemed invite grants nothing to whoever else holds the link', async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  const host = await register(server, 'reuse_host');
  const cohost = await register(server, 'reuse_cohost');
  const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Reuse', language: 'en' } })).body as { id: string };
  assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);
  const invite = (await server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens`, { token: host.token, body: { role: 'cohost' } })).body as { token: string };
  const seat = await server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens/redeem`, { token: cohost.token, body: { token: invite.token } });
  assert.equal(seat.status, 200, JSON.stringify(seat.body));
  // The account acts with its own session.
  assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens`, { token: cohost.token, body: { role: 'speaker' } })).status, 201);

  // Whoever else holds the link gets nothing from it.
  const minted = await server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens`, { token: invite.token, body: { role: 'speaker' } });
  assert.ok([401, 403].includes(minted.status), `mint with the redeemed link: ${minted.status}`);
  const requests = await server.request('GET', `/api/v1/spaces/${space.id}/speak-requests`, { token: invite.token });
  assert.ok([401, 403].includes(requests.status), `read requests with the redeemed link: ${requests.status}`);
  const hostSeat = (await server.request('GET', `/api/v1/spaces/${space.id}/stage`)).body.participants.find((p: { role: string }) => p.role === 'host');
  const mute = await server.request('POST', `/api/v1/spaces/${space.id}/participants/${hostSeat.id}/mute`, { token: invite.token, body: { muted: true } });
  assert.ok([401, 403].includes(mute.status), `mute with the redeemed link: ${mute.status}`);
  const again = await server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens/redeem`, { token: invite.token, body: { token: invite.token } });
  assert.equal(again.body.error?.code, 'STAGE_TOKEN_USED');
});
