import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionIdPrefix, sessionOwner, vouchedClient } from './media-forwarding.js';

test('a session id names the origin holding it; an id made without one names none', () => {
  for (const origin of ['h1', 'origin-2.eu_west', 'a']) assert.equal(sessionOwner(`${sessionIdPrefix(origin)}Zm9vYmFy-_x`), origin);
  assert.equal(sessionOwner('Zm9vYmFy-_x'), null, 'the embedded default: no owner');
  assert.equal(sessionOwner('~Zm9vYmFy'), null, 'an empty owner is none');
});

test('a forwarded request\'s client address counts only when the cluster\'s secret signed it, for that request', async () => {
  const { createHmac } = await import('node:crypto');
  const sign = (secret: string, forwarder: string, client: string, method: string, url: string) =>
    createHmac('sha256', secret).update(`${forwarder}\n${client}\n${method}\n${url}`).digest('base64url');
  const url = '/api/v1/spaces/sp_abcdefghijkl/whep';
  const headers = (client: string, signature: string) => ({ 'x-tribune-forwarded-by': 'o1', 'x-tribune-client': client, 'x-tribune-client-signature': signature });
  const good = sign('the-cluster-secret', 'o1', '203.0.113.7', 'POST', url);
  assert.equal(vouchedClient(headers('203.0.113.7', good), 'POST', url, 'the-cluster-secret'), '203.0.113.7');
  assert.equal(vouchedClient(headers('203.0.113.8', good), 'POST', url, 'the-cluster-secret'), undefined, 'another address');
  assert.equal(vouchedClient(headers('203.0.113.7', good), 'POST', `${url}?x`, 'the-cluster-secret'), undefined, 'another request');
  assert.equal(vouchedClient(headers('203.0.113.7', good), 'POST', url, 'another-secret-entirely'), undefined, 'another deployment');
  assert.equal(vouchedClient(headers('203.0.113.7', `${good}x`), 'POST', url, 'the-cluster-secret'), undefined, 'a signature of another length');
  const notAnAddress = sign('the-cluster-secret', 'o1', 'localhost', 'POST', url);
  assert.equal(vouchedClient(headers('localhost', notAnAddress), 'POST', url, 'the-cluster-secret'), undefined, 'not an address');
  assert.equal(vouchedClient({ 'x-tribune-forwarded-by': 'o1' }, 'POST', url, 'the-cluster-secret'), undefined, 'unsigned (a test, or a client)');
});
