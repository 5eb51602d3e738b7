import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { register, registerAdmin, startTestServer, type TestServer } from '../helpers/control-server.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** Context notes through the API, scored by bridging; and the offline scorer on a ratings file. */

type Account = { token: string; user: { id: string } };
let server: TestServer;
let host: Account, author: Account, author2: Account, mod: Account, mod2: Account;
let spaceId: string;
const campA: Account[] = [];
const campB: Account[] = [];

before(async () => {
  server = await startTestServer();
  const admin = await registerAdmin(server, 'admin_notes');
  mod = admin;
  mod2 = await register(server, 'mod_notes');
  await server.request('PUT', `/api/v1/users/${mod2.user.id}/platform-role`, { token: admin.token, body: { role: 'moderator' } });
  host = await register(server, 'host_notes');
  author = await register(server, 'author_notes');
  author2 = await register(server, 'author_two');
  for (let i = 0; i < 8; i++) { campA.push(await register(server, `camp_a_${i}`)); campB.push(await register(server, `camp_b_${i}`)); }
  const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Interview' } })).body;
  spaceId = space.id;
  assert.equal((await server.request('POST', `/api/v1/spaces/${spaceId}/start`, { token: host.token })).status, 200);
});
after(() => server.close());

const note = (text: string, extra: Record<string, unknown> = {}, by = author) => server.request('POST', `/api/v1/spaces/${spaceId}/notes`, {
  token: by.token, body: { text, sources: ['https://example.org/fact-check'], atMs: 60_000, ...extra },
});
const rate = (a: Account, id: string, helpfulness: string) => server.request('POST', `/api/v1/notes/${id}/ratings`, { token: a.token, body: { helpfulness } });

test('a note is short, sourced and placed; bad ones are refused with a code', async () => {
  assert.equal((await note('x'.repeat(281))).body.error.code, 'NOTE_INVALID');
  assert.equal((await note('🙂'.repeat(280))).status, 201, '280 characters as people count them');
  assert.equal((await note('No source', { sources: [] })).body.error.code, 'VALIDATION_FAILED');
  assert.equal((await note('Odd source', { sources: ['javascript:alert(1)'] })).body.error.code, 'NOTE_INVALID');
  assert.equal((await note('Nowhere', { atMs: undefined })).body.error.code, 'NOTE_INVALID');
  assert.equal((await note('Both', { questionId: 'q_AAAAAAAAAAAA' })).body.error.code, 'NOTE_INVALID');
  assert.equal((await note('Extra', { score: 1 })).body.error.code, 'VALIDATION_FAILED');
  const anon = await server.request('POST', `/api/v1/spaces/${spaceId}/notes`, { body: { text: 'x', sources: ['https://example.org/a'], atMs: 1 } });
  assert.equal(anon.body.error.code, 'AUTH_REQUIRED');
  const ok = await note('The figure quoted is from 2019, not this year.');
  assert.equal((await rate(author, ok.body.id, 'HELPFUL')).body.error.code, 'OWN_NOTE_RATING');
  assert.equal((await rate(host, ok.body.id, 'VERY_HELPFUL')).body.error.code, 'VALIDATION_FAILED');
  assert.equal((await rate(host, 'nt_AAAAAAAAAAAA', 'HELPFUL')).body.error.code, 'NOTE_NOT_FOUND');
  const flood: number[] = [];
  for (let i = 0; i < 62; i++) flood.push((await rate(mod2, ok.body.id, i % 2 ? 'HELPFUL' : 'NOT_HELPFUL')).status);
  assert.ok(flood.slice(0, 60).every((c) => c === 204), flood.join());
  assert.equal(flood.at(-1), 429, 'a rating flood is rate-limited per account');
});

