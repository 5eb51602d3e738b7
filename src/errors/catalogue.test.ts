import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderErrorsDoc } from '../../scripts/errors-doc.js';
import { ERRORS, ERROR_CODES, TribuneError } from './catalogue.js';

test('every code is documented in docs/errors.md, and the file is up to date', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  for (const code of ERROR_CODES) assert.match(doc, new RegExp(`\\| \`${code}\` \\| ${ERRORS[code].status} \\|`), `${code} is documented`);
  assert.equal(doc, renderErrorsDoc(), 'docs/errors.md is stale: run npm run docs:errors');
});

/** The one answer of the catalogue that is not an error: a held LL-HLS request sent to its own URL again. */
const REDIRECTS = new Set(['MEDIA_MOVED']);

test('codes are SCREAMING_SNAKE, statuses are 4xx/5xx (307 for the one redirect), every entry has a doc sentence', () => {
  for (const [code, spec] of Object.entries(ERRORS)) {
    assert.match(code, /^[A-Z][A-Z0-9_]+$/);
    if (REDIRECTS.has(code)) assert.equal(spec.status, 307, code);
    else assert.ok(spec.status >= 400 && spec.status < 600, code);
    assert.ok(spec.doc.length > 10, code);
  }
});

test('messages render their parameters and keep unknown placeholders visible', () => {
  const err = new TribuneError('SPACE_STATE_CONFLICT', { state: 'ended', action: 'start' });
  assert.equal(err.message, 'The Space is ended; cannot start');
  assert.equal(err.status, 409);
  assert.deepEqual(err.toJSON(), { error: { code: 'SPACE_STATE_CONFLICT', message: 'The Space is ended; cannot start' } });
  assert.equal(new TribuneError('SPACE_NOT_FOUND').message, 'Space {spaceId} not found');
});
