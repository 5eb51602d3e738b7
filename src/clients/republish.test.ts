import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRetryable, retryDelayMs, retryUntil } from './republish.js';
import { firstSession, isTransientPeerFailure, SignallingError } from './signalling.js';
import { RECONNECT_DEFAULTS } from './defaults.js';

const refusal = (status: number, code: string) => new SignallingError(status, JSON.stringify({ error: { code } }));

test('what a move between origins answers is retried; a refused credential or offer is not', () => {
  assert.equal(isRetryable(new TypeError('fetch failed')), true);
  assert.equal(isRetryable(refusal(503, 'NOT_READY')), true);
  assert.equal(isRetryable(refusal(502, 'BAD_GATEWAY')), true);
  assert.equal(isRetryable(refusal(404, 'NOT_FOUND')), true);
  assert.equal(isRetryable(refusal(429, 'RATE_LIMITED')), true);
  assert.equal(isRetryable(refusal(409, 'SPACE_NOT_LIVE')), true);
  assert.equal(isRetryable(refusal(409, 'MEDIA_SESSION_ACTIVE')), true);
  assert.equal(isRetryable(refusal(409, 'SPACE_STATE_CONFLICT')), false);
  assert.equal(isRetryable(refusal(401, 'STAGE_TOKEN_INVALID')), false);
  assert.equal(isRetryable(refusal(403, 'FORBIDDEN')), false);
  assert.equal(isRetryable(refusal(400, 'SDP_INVALID')), false);
});

test('the backoff doubles to its cap, jittered by half either way', () => {
  const { firstRetryMs, maxRetryMs } = RECONNECT_DEFAULTS;
  assert.equal(retryDelayMs(0, () => 0), firstRetryMs / 2);
  assert.equal(retryDelayMs(0, () => 0.5), firstRetryMs);
  assert.equal(retryDelayMs(1, () => 0.5), firstRetryMs * 2);
  assert.equal(retryDelayMs(20, () => 0.5), maxRetryMs);
  assert.ok(retryDelayMs(20, () => 0.999) < maxRetryMs * 1.5);
});

test('retryUntil stops at success, at a final refusal, and at its bound', async () => {
  let n = 0;
  assert.equal(await retryUntil(async () => { if (++n < 3) throw refusal(503, 'NOT_READY'); return 'ok'; }, { withinMs: 10_000 }), 'ok');
  assert.equal(n, 3);
  n = 0;
  await assert.rejects(retryUntil(async () => { n += 1; throw refusal(401, 'AUTH_REQUIRED'); }, { withinMs: 10_000 }), /AUTH_REQUIRED/);
  assert.equal(n, 1);
  const started = performance.now();
  await assert.rejects(retryUntil(async () => { throw refusal(503, 'NOT_READY'); }, { withinMs: 600 }), /NOT_READY/);
  assert.ok(performance.now() - started < 600 + RECONNECT_DEFAULTS.maxRetryMs * 1.5);
});

test('a first session is retried with a new peer when our own peer failed, never when the server refused', async () => {
  let n = 0;
  const flaky = async () => {
    if (++n < 3) throw new Error('libdatachannel error while adding remote description: Got a remote candidate without ICE transport');
    return 'ok';
  };
  assert.equal(await firstSession(flaky, 10_000), 'ok');
  assert.equal(n, 3);
  n = 0;
  await assert.rejects(firstSession(async () => { n += 1; throw new Error('ICE/DTLS failed'); }, 10_000, undefined, 2), /ICE\/DTLS failed/);
  assert.equal(n, 2);
  n = 0;
  await assert.rejects(firstSession(async () => { n += 1; throw refusal(400, 'SDP_INVALID'); }, 10_000), /SDP_INVALID/);
  assert.equal(n, 1);
  assert.equal(isTransientPeerFailure(new TypeError('fetch failed')), false);
});
