import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { validateStatement } from '../../src/trust-safety/statement-rules.js';
import { startDsaStandIn, type DsaStandIn } from '../helpers/dsa-stand-in.js';
import { register, registerAdmin, startTestServer, type TestServer } from '../helpers/control-server.js';

/** The export in the Transparency Database's format, the CLI, and the submission to a stand-in of its API. */

let server: TestServer;
let standIn: DsaStandIn;
let tmp: string;
const today = new Date().toISOString().slice(0, 10);
const secrets: string[] = [];

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/run-cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  server = await startTestServer();
  standIn = await startDsaStandIn('tdb-token');
  tmp = mkdtempSync(join(tmpdir(), 'tribune-dsa-'));
  const admin = await registerAdmin(server, 'admin_dsa');
  const mod = await register(server, 'mod_dsa');
  await server.request('PUT', `/api/v1/users/${mod.user.id}/platform-role`, { token: admin.token, body: { role: 'moderator' } });
  const host = await register(server, 'Jean_Dupont');
  const fan = await register(server, 'fan_dsa');
  await server.request('PUT', `/api/v1/users/${fan.user.id}/trusted-flagger`, { token: admin.token, body: { trusted: true } });
  secrets.push('Jean_Dupont', host.user.id, fan.user.id, 'fan_dsa', 'Marie Curie', 'marie@example.org');

  const space = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Débat', language: 'fr' } })).body;
  await server.request('POST', `/api/v1/spaces/${space.id}/start`, { token: host.token });
  const q = (await server.request('POST', `/api/v1/spaces/${space.id}/questions`, { token: fan.token, body: { text: 'A question' } })).body;
  const notice = { atMs: 1000, category: 'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS', explanation: 'False claims about the vote counting, live.', notifierName: 'Marie Curie', notifierEmail: 'marie@example.org', goodFaith: true };
  assert.equal((await server.request('POST', '/api/v1/notices', { token: fan.token, body: { targetType: 'space', targetId: space.id, ...notice } })).status, 201);
  const illegal = { ground: 'DECISION_GROUND_ILLEGAL_CONTENT', legalGround: 'Code électoral, art. L97', explanation: 'False news likely to alter the vote.', facts: 'Claims made live at 00:00:01; a trusted flagger reported them.', category: 'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS', keywords: ['KEYWORD_MISINFORMATION_DISINFORMATION'] };
  const terms = { ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', termsClause: 'Terms §3', explanation: 'Off-topic promotion.', facts: 'Promotion in a question.', category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD' };
  for (const body of [
    { targetType: 'space', targetId: space.id, action: 'label', ...illegal },
    { targetType: 'question', targetId: q.id, action: 'dismiss_question', ...terms },
    { targetType: 'user', targetId: host.user.id, action: 'suspend_account', ...terms, endsAt: new Date(Date.now() + 86_400_000).toISOString() },
    { targetType: 'space', targetId: space.id, action: 'end_space', ...illegal },
    { targetType: 'recording', targetId: space.id, action: 'disable_replay', ...illegal },
    { targetType: 'user', targetId: fan.user.id, action: 'no_action', ...terms },
  ]) {
    const res = await server.request('POST', '/api/v1/moderation/decisions', { token: mod.token, body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  (server as unknown as { modToken: string }).modToken = mod.token;
  (server as unknown as { fanToken: string }).fanToken = fan.token;
});
after(async () => { await server.close(); await standIn.close(); rmSync(tmp, { recursive: true, force: true }); });

const modToken = () => (server as unknown as { modToken: string }).modToken;

test('GET /transparency/statements: every statement passes every rule, puids unique, nothing personal', async () => {
  const res = await server.request('GET', `/api/v1/transparency/statements?from=${today}&to=${today}`, { token: modToken() });
  assert.equal(res.status, 200);
  const statements = res.body.statements as Array<Record<string, unknown>>;
  assert.equal(statements.length, 5, 'no_action has no statement of reasons');
  for (const s of statements) assert.deepEqual(validateStatement(s), {}, JSON.stringify(s));
  assert.equal(new Set(statements.map((s) => s.puid)).size, 5);
  const sources = statements.map((s) => s.source_type);
  assert.ok(sources.includes('SOURCE_TRUSTED_FLAGGER') && sources.includes('SOURCE_VOLUNTARY'), sources.join());
  const text = JSON.stringify(statements);
  for (const secret of secrets) assert.ok(!text.includes(secret), `no personal data: ${secret}`);
  assert.ok(statements.every((s) => s.source_identity === undefined));
  const again = await server.request('GET', `/api/v1/transparency/statements?from=${today}&to=${today}`, { token: modToken() });
  assert.deepEqual(again.body.statements.map((s: { puid: string }) => s.puid), statements.map((s) => s.puid), 'puids are stable');

  assert.equal((await server.request('GET', `/api/v1/transparency/statements?from=${today}&to=${today}`, { token: (server as unknown as { fanToken: string }).fanToken })).status, 403);
  assert.equal((await server.request('GET', `/api/v1/transparency/statements?from=2026-02-30&to=${today}`, { token: modToken() })).body.error.code, 'VALIDATION_FAILED');
  assert.equal((await server.request('GET', `/api/v1/transparency/statements?from=${today}`, { token: modToken() })).body.error.code, 'VALIDATION_FAILED');
});

test('the public transparency report counts notices, decisions, appeals and suspensions', async () => {
  const res = await server.request('GET', `/api/v1/transparency/report?from=${today}&to=${today}`);
  assert.equal(res.status, 200);
  assert.equal(res.body.notices.total, 1);
  assert.deepEqual(res.body.notices.bySource, { trusted_flagger: 1 });
  assert.equal(res.body.decisions.total, 6);
  assert.equal(res.body.decisions.byAction.no_action, 1);
  assert.equal(res.body.decisions.byGround.DECISION_GROUND_ILLEGAL_CONTENT, 3);
  assert.equal(typeof res.body.decisions.medianHoursNoticeToDecision, 'number');
  assert.equal(res.body.suspensions.accountsSuspended, 1);
  assert.equal(res.body.decisions.automatedDecisionShare, 0);
});

test('tribune dsa export writes the same statements; dsa submit sends them once, in batches, and reports refusals', async () => {
  const out = join(tmp, 'export.json');
  const exported = await cli(['dsa', 'export', '--from', today, '--to', today, '--out', out, '--data-dir', server.dataDir]);
  assert.equal(exported.code, 0, exported.stderr);
  const file = JSON.parse(readFileSync(out, 'utf8')) as { statements: Array<Record<string, unknown>> };
  const api = await server.request('GET', `/api/v1/transparency/statements?from=${today}&to=${today}`, { token: modToken() });
  assert.deepEqual(file.statements, api.body.statements);

  const wrongToken = await cli(['dsa', 'submit', '--endpoint', standIn.url, '--token', 'nope', '--file', out, '--data-dir', server.dataDir]);
  assert.equal(wrongToken.code, 1);
  assert.equal(JSON.parse(wrongToken.stdout).failedBatches[0].status, 401);

  const sent = await cli(['dsa', 'submit', '--endpoint', standIn.url, '--token', 'tdb-token', '--file', out, '--data-dir', server.dataDir]);
  assert.equal(sent.code, 0, sent.stdout + sent.stderr);
  assert.equal(JSON.parse(sent.stdout).accepted, 5);
  assert.equal(standIn.stored.size, 5);
  const twice = await cli(['dsa', 'submit', '--endpoint', standIn.url, '--token', 'tdb-token', '--from', today, '--to', today, '--data-dir', server.dataDir]);
  assert.equal(twice.code, 0);
  assert.deepEqual([JSON.parse(twice.stdout).accepted, JSON.parse(twice.stdout).skipped], [0, 5], 'accepted puids are not sent again');

  // The record of what was accepted is lost: the Database's "not unique" answers count as accepted.
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(server.dataDir, 'tribune.db'));
  db.prepare('DELETE FROM dsa_submissions').run();
  db.close();
  const lost = await cli(['dsa', 'submit', '--endpoint', standIn.url, '--token', 'tdb-token', '--from', today, '--to', today, '--data-dir', server.dataDir]);
  assert.equal(lost.code, 0, lost.stdout);
  assert.deepEqual([JSON.parse(lost.stdout).accepted, JSON.parse(lost.stdout).rejected], [5, []]);
  assert.equal(standIn.stored.size, 5);

  // 150 statements, one of them broken: two calls (100 + 50), the broken one named, the rest stored.
  const base = file.statements[0]!;
  const many: Array<Record<string, unknown>> = Array.from({ length: 150 }, (_, i) => ({ ...base, puid: `bulk-${i}` }));
  many[120] = { ...many[120], category: 'STATEMENT_CATEGORY_PIRACY', decision_visibility: ['DECISION_VISIBILITY_OTHER'] };
  delete many[120]!.decision_visibility_other;
  const bulk = join(tmp, 'bulk.json');
  writeFileSync(bulk, JSON.stringify({ statements: many }));
  standIn.calls.length = 0;
  const partly = await cli(['dsa', 'submit', '--endpoint', standIn.url, '--token', 'tdb-token', '--file', bulk, '--data-dir', server.dataDir]);
  assert.equal(partly.code, 1);
  const report = JSON.parse(partly.stdout);
  assert.equal(report.accepted, 149);
  assert.equal(report.rejected.length, 1);
  assert.equal(report.rejected[0].puid, 'bulk-120');
  assert.deepEqual(Object.keys(report.rejected[0].errors).sort(), ['category', 'decision_visibility_other']);
  assert.deepEqual(standIn.calls.map((c) => [c.status, c.size]), [[201, 100], [422, 50], [201, 49]]);
  assert.equal(standIn.stored.size, 5 + 149);
});
