import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProofOfWork } from '../../src/control/defence/proof-of-work.js';
import { HttpClient } from '../../src/loadtest/http-client.js';
import { solveProofOfWork } from '../../src/loadtest/proof-of-work-solver.js';
import { startTestServer } from '../helpers/control-server.js';

test('the load generator solves what the origin asks, as the browser does', async () => {
  const pow = new ProofOfWork('a secret');
  const challenge = pow.issue(12);
  const proof = await solveProofOfWork(challenge.challenge, 12);
  assert.ok(proof && pow.verify(proof, 12), 'the origin accepts the proof');
  assert.equal(pow.verify(proof, 12), false, 'once');
  assert.equal(await solveProofOfWork(challenge.challenge, 40), undefined, 'beyond reach: given up, not looped on');
});

test('an honest simulated client gets its writes through an origin under attack', async (t) => {
  const server = await startTestServer({ overrides: { underAttack: { setting: 'on', baseDifficulty: 10 } } });
  const client = new HttpClient(server.url, { maxSockets: 4, timeoutMs: 10_000 });
  t.after(async () => { client.close(); await server.close(); });
  // Registering asks for work too: solved the same way.
  const registered = await client.requestAsync('/api/v1/auth/register', { method: 'POST', body: JSON.stringify({ handle: 'pow_host', password: 'correct horse battery' }) });
  assert.equal(registered.status, 201, registered.body.toString());
  const host = JSON.parse(registered.body.toString()) as { token: string };
  const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Under attack' } })).body as { id: string };
  // Anonymous token minting asks for work; the client answers it and gets its token.
  const plain = await fetch(`${server.url}/api/v1/spaces/${space.id}/listener-token`, { method: 'POST' });
  assert.equal(plain.status, 428);
  const res = await client.requestAsync(`/api/v1/spaces/${space.id}/listener-token`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 201, res.body.toString());
  assert.equal(client.powSolved, 2);
  assert.equal(client.errors.toJSON()['proof-of-work-asked'], 2);
});
