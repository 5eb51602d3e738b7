import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { validateStatement } from '../../src/trust-safety/statement-rules.js';
import { register, registerAdmin, startTestServer, type TestServer } from '../helpers/control-server.js';

/** DSA Art. 23 through the API: warn, then act, on notifiers and on providers who misuse the service. */

type Account = { token: string; user: { id: string } };
let server: TestServer;
let mod: Account, host: Account;
let spaceId: string;
const terms = { ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', termsClause: 'Terms §2', explanation: 'Nothing in the report holds.', facts: 'The moment reported contains no such words.', category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH' };

before(async () => {
  server = await startTestServer();
  mod = await registerAdmin(server, 'admin_misuse');
  host = await register(server, 'host_misuse');
  spaceId = (await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'Misuse' } })).body.id;
  await server.request('POST', `/api/v1/spaces/${spaceId}/start`, { token: host.token });
});
after(() => server.close());

test('a notifier whose notices are manifestly unfounded is warned, then not heard for a while', async () => {
  const serial = await register(server, 'serial_reporter');
  const bystander = await register(server, 'bystander');
  const report = async (who: Account) => {
    const q = await server.request('POST', `/api/v1/spaces/${(await server.request('POST', '/api/v1/spaces', { token: host.token, body: { title: 'x' } })).body.id}/start`, { token: host.token });
    return { target: q.body.id as string, res: await server.request('POST', '/api/v1/notices', { token: who.token, body: { targetType: 'space', targetId: q.body.id, atMs: 1, category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', explanation: 'I just do not like this person at all.', notifierName: 'S', notifierEmail: 's@example.org', goodFaith: true } }) };
  };
  const warnings: Array<string | undefined> = [];
  for (let i = 0; i < 5; i++) {
    const { target, res } = await report(serial);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    warnings.push(res.body.warning);
    const closed = await server.request('POST', '/api/v1/moderation/decisions', { token: mod.token, body: { targetType: 'space', targetId: target, action: 'no_action', manifestlyUnfounded: true, ...terms } });
    assert.equal(closed.status, 201);
  }
  assert.deepEqual(warnings.map(Boolean), [false, false, false, true, true], 'warned once three were unfounded');
  assert.match(warnings[3]!, /3 of your notices/);
  const refused = await report(serial);
  assert.equal(refused.res.status, 403);
  assert.equal(refused.res.body.error.code, 'NOTIFIER_SUSPENDED');
  assert.ok(Date.parse(refused.res.body.error.details.until) > Date.now() + 29 * 86_400_000);
  assert.equal((await report(bystander)).res.status, 201, 'others are heard');
  const statements = await server.request('GET', '/api/v1/me/statements', { token: serial.token });
  assert.deepEqual(statements.body.warnings.map((w: { kind: string }) => w.kind), ['unfounded_notices']);
});

test('a provider of manifestly illegal content is warned at the second, suspended at the third (a statement, appealable)', async () => {
  const troll = await register(server, 'troll_misuse');
  const notes: string[] = [];
  for (let i = 0; i < 3; i++) {
    const n = await server.request('POST', `/api/v1/spaces/${spaceId}/notes`, { token: troll.token, body: { text: `Incitement ${i}`, sources: ['https://example.org/x'], atMs: i } });
    assert.equal(n.status, 201);
    notes.push(n.body.id);
  }
  const hide = (id: string) => server.request('POST', '/api/v1/moderation/decisions', { token: mod.token, body: {
    targetType: 'note', targetId: id, action: 'hide_note', manifestlyIllegal: true, ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
    legalGround: 'Code pénal, art. 421-2-5', explanation: 'Direct incitement to terrorist acts.', facts: 'A note calling for an attack.', category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  } });
  assert.equal((await hide(notes[0]!)).status, 201);
  assert.deepEqual((await server.request('GET', '/api/v1/me/statements', { token: troll.token })).body.warnings, []);
  assert.equal((await hide(notes[1]!)).status, 201);
  const warned = await server.request('GET', '/api/v1/me/statements', { token: troll.token });
  assert.deepEqual(warned.body.warnings.map((w: { kind: string }) => w.kind), ['manifestly_illegal']);
  assert.ok(!warned.body.statements.some((s: { action: string }) => s.action === 'suspend_account'), 'a warning first');
  assert.equal((await hide(notes[2]!)).status, 201);

  const after = (await server.request('GET', '/api/v1/me/statements', { token: troll.token })).body.statements;
  const suspension = after.find((s: { action: string }) => s.action === 'suspend_account');
  assert.ok(suspension, JSON.stringify(after.map((s: { action: string }) => s.action)));
  assert.equal(suspension.automated, true);
  assert.equal(suspension.source, 'own_initiative');
  assert.ok(Math.abs(Date.parse(suspension.endsAt) - Date.now() - 14 * 86_400_000) < 60_000, 'a reasonable, stated time');
  const blocked = await server.request('POST', `/api/v1/spaces/${spaceId}/notes`, { token: troll.token, body: { text: 'again', sources: ['https://example.org/x'], atMs: 9 } });
  assert.equal(blocked.body.error.code, 'ACCOUNT_RESTRICTED');

  const today = new Date().toISOString().slice(0, 10);
  const exported = (await server.request('GET', `/api/v1/transparency/statements?from=${today}&to=${today}`, { token: mod.token })).body.statements;
  const sor = exported.find((s: { puid: string }) => s.puid === suspension.id);
  assert.equal(sor.automated_decision, 'AUTOMATED_DECISION_PARTIALLY');
  assert.deepEqual(validateStatement(sor), {});
  const report = (await server.request('GET', `/api/v1/transparency/report?from=${today}&to=${today}`)).body;
  assert.ok(report.decisions.automatedDecisionShare > 0);

  const appeal = await server.request('POST', '/api/v1/appeals', { token: troll.token, body: { decisionId: suspension.id, explanation: 'One of them was satire.' } });
  assert.equal(appeal.status, 201);
  const reversed = await server.request('POST', `/api/v1/moderation/appeals/${appeal.body.id}/decision`, { token: mod.token, body: { outcome: 'reversed', reasons: 'Reinstated after review.' } });
  assert.equal(reversed.status, 200, 'any moderator answers an appeal on a rule\'s decision');
  const back = await server.request('POST', `/api/v1/spaces/${spaceId}/notes`, { token: troll.token, body: { text: 'back', sources: ['https://example.org/x'], atMs: 10 } });
  assert.equal(back.status, 201);
});
