import assert from 'node:assert/strict';
import { test } from 'node:test';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';
import { startEdge } from '../helpers/nginx-edge.js';
import { requestFrom } from '../helpers/request-from.js';
import { requireProgram } from '../helpers/require-program.js';

const PER_MINUTE = 5;

async function aSpace(server: TestServer): Promise<string> {
  const host = await register(server, `addr_host_${Math.floor(performance.now())}`);
  return ((await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Addresses', language: 'en' } })).body as { id: string }).id;
}
const limits = { listenerTokensPerMinute: PER_MINUTE, authPerMinute: 10_000, questionsPerMinute: 1, votesPerMinute: 10_000, reactionsPerSecond: 10_000, heartbeatsPerMinute: 10_000, writesPerSecond: 10_000 };

test('behind trusted proxies the client is the right-most untrusted X-Forwarded-For address; an untrusted peer is the client', async (t) => {
  const server = await startTestServer({ overrides: { trustProxy: ['127.0.0.1', '10.0.0.0/8'], limits } });
  t.after(() => server.close());
  const spaceId = await aSpace(server);
  const mint = async (remoteAddress: string, xff?: string): Promise<number> => (await server.app.inject({
    method: 'POST', url: `/api/v1/spaces/${spaceId}/listener-token`, remoteAddress, headers: xff ? { 'x-forwarded-for': xff } : {},
  })).statusCode;
  // The client forged "1.1.1.x" on the left; the edges (10.x, then 127.0.0.1) appended what they saw.
  const statuses: number[] = [];
  for (let i = 0; i < PER_MINUTE + 3; i++) statuses.push(await mint('127.0.0.1', `1.1.1.${i}, 203.0.113.7, 10.0.0.2`));
  assert.equal(statuses.filter((s) => s === 201).length, PER_MINUTE, `one bucket for 203.0.113.7 (${statuses})`);
  // Another real client behind the same edges has its own bucket.
  assert.equal(await mint('127.0.0.1', '198.51.100.9'), 201);
  // A peer that is not a trusted proxy cannot pick its address.
  const direct: number[] = [];
  for (let i = 0; i < PER_MINUTE + 3; i++) direct.push(await mint('192.0.2.50', `1.1.1.${i}`));
  assert.equal(direct.filter((s) => s === 201).length, PER_MINUTE, `one bucket for the peer (${direct})`);
});

const haveNginx = requireProgram('nginx');

// Regression: the shipped edge appended to the client's X-Forwarded-For and the origin believed the
// left-most entry, so forged addresses bypassed every per-address limit; without trust, every
// listener behind the edge shared one bucket.
test('through the shipped nginx edge: forged X-Forwarded-For buys nothing, and each client has its own limit', { skip: !haveNginx, timeout: 30_000 }, async (t) => {
  const server = await startTestServer({ overrides: { trustProxy: ['127.0.0.1'], limits } });
  t.after(() => server.close());
  const spaceId = await aSpace(server);
  const edge = await startEdge({ primary: `127.0.0.1:${new URL(server.url).port}` });
  t.after(() => edge.stop());
  const forgedRun: number[] = [];
  for (let i = 0; i < PER_MINUTE + 3; i++) forgedRun.push(await requestFrom('127.0.0.5', `http://127.0.0.1:${edge.port}/api/v1/spaces/${spaceId}/listener-token`, 'POST', { 'x-forwarded-for': `9.9.9.${i}` }));
  assert.equal(forgedRun.filter((s) => s === 201).length, PER_MINUTE, `forged addresses share the real client's bucket (${forgedRun})`);
  for (const other of ['127.0.0.6', '127.0.0.7']) {
    assert.equal(await requestFrom(other, `http://127.0.0.1:${edge.port}/api/v1/spaces/${spaceId}/listener-token`, 'POST', {}), 201, `${other} has a bucket of its own`);
  }
  // Every location of the edge passes the address on, not only the one above (an nginx location that
  // sets a header of its own inherits none of the server's): the general API path, for a Space's writes.
  const viaApi = async (from: string) => requestFrom(from, `http://127.0.0.1:${edge.port}/api/v1/spaces/${spaceId}/speak-requests`, 'POST', { authorization: 'Bearer tks_not_a_session' });
  const seen: string[] = [];
  server.app.server.on('request', (req: { headers: Record<string, string | string[] | undefined> }) => { const xff = req.headers['x-forwarded-for']; if (typeof xff === 'string') seen.push(xff); });
  assert.equal(await viaApi('127.0.0.8'), 401);
  assert.deepEqual(seen, ['127.0.0.8'], 'the origin is told the client\'s own address on the general API path');
});
