import assert from 'node:assert/strict';
import { test } from 'node:test';
import { register, startTestServer } from '../helpers/control-server.js';

// Regression: a login flood ran scrypt at full speed on every core and stalled 160 of 200 LL-HLS
// players. Hashing is bounded now: a small queue, then 503 with a Retry-After, at once.
test('a login flood is shed beyond a short queue: 503 OVERLOADED with Retry-After, never queued for long', async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  await register(server, 'flood_target');
  const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => server.app.inject({
    method: 'POST', url: '/api/v1/auth/login', remoteAddress: `192.0.2.${i + 1}`,
    headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ handle: `nobody_${i}`, password: 'a wrong password' }),
  })));
  const shed = statuses.filter((r) => r.statusCode === 503);
  const hashed = statuses.filter((r) => r.statusCode === 401);
  assert.ok(shed.length >= 40, `most of the burst is shed (${shed.length} of 60; ${hashed.length} hashed)`);
  assert.ok(hashed.length >= 1 && hashed.length <= 20, `a bounded number hashed (${hashed.length})`);
  for (const r of shed) {
    assert.equal(r.json().error.code, 'OVERLOADED');
    assert.match(String(r.headers['retry-after']), /^[1-3]$/);
  }
  assert.equal(statuses.length, shed.length + hashed.length);
});

test('failed logins back off per account, whatever the address', async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  await register(server, 'guessed', 'the right password');
  const login = (password: string, i: number) => server.app.inject({
    method: 'POST', url: '/api/v1/auth/login', remoteAddress: `198.51.100.${i}`,
    headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ handle: 'Guessed', password }),
  });
  for (let i = 1; i <= 4; i++) assert.equal((await login('wrong', i)).statusCode, 401);
  const blocked = await login('the right password', 50);
  assert.equal(blocked.statusCode, 429, 'the account waits, even with the right password, from another address');
  assert.equal(blocked.json().error.code, 'RATE_LIMITED');
  assert.ok(Number(blocked.headers['retry-after']) >= 1);
});
