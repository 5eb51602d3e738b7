// Renders docs/errors.md from the error catalogue: `npm run docs:errors`. A test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { ERRORS } from '../src/errors/catalogue.js';

export function renderErrorsDoc(): string {
  const rows = Object.entries(ERRORS).map(([code, spec]) => `| \`${code}\` | ${spec.status} | ${spec.doc.replaceAll('|', '\\|')} |`);
  return [
    '# Error codes',
    '',
    'Every error Tribune returns has this shape, with a stable `code` (match on it, never on `message`):',
    '',
    '```json',
    '{ "error": { "code": "SPACE_NOT_FOUND", "message": "Space sp_… not found" } }',
    '```',
    '',
    'This file is generated from `src/errors/catalogue.ts` by `npm run docs:errors`; the OpenAPI document',
    '(`/api/openapi.json`) lists the same codes under `x-error-codes`.',
    '',
    '| code | HTTP status | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
  console.log('docs/errors.md written');
}
