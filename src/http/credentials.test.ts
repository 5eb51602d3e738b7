import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carriesCredential, credentialOf, SESSION_COOKIE } from './credentials.js';

const cookie = `theme=dark; ${SESSION_COOKIE}=tks_fromcookie%3D; other=1`;

test('Authorization comes first, then the query token, then the session cookie', () => {
  assert.equal(credentialOf({ authorization: 'Bearer tks_abc-_.~+/=', cookie }, 'tkst_query'), 'tks_abc-_.~+/=');
  assert.equal(credentialOf({ authorization: 'bearer   tks_abc  ' }), 'tks_abc');
  assert.equal(credentialOf({ cookie }, 'tkst_query'), 'tkst_query');
  assert.equal(credentialOf({ cookie }), 'tks_fromcookie=');
  assert.equal(credentialOf({ cookie }, null), 'tks_fromcookie=');
  assert.equal(credentialOf({}), undefined);
  assert.equal(credentialOf({ cookie: `x${SESSION_COOKIE}=nope` }), undefined);
});

test('a malformed Authorization is a failed attempt, never the cookie nor anonymous access', () => {
  for (const header of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two tokens', 'tks_without_scheme']) {
    assert.equal(credentialOf({ authorization: header, cookie }, 'tkst_query'), header);
  }
});

test('whether a request carries a credential at all', () => {
  assert.equal(carriesCredential({ authorization: 'Bearer x' }), true);
  assert.equal(carriesCredential({ cookie }), true);
  assert.equal(carriesCredential({ cookie: 'theme=dark' }), false);
  assert.equal(carriesCredential({}), false);
});
