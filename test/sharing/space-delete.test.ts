import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';

describe('deleting a Space that never went live', () => {
  let server: TestServer;
  let host: { token: string };
  let other: { token: string };
  before(async () => {
    server = await startTestServer();
    host = await register(server, 'del_host');
    other = await register(server, 'del_other');
  });
  after(() => server.close());

  it('takes the Space and what belongs to it (questions, votes, reminders, requests) in one go', async () => {
    const { body: space } = await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Maybe', scheduledStart: new Date(Date.now() + 3600_000).toISOString() } });
    const q = await server.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: other.token, body: { text: 'Early question?' } });
    assert.equal(q.status, 201);
    assert.equal((await server.request('PUT', `/api/v1/spaces/${space.id}/reminder`, { token: other.token })).status, 204);
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/stage-tokens`, { token: host.token, body: { role: 'speaker' } })).status, 201);

    assert.equal((await server.request('DELETE', `/api/v1/spaces/${space.id}`, { token: other.token })).body.error.code, 'FORBIDDEN');
    assert.equal((await server.request('DELETE', `/api/v1/spaces/${space.id}`, { token: host.token })).status, 204);
    assert.equal((await server.request('GET', `/api/v1/spaces/${space.id}`)).body.error.code, 'SPACE_NOT_FOUND');
    assert.equal((await server.request('DELETE', `/api/v1/spaces/${space.id}`, { token: host.token })).body.error.code, 'SPACE_NOT_FOUND');
  });

  it('refuses a Space that went live: its history stays', async () => {
    const { body: space } = await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Live once' } });
    assert.equal((await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token })).status, 200);
    const res = await server.request('DELETE', `/api/v1/spaces/${space.id}`, { token: host.token });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'SPACE_STATE_CONFLICT');
  });
});