test('helpful by bridging: a note both camps rate helpful shows, a note one camp loves does not', async () => {
  const rand = seededRandom(3);
  const polar: string[] = [];
  for (let i = 0; i < 6; i++) polar.push((await note(`Claim ${i} is misleading, see the source.`, {}, author2)).body.id);
  const bridge = (await note('The interviewee misquoted the 2024 report; page 12 says the opposite.', {}, author2)).body.id;
  const oneSided = (await note('Everything the guest said is false.', {}, author2)).body.id;
  for (const [i, id] of polar.entries()) {
    const [fans, foes] = i % 2 ? [campA, campB] : [campB, campA];
    for (const a of fans) assert.equal((await rate(a, id, rand.next() < 0.9 ? 'HELPFUL' : 'SOMEWHAT_HELPFUL')).status, 204);
    for (const a of foes) await rate(a, id, 'NOT_HELPFUL');
  }
  for (const a of [...campA, ...campB]) await rate(a, bridge, rand.next() < 0.9 ? 'HELPFUL' : 'SOMEWHAT_HELPFUL');
  for (const a of campA) await rate(a, oneSided, 'HELPFUL');
  const list = await server.request('GET', `/api/v1/spaces/${spaceId}/notes`);
  assert.equal(list.status, 200);
  const byId = new Map(list.body.notes.map((n: { id: string }) => [n.id, n]));
  const statusOf = (id: string) => (byId.get(id) as { status: string }).status;
  assert.equal(statusOf(bridge), 'CURRENTLY_RATED_HELPFUL', JSON.stringify(byId.get(bridge)));
  assert.notEqual(statusOf(oneSided), 'CURRENTLY_RATED_HELPFUL', JSON.stringify(byId.get(oneSided)));
  for (const id of polar) assert.notEqual(statusOf(id), 'CURRENTLY_RATED_HELPFUL');

  // Notes can be reported like anything else; hiding one takes it off the list until an appeal says otherwise.
  const notice = await server.request('POST', '/api/v1/notices', { token: host.token, body: { targetType: 'note', targetId: oneSided, category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', explanation: 'Not a context note: an attack on the guest.', notifierName: 'Host', notifierEmail: 'host@example.org', goodFaith: true } });
  assert.equal(notice.status, 201);
  const hidden = await server.request('POST', '/api/v1/moderation/decisions', { token: mod.token, body: { targetType: 'note', targetId: oneSided, action: 'hide_note', ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', termsClause: 'Notes policy §2', explanation: 'A note adds context; this one only insults.', facts: 'Reported note text.', category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' } });
  assert.equal(hidden.status, 201);
  assert.ok(!(await server.request('GET', `/api/v1/spaces/${spaceId}/notes`)).body.notes.some((n: { id: string }) => n.id === oneSided));
  const appeal = await server.request('POST', '/api/v1/appeals', { token: author2.token, body: { decisionId: hidden.body.id, explanation: 'It is context.' } });
  assert.equal(appeal.status, 201);
  await server.request('POST', `/api/v1/moderation/appeals/${appeal.body.id}/decision`, { token: mod2.token, body: { outcome: 'reversed', reasons: 'Borderline; restored.' } });
  assert.ok((await server.request('GET', `/api/v1/spaces/${spaceId}/notes`)).body.notes.some((n: { id: string }) => n.id === oneSided));
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('tribune notes score reads the public ratings format and prints the same JSON every time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tribune-notes-'));
  try {
    const rand = seededRandom(9);
    const rows = ['noteId\tratingId\traterParticipantId\tcreatedAtMillis\thelpfulnessLevel'];
    const row = (n: string, r: string, level: string) => rows.push(`${n}\t-\t${r}\t0\t${level}`);
    for (let i = 0; i < 20; i++) {
      for (let r = 0; r < 15; r++) {
        row(`p${i}`, `a${r}`, (i % 2 === 0) === (rand.next() < 0.9) ? 'HELPFUL' : 'NOT_HELPFUL');
        row(`p${i}`, `b${r}`, (i % 2 === 0) === (rand.next() < 0.9) ? 'NOT_HELPFUL' : 'HELPFUL');
      }
    }
    for (let r = 0; r < 15; r++) { row('bridge', `a${r}`, 'HELPFUL'); row('bridge', `b${r}`, 'HELPFUL'); row('onesided', `a${r}`, 'HELPFUL'); }
    const file = join(dir, 'ratings.tsv');
    writeFileSync(file, `${rows.join('\n')}\n`);
    const first = await cli(['notes', 'score', '--ratings', file]);
    assert.equal(first.code, 0, first.stderr);
    const scores = JSON.parse(first.stdout) as Record<string, { status: string; intercept: number; factor: number }>;
    assert.equal(scores.bridge!.status, 'CURRENTLY_RATED_HELPFUL');
    assert.notEqual(scores.onesided!.status, 'CURRENTLY_RATED_HELPFUL');
    assert.deepEqual(Object.keys(scores.bridge!).sort(), ['factor', 'intercept', 'status']);
    assert.equal((await cli(['notes', 'score', '--ratings', file])).stdout, first.stdout, 'deterministic');

    writeFileSync(file, 'noteId\traterParticipantId\thelpfulnessLevel\nn1\tr1\tHELPFUL\nn1\tr2\tMEH\n');
    const bad = await cli(['notes', 'score', '--ratings', file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /line 3: helpfulnessLevel 'MEH'/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
