import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { ERROR_CODES } from '../../src/errors/catalogue.js';
import { register, startTestServer, type TestServer } from '../helpers/control-server.js';

/**
 * Random and malformed requests against every route: the answer is always a 2xx, 3xx or a 4xx with a
 * code from the catalogue (never a 500, never a hang), and the server still answers afterwards.
 */

let server: TestServer;
let token: string;
let spaceId: string;
let questionId: string;

before(async () => {
  server = await startTestServer();
  token = (await register(server, 'fuzz_host')).token;
  spaceId = (await server.request('POST', '/api/v1/spaces', { token, body: { title: 'fuzz' } })).body.id;
  await server.request('POST', `/api/v1/spaces/${spaceId}/start`, { token });
  questionId = (await server.request('POST', `/api/v1/spaces/${spaceId}/questions`, { token, body: { text: 'q' } })).body.id;
});
after(() => server.close());

const ROUTES: Array<[string, string]> = [
  ['POST', '/api/v1/auth/register'], ['POST', '/api/v1/auth/login'], ['POST', '/api/v1/auth/logout'], ['GET', '/api/v1/me'],
  ['PUT', '/api/v1/users/{user}/platform-role'],
  ['POST', '/api/v1/spaces'], ['GET', '/api/v1/spaces'], ['GET', '/api/v1/spaces/{space}'], ['PATCH', '/api/v1/spaces/{space}'],
  ['POST', '/api/v1/spaces/{space}/start'], ['POST', '/api/v1/spaces/{space}/end'], ['POST', '/api/v1/spaces/{space}/cancel'],
  ['GET', '/api/v1/spaces/{space}/stage'], ['POST', '/api/v1/spaces/{space}/stage-tokens'], ['POST', '/api/v1/spaces/{space}/stage-tokens/redeem'],
  ['POST', '/api/v1/spaces/{space}/speak-requests'], ['GET', '/api/v1/spaces/{space}/speak-requests'], ['DELETE', '/api/v1/spaces/{space}/speak-requests/mine'],
  ['POST', '/api/v1/spaces/{space}/speak-requests/{user}'], ['POST', '/api/v1/spaces/{space}/participants/{participant}/mute'],
  ['POST', '/api/v1/spaces/{space}/participants/{participant}/role'], ['DELETE', '/api/v1/spaces/{space}/participants/{participant}'],
  ['POST', '/api/v1/spaces/{space}/blocks'], ['POST', '/api/v1/spaces/{space}/stage/leave'],
  ['POST', '/api/v1/spaces/{space}/questions'], ['GET', '/api/v1/spaces/{space}/questions'],
  ['POST', '/api/v1/spaces/{space}/questions/{question}/vote'], ['POST', '/api/v1/spaces/{space}/questions/{question}/action'],
  ['GET', '/api/v1/spaces/{space}/state'], ['POST', '/api/v1/spaces/{space}/listener-token'], ['POST', '/api/v1/spaces/{space}/heartbeat'],
  ['POST', '/api/v1/spaces/{space}/reactions'], ['GET', '/api/v1/spaces/{space}/listeners'],
  ['POST', '/api/v1/notices'], ['GET', '/api/v1/me/notices'], ['GET', '/api/v1/moderation/queue'], ['POST', '/api/v1/moderation/decisions'],
  ['GET', '/api/v1/me/statements'], ['GET', '/api/v1/decisions/{decision}'], ['POST', '/api/v1/appeals'], ['GET', '/api/v1/moderation/appeals'],
  ['POST', '/api/v1/moderation/appeals/{appeal}/decision'], ['PUT', '/api/v1/users/{user}/trusted-flagger'], ['GET', '/api/v1/moderation/audit'],
  ['GET', '/api/v1/moderation/audit/verify'], ['GET', '/api/v1/transparency/statements'], ['GET', '/api/v1/transparency/report'],
  ['POST', '/api/v1/spaces/{space}/notes'], ['GET', '/api/v1/spaces/{space}/notes'], ['POST', '/api/v1/notes/{note}/ratings'], ['GET', '/api/v1/spaces/{space}/labels'],
];

