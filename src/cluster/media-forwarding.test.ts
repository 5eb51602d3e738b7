import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionIdPrefix, sessionOwner } from './media-forwarding.js';

test('a session id names the origin holding it; an id made without one names none', () => {
  for (const origin of ['h1', 'origin-2.eu_west', 'a']) assert.equal(sessionOwner(`${sessionIdPrefix(origin)}Zm9vYmFy-_x`), origin);
  assert.equal(sessionOwner('Zm9vYmFy-_x'), null, 'the embedded default: no owner');
  assert.equal(sessionOwner('~Zm9vYmFy'), null, 'an empty owner is none');
});
