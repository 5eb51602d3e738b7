import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ACCOUNT_TYPE, AUTOMATED_DECISION, CONTENT_TYPE, DECISION_ACCOUNT, DECISION_GROUND, DECISION_MONETARY, DECISION_PROVISION,
  DECISION_VISIBILITY, SOURCE_TYPE, STATEMENT_CATEGORY, TERRITORIAL_SCOPE,
} from './dsa-format.js';
import { validateStatement } from './statement-rules.js';
import { toStatement } from './to-statement.js';
import { DECISION_ACTIONS, TARGET_TYPES, type Decision } from './types.js';
import { ACTIONS_FOR } from './decision-rules.js';

const valid = {
  decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
  decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
  incompatible_content_ground: 'Terms §4', incompatible_content_explanation: 'Spam.',
  content_type: ['CONTENT_TYPE_TEXT'], category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  content_date: '2026-11-30', application_date: '2026-11-30', decision_facts: 'A question promoted a scam.',
  source_type: 'SOURCE_VOLUNTARY', automated_detection: 'No', automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED', puid: 'd_abc-DEF_123',
};
const errorsOf = (patch: Record<string, unknown>) => {
  const s: Record<string, unknown> = { ...valid, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete s[k];
  return validateStatement(s);
};

test('a complete statement passes', () => assert.deepEqual(validateStatement(valid), {}));

test('every enum refuses a value outside it and takes each value in it', () => {
  const single: Array<[string, readonly string[]]> = [
    ['decision_monetary', DECISION_MONETARY], ['decision_provision', DECISION_PROVISION], ['decision_account', DECISION_ACCOUNT],
    ['account_type', ACCOUNT_TYPE], ['category', STATEMENT_CATEGORY], ['source_type', SOURCE_TYPE], ['automated_decision', AUTOMATED_DECISION],
    ['automated_detection', ['Yes', 'No']],
  ];
  for (const [field, values] of single) {
    assert.ok(errorsOf({ [field]: 'NOT_A_VALUE' })[field], field);
    for (const v of values) {
      const extra = v === 'DECISION_MONETARY_OTHER' ? { decision_monetary_other: 'x' } : {};
      assert.equal(errorsOf({ [field]: v, ...extra })[field], undefined, `${field}=${v}`);
    }
  }
  const many: Array<[string, readonly string[]]> = [
    ['decision_visibility', DECISION_VISIBILITY], ['content_type', CONTENT_TYPE], ['category_addition', STATEMENT_CATEGORY], ['territorial_scope', TERRITORIAL_SCOPE],
  ];
  for (const [field, values] of many) {
    assert.ok(errorsOf({ [field]: ['NOT_A_VALUE'] })[field], field);
    assert.ok(errorsOf({ [field]: [] })[field], `${field} empty`);
    assert.ok(errorsOf({ [field]: 'not-an-array' })[field], `${field} scalar`);
    const extra = { decision_visibility_other: 'x', content_type_other: 'x' };
    assert.equal(errorsOf({ [field]: [...values], ...extra })[field], undefined, `${field} all values`);
  }
  assert.ok(errorsOf({ category_specification: ['KEYWORD_NOPE'] }).category_specification);
  assert.equal(errorsOf({ category_specification: ['KEYWORD_HATE_SPEECH', 'KEYWORD_OTHER'] }).category_specification, undefined);
  assert.ok(errorsOf({ decision_ground: 'DECISION_GROUND_OTHER' }).decision_ground);
  assert.equal(DECISION_GROUND.length, 2);
  assert.ok(errorsOf({ content_language: 'fr' }).content_language, 'upper case ISO 639-1');
  assert.equal(errorsOf({ content_language: 'FR' }).content_language, undefined);
});

test('every conditional rule', () => {
  assert.ok(errorsOf({ decision_visibility: undefined }).decision_visibility, 'at least one restriction');
  assert.deepEqual(errorsOf({ decision_visibility: undefined, decision_account: 'DECISION_ACCOUNT_SUSPENDED' }), {});
  assert.ok(errorsOf({ decision_visibility: ['DECISION_VISIBILITY_OTHER'] }).decision_visibility_other);
  assert.ok(errorsOf({ decision_monetary: 'DECISION_MONETARY_OTHER' }).decision_monetary_other);
  assert.ok(errorsOf({ content_type: ['CONTENT_TYPE_OTHER'] }).content_type_other);
  const illegal = errorsOf({ decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT' });
  assert.ok(illegal.illegal_content_legal_ground && illegal.illegal_content_explanation);
  const incompatible = errorsOf({ incompatible_content_ground: undefined, incompatible_content_explanation: undefined });
  assert.ok(incompatible.incompatible_content_ground && incompatible.incompatible_content_explanation);
  assert.equal(errorsOf({ incompatible_content_illegal: 'Yes' }).incompatible_content_illegal, undefined);
  assert.ok(errorsOf({ incompatible_content_illegal: 'Maybe' }).incompatible_content_illegal);
  assert.ok(errorsOf({ decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT', illegal_content_legal_ground: 'x', illegal_content_explanation: 'y', incompatible_content_illegal: 'No' }).incompatible_content_illegal);
  assert.ok(errorsOf({ source_identity: 'Trusted NGO' }).source_identity, 'no source identity for voluntary decisions');
  assert.equal(errorsOf({ source_type: 'SOURCE_TRUSTED_FLAGGER', source_identity: 'Trusted NGO' }).source_identity, undefined);
});

test('lengths, dates and the puid', () => {
  assert.ok(errorsOf({ decision_facts: 'x'.repeat(5001) }).decision_facts);
  assert.ok(errorsOf({ incompatible_content_explanation: 'x'.repeat(2001) }).incompatible_content_explanation);
  assert.ok(errorsOf({ incompatible_content_ground: 'x'.repeat(501) }).incompatible_content_ground);
  assert.ok(errorsOf({ puid: 'x'.repeat(501) }).puid);
  assert.ok(errorsOf({ puid: 'has space' }).puid);
  assert.ok(errorsOf({ puid: 'dé' }).puid);
  assert.ok(errorsOf({ content_date: '1999-12-31' }).content_date);
  assert.equal(errorsOf({ content_date: '2000-01-01' }).content_date, undefined);
  assert.ok(errorsOf({ application_date: '2019-12-31' }).application_date);
  assert.ok(errorsOf({ application_date: '2038-01-01' }).application_date);
  assert.ok(errorsOf({ content_date: '2026-02-30' }).content_date);
  assert.ok(errorsOf({ content_date: '2026-11-30T10:00:00Z' }).content_date);
  assert.ok(errorsOf({ end_date_account_restriction: '30/11/2026' }).end_date_account_restriction);
  for (const f of ['decision_ground', 'content_type', 'category', 'content_date', 'application_date', 'decision_facts', 'source_type', 'automated_detection', 'automated_decision', 'puid']) {
    assert.ok(errorsOf({ [f]: undefined })[f], `${f} is required`);
  }
  assert.ok(errorsOf({ platform_secret: 'x' }).platform_secret, 'unknown fields are refused');
});

test('every decision Tribune can take, on every ground and source, exports as a valid statement', () => {
  let checked = 0;
  for (const targetType of TARGET_TYPES) {
    for (const action of ACTIONS_FOR[targetType]) {
      for (const ground of DECISION_GROUND) {
        for (const source of ['notice', 'trusted_flagger', 'own_initiative'] as const) {
          const d: Decision = {
            id: 'd_AbC-123_xyz', action, targetType, targetId: 'x_123456789012', spaceId: 'sp_123456789012', atMs: 1000, affectedUserId: 'u_123456789012',
            ground, legalGround: ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? 'Law' : null, termsClause: ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT' ? 'Clause' : null,
            explanation: 'e'.repeat(3000), facts: 'f'.repeat(6000), category: 'STATEMENT_CATEGORY_VIOLENCE', keywords: ['KEYWORD_COORDINATED_HARM', 'NOT_A_KEYWORD'],
            source, noticeIds: [], contentDate: '2026-11-30T18:00:00.000Z', contentLanguage: 'fr-FR', decidedBy: 'u_x', decidedAt: '2026-11-30T19:00:00.000Z',
            endsAt: action === 'suspend_account' ? '2026-12-07T19:00:00.000Z' : null, undo: null, state: 'in_force', reversedAt: null,
            manifestlyIllegal: false, automated: source === 'own_initiative',
          };
          const s = toStatement(d);
          if (action === 'no_action') { assert.equal(s, null); continue; }
          assert.deepEqual(validateStatement(s as unknown as Record<string, unknown>), {}, `${targetType} ${action} ${ground} ${source}`);
          checked++;
        }
      }
    }
  }
  assert.equal(DECISION_ACTIONS.length, 10);
  assert.ok(checked >= 50, `${checked}`);
});