const idLike = fc.oneof(
  fc.constant('sp_AAAAAAAAAAAA'), fc.constant('u_AAAAAAAAAAAA'), fc.string({ maxLength: 30 }), fc.constant('%00'), fc.constant('..%2F..'),
  fc.stringMatching(/^[a-z]{1,3}_[A-Za-z0-9_-]{12}$/),
);

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const plausibleBody = fc.record({
  title: fc.oneof(fc.string({ maxLength: 200 }), jsonValue), text: fc.oneof(fc.string({ maxLength: 400 }), jsonValue),
  handle: fc.oneof(fc.string({ maxLength: 40 }), jsonValue), password: fc.string({ maxLength: 300 }),
  role: fc.oneof(fc.constantFrom('speaker', 'cohost', 'host', 'admin', 'moderator', 'user'), jsonValue),
  action: fc.oneof(fc.constantFrom('approve', 'dismiss', 'highlight', 'answer'), jsonValue),
  muted: fc.oneof(fc.boolean(), jsonValue), approve: fc.oneof(fc.boolean(), jsonValue),
  reaction: fc.oneof(fc.constantFrom('clap', 'heart'), fc.string()), listenerToken: fc.string({ maxLength: 80 }),
  token: fc.string({ maxLength: 90 }), scheduledStart: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
  timeZone: fc.oneof(fc.constantFrom('Europe/Paris', 'UTC', 'Nowhere/Land'), fc.string()),
  targetType: fc.oneof(fc.constantFrom('space', 'question', 'user', 'recording', 'note'), jsonValue), targetId: fc.oneof(fc.constant('sp_AAAAAAAAAAAA'), fc.string()),
  category: fc.oneof(fc.constantFrom('STATEMENT_CATEGORY_VIOLENCE', 'STATEMENT_CATEGORY_PIRACY'), jsonValue), explanation: fc.string({ maxLength: 300 }),
  goodFaith: fc.oneof(fc.boolean(), jsonValue), atMs: fc.oneof(fc.integer(), jsonValue), notifierEmail: fc.string({ maxLength: 40 }),
  ground: fc.constantFrom('DECISION_GROUND_ILLEGAL_CONTENT', 'DECISION_GROUND_INCOMPATIBLE_CONTENT', 'x'), facts: fc.string({ maxLength: 100 }),
  outcome: fc.constantFrom('upheld', 'reversed', 'maybe'), reasons: fc.string({ maxLength: 100 }), decisionId: fc.string({ maxLength: 20 }),
  helpfulness: fc.constantFrom('HELPFUL', 'NOT_HELPFUL', 'MEH'), sources: fc.oneof(fc.array(fc.string({ maxLength: 60 }), { maxLength: 3 }), jsonValue), trusted: fc.oneof(fc.boolean(), jsonValue),
}, { requiredKeys: [] });

const body = fc.oneof(
  fc.constant(undefined), plausibleBody.map((b) => JSON.stringify(b)), jsonValue.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
);
const contentType = fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/sdp', 'application/json; charset=utf-16', 'multipart/form-data', 'garbage');
const auth = fc.constantFrom('none', 'valid', 'forged', 'stage', 'junk');
const query = fc.oneof(fc.constant(''), fc.constantFrom('?state=live', '?state=bogus', '?limit=0', '?limit=999999', '?mine=true', '?state=pending,approved', '?x=1&x=2', '?%ZZ',
  '?from=2026-01-01&to=2026-12-31', '?from=2026-02-30&to=2026-01-01', '?from=1900-01-01&to=2900-01-01', '?cursor=zz&limit=5', '?after=99999999999&limit=500'));

test('random requests get 2xx/3xx/4xx with a catalogued code, and the server lives on', { timeout: 120_000 }, async () => {
  const codes = new Set<string>(ERROR_CODES);
  await fc.assert(fc.asyncProperty(
    fc.constantFrom(...ROUTES), fc.boolean(), idLike, idLike, body, contentType, auth, query,
    async ([method, template], realIds, id1, id2, payload, type, authKind, qs) => {
      const url = template
        .replace('{space}', realIds ? spaceId : encodeURIComponent(id1))
        .replace('{question}', realIds ? questionId : encodeURIComponent(id2))
        .replace('{user}', encodeURIComponent(id2))
        .replace('{participant}', encodeURIComponent(id1))
        .replace(/\{(decision|appeal|note)\}/, encodeURIComponent(id1)) + qs;
      const headers: Record<string, string> = {};
      if (type) headers['content-type'] = type;
      if (authKind === 'valid') headers.authorization = `Bearer ${token}`;
      if (authKind === 'forged') headers.authorization = 'Bearer tks_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      if (authKind === 'stage') headers.authorization = 'Bearer tkst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      if (authKind === 'junk') headers.authorization = 'Basic Og==';
      const res = await server.app.inject({ method: method as 'GET', url, headers, payload });
      assert.ok(res.statusCode < 500, `${method} ${url} -> ${res.statusCode} ${res.body}`);
      if (res.statusCode >= 400) {
        const parsed = JSON.parse(res.body) as { error?: { code?: string } };
        assert.ok(parsed.error?.code && codes.has(parsed.error.code), `${method} ${url} -> uncatalogued error ${res.body}`);
      }
    },
  ), { numRuns: 600, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000), verbose: 1 });
  assert.equal((await server.request('GET', '/healthz')).status, 200);
  assert.equal((await server.request('GET', `/api/v1/spaces/${spaceId}`)).status, 200);
});
