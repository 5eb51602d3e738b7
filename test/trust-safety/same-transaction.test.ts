import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { sqliteTrustSafety } from '../../src/store/sqlite/trust-safety.js';
import type { Decision } from '../../src/trust-safety/types.js';

/** The act, its record and its audit entry commit together: when one fails, none is there. */

function setup() {
  const db = openDatabase(':memory:');
  db.exec(`INSERT INTO users VALUES ('u_host00000000', 'host', 'Host', 'x', 'user', '2026-11-30T00:00:00Z');
    INSERT INTO spaces (id, title, description, language, host_id, state, created_at, max_on_stage, max_cohosts)
      VALUES ('sp_space0000000', 'S', '', 'fr', 'u_host00000000', 'live', '2026-11-30T00:00:00Z', 13, 2);
    INSERT INTO questions (id, space_id, author_id, text, anonymous, state, created_at) VALUES ('q_question00000', 'sp_space0000000', 'u_host00000000', 'Q?', 0, 'approved', '2026-11-30T00:00:00Z');`);
  return { db, repo: sqliteTrustSafety(db) };
}

const decision: Decision = {
  id: 'd_decision00000', action: 'dismiss_question', targetType: 'question', targetId: 'q_question00000', spaceId: 'sp_space0000000', atMs: null,
  affectedUserId: 'u_host00000000', ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', legalGround: null, termsClause: 'Terms §1', explanation: 'e', facts: 'f',
  category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC', keywords: [], source: 'own_initiative', noticeIds: [], contentDate: '2026-11-30T00:00:00Z',
  contentLanguage: 'fr', decidedBy: 'u_mod', decidedAt: '2026-11-30T01:00:00Z', endsAt: null, undo: { state: 'approved' }, state: 'in_force', reversedAt: null,
  manifestlyIllegal: false, automated: false,
};
const audit = { at: '2026-11-30T01:00:00Z', actorId: 'u_mod', action: 'decision.dismiss_question', targetType: 'question', targetId: 'q_question00000', reason: 'r', data: {} };

test('a decision whose audit entry cannot be written leaves no decision and no dismissed question', async () => {
  const { db, repo } = setup();
  // A value JSON cannot carry makes the audit append throw inside the transaction.
  const broken = { ...audit, data: { n: 1n } as unknown as Record<string, unknown> };
  await assert.rejects(repo.recordDecision(decision, { unfounded: false, effect: { kind: 'question-state', questionId: 'q_question00000', state: 'dismissed' } }, broken));
  assert.equal(await repo.decision(decision.id), null);
  assert.equal((db.prepare('SELECT state FROM questions').get() as { state: string }).state, 'approved');
  assert.deepEqual(await repo.auditEntries(0, 10), []);
  db.close();
});

test('and when all goes through, the three are there together, reversal included', async () => {
  const { db, repo } = setup();
  await repo.recordDecision(decision, { unfounded: false, effect: { kind: 'question-state', questionId: 'q_question00000', state: 'dismissed' } }, audit);
  assert.equal((db.prepare('SELECT state FROM questions').get() as { state: string }).state, 'dismissed');
  await repo.createAppeal({ id: 'ap_appeal000000', decisionId: decision.id, appellantId: 'u_host00000000', explanation: 'x', submittedAt: audit.at, state: 'open', decidedBy: null, decidedAt: null, reasons: null }, { ...audit, action: 'appeal.lodged' });
  const answered = { id: 'ap_appeal000000', decisionId: decision.id, appellantId: 'u_host00000000', explanation: 'x', submittedAt: audit.at, state: 'reversed' as const, decidedBy: 'u_mod2', decidedAt: audit.at, reasons: 'ok' };
  await assert.rejects(repo.decideAppeal(answered, true, { ...audit, data: { n: 1n } as unknown as Record<string, unknown> }, { kind: 'question-state', questionId: 'q_question00000', state: 'approved' }));
  assert.equal((db.prepare('SELECT state FROM questions').get() as { state: string }).state, 'dismissed', 'a failed reversal undoes nothing');
  assert.equal((await repo.decision(decision.id))!.state, 'in_force');
  await repo.decideAppeal(answered, true, { ...audit, action: 'appeal.reversed' }, { kind: 'question-state', questionId: 'q_question00000', state: 'approved' });
  assert.equal((db.prepare('SELECT state FROM questions').get() as { state: string }).state, 'approved');
  assert.equal((await repo.decision(decision.id))!.state, 'reversed');
  assert.deepEqual((await repo.auditEntries(0, 10)).map((e) => e.action), ['decision.dismiss_question', 'appeal.lodged', 'appeal.reversed']);
  db.close();
});
