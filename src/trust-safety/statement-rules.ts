import {
  ACCOUNT_TYPE, AUTOMATED_DECISION, CATEGORY_SPECIFICATION, CONTENT_TYPE, DECISION_ACCOUNT, DECISION_GROUND, DECISION_MONETARY,
  DECISION_PROVISION, DECISION_VISIBILITY, SOURCE_TYPE, STATEMENT_CATEGORY, TERRITORIAL_SCOPE, YES_NO,
} from './dsa-format.js';

/** Field -> messages, the shape the Transparency Database's 422 answers carry per statement. */
export type FieldErrors = Record<string, string[]>;

const KNOWN_FIELDS = new Set([
  'decision_visibility', 'decision_visibility_other', 'decision_monetary', 'decision_monetary_other', 'decision_provision',
  'decision_account', 'account_type', 'decision_ground', 'decision_ground_reference_url', 'illegal_content_legal_ground',
  'illegal_content_explanation', 'incompatible_content_ground', 'incompatible_content_explanation', 'incompatible_content_illegal',
  'content_type', 'content_type_other', 'category', 'category_addition', 'category_specification', 'category_specification_other',
  'content_language', 'content_date', 'application_date', 'end_date_account_restriction', 'end_date_monetary_restriction',
  'end_date_service_restriction', 'end_date_visibility_restriction', 'territorial_scope', 'decision_facts', 'source_type',
  'source_identity', 'automated_detection', 'automated_decision', 'puid', 'content_id',
]);

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PUID = /^[a-zA-Z0-9-_]+$/;
const LANGUAGE = /^[A-Z]{2}$/;

/**
 * The Transparency Database's validation of one StatementStoreRequest: every enum, length, date range
 * and conditional rule. Pure, so the exporter's tests and the local stand-in of the API share it.
 */
export function validateStatement(s: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  const fail = (field: string, message: string) => { (errors[field] ??= []).push(message); };
  const present = (field: string) => s[field] !== undefined && s[field] !== null && s[field] !== '';
  const oneOf = (field: string, values: readonly string[], required: boolean) => {
    if (!present(field)) { if (required) fail(field, `The ${field} field is required.`); return; }
    if (typeof s[field] !== 'string' || !values.includes(s[field] as string)) fail(field, `The selected ${field} is invalid.`);
  };
  const manyOf = (field: string, values: readonly string[], required: boolean) => {
    if (!present(field)) { if (required) fail(field, `The ${field} field is required.`); return; }
    const v = s[field];
    if (!Array.isArray(v) || v.length === 0) { fail(field, `The ${field} must be a non-empty array.`); return; }
    if (v.some((x) => typeof x !== 'string' || !values.includes(x))) fail(field, `The selected ${field} is invalid.`);
    if (new Set(v).size !== v.length) fail(field, `The ${field} has duplicate values.`);
  };
  const text = (field: string, max: number, required: boolean) => {
    if (!present(field)) { if (required) fail(field, `The ${field} field is required.`); return; }
    if (typeof s[field] !== 'string') fail(field, `The ${field} must be a string.`);
    else if ((s[field] as string).length > max) fail(field, `The ${field} must not be greater than ${max} characters.`);
  };
  const date = (field: string, from: string, required: boolean) => {
    if (!present(field)) { if (required) fail(field, `The ${field} field is required.`); return; }
    const v = s[field];
    if (typeof v !== 'string' || !DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
      fail(field, `The ${field} does not match the format Y-m-d.`);
      return;
    }
    if (v < from) fail(field, `The ${field} must be a date after or equal to ${from}.`);
    if (v >= '2038-01-01') fail(field, `The ${field} must be a date before 2038-01-01.`);
  };
  const absent = (field: string, why: string) => { if (present(field)) fail(field, `The ${field} field is prohibited ${why}.`); };

  for (const field of Object.keys(s)) if (!KNOWN_FIELDS.has(field)) fail(field, `The ${field} field is not part of the statement format.`);

  // At least one restriction.
  if (!['decision_visibility', 'decision_monetary', 'decision_provision', 'decision_account'].some(present)) {
    fail('decision_visibility', 'The decision_visibility field is required when none of decision_monetary / decision_provision / decision_account are present.');
  }
  manyOf('decision_visibility', DECISION_VISIBILITY, false);
  const visibility = Array.isArray(s.decision_visibility) ? s.decision_visibility as string[] : [];
  if (visibility.includes('DECISION_VISIBILITY_OTHER')) text('decision_visibility_other', 500, true);
  else text('decision_visibility_other', 500, false);
  oneOf('decision_monetary', DECISION_MONETARY, false);
  if (s.decision_monetary === 'DECISION_MONETARY_OTHER') text('decision_monetary_other', 500, true);
  else text('decision_monetary_other', 500, false);
  oneOf('decision_provision', DECISION_PROVISION, false);
  oneOf('decision_account', DECISION_ACCOUNT, false);
  oneOf('account_type', ACCOUNT_TYPE, false);

  oneOf('decision_ground', DECISION_GROUND, true);
  text('decision_ground_reference_url', 500, false);
  const illegal = s.decision_ground === 'DECISION_GROUND_ILLEGAL_CONTENT';
  const incompatible = s.decision_ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT';
  text('illegal_content_legal_ground', 500, illegal);
  text('illegal_content_explanation', 2000, illegal);
  text('incompatible_content_ground', 500, incompatible);
  text('incompatible_content_explanation', 2000, incompatible);
  if (incompatible) oneOf('incompatible_content_illegal', YES_NO, false);
  else absent('incompatible_content_illegal', 'unless the ground is DECISION_GROUND_INCOMPATIBLE_CONTENT');

  manyOf('content_type', CONTENT_TYPE, true);
  const contentTypes = Array.isArray(s.content_type) ? s.content_type as string[] : [];
  text('content_type_other', 500, contentTypes.includes('CONTENT_TYPE_OTHER'));

  oneOf('category', STATEMENT_CATEGORY, true);
  manyOf('category_addition', STATEMENT_CATEGORY, false);
  manyOf('category_specification', CATEGORY_SPECIFICATION, false);
  text('category_specification_other', 500, false);
  manyOf('territorial_scope', TERRITORIAL_SCOPE, false);
  if (present('content_language') && (typeof s.content_language !== 'string' || !LANGUAGE.test(s.content_language))) {
    fail('content_language', 'The selected content_language is invalid.');
  }

  date('content_date', '2000-01-01', true);
  date('application_date', '2020-01-01', true);
  for (const f of ['end_date_account_restriction', 'end_date_monetary_restriction', 'end_date_service_restriction', 'end_date_visibility_restriction']) {
    date(f, '2020-01-01', false);
  }

  text('decision_facts', 5000, true);
  oneOf('source_type', SOURCE_TYPE, true);
  if (s.source_type === 'SOURCE_VOLUNTARY') absent('source_identity', 'when source_type is SOURCE_VOLUNTARY');
  else text('source_identity', 500, false);
  oneOf('automated_detection', YES_NO, true);
  oneOf('automated_decision', AUTOMATED_DECISION, true);

  text('puid', 500, true);
  if (typeof s.puid === 'string' && s.puid !== '' && !PUID.test(s.puid)) fail('puid', 'The puid format is invalid.');
  return errors;
}
