import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LISTENER_TOKEN_TTL_SECONDS, ListenerTokens } from './listener-tokens.js';

// Regression: tokens lived 24 h, worked for every Space, and other spellings of the same bytes passed.
test('a listener token is bound to its Space, expires within hours, and has one spelling', () => {
  const tokens = new ListenerTokens('a secret of sixteen+ chars');
  const now = Date.UTC(2026, 10, 30, 20);
  const token = tokens.issue('sp_a', now);
  assert.ok(tokens.verify(token, 'sp_a', now));
  assert.equal(tokens.verify(token, 'sp_b', now), null, 'another Space');
  assert.ok(LISTENER_TOKEN_TTL_SECONDS <= 6 * 3600);
  assert.equal(tokens.verify(token, 'sp_a', now + (LISTENER_TOKEN_TTL_SECONDS + 1) * 1000), null, 'expired');
  // The same 32 bytes spelt otherwise: padding, standard base64, a stray character.
  const bytes = Buffer.from(token, 'base64url');
  for (const other of [`${token}=`, bytes.toString('base64'), `${token.slice(0, 10)}.${token.slice(10)}`]) {
    if (other === token) continue;
    assert.equal(tokens.verify(other, 'sp_a', now), null, other);
  }
  // Low bits of the last character that decode to the same bytes.
  const last = token.at(-1)!;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const sibling = token.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
  if (Buffer.from(sibling, 'base64url').equals(bytes)) assert.equal(tokens.verify(sibling, 'sp_a', now), null, 'non-canonical last character');
});
