import type { ContentType, StatementStoreRequest } from './dsa-format.js';
import { CATEGORY_SPECIFICATION } from './dsa-format.js';
import type { Decision, DecisionAction, TargetType } from './types.js';

type Restriction = Pick<StatementStoreRequest, 'decision_visibility' | 'decision_visibility_other' | 'decision_provision' | 'decision_account'>;

/** How each of Tribune's restrictions reads in the Database's terms. */
const RESTRICTION: Record<Exclude<DecisionAction, 'no_action'>, Restriction> = {
  label: { decision_visibility: ['DECISION_VISIBILITY_CONTENT_LABELLED'] },
  dismiss_question: { decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'] },
  hide_note: { decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'] },
  mute_speaker: { decision_visibility: ['DECISION_VISIBILITY_OTHER'], decision_visibility_other: 'Speaker muted on a live audio stage' },
  remove_speaker: { decision_provision: 'DECISION_PROVISION_PARTIAL_SUSPENSION' },
  end_space: { decision_visibility: ['DECISION_VISIBILITY_OTHER'], decision_visibility_other: 'Live audio broadcast ended by the platform' },
  disable_replay: { decision_visibility: ['DECISION_VISIBILITY_CONTENT_DISABLED'] },
  suspend_account: { decision_account: 'DECISION_ACCOUNT_SUSPENDED' },
  terminate_account: { decision_account: 'DECISION_ACCOUNT_TERMINATED' },
};

const CONTENT: Record<TargetType, ContentType> = {
  space: 'CONTENT_TYPE_AUDIO', recording: 'CONTENT_TYPE_AUDIO', user: 'CONTENT_TYPE_AUDIO', question: 'CONTENT_TYPE_TEXT', note: 'CONTENT_TYPE_TEXT',
};

const SOURCE = { notice: 'SOURCE_ARTICLE_16', trusted_flagger: 'SOURCE_TRUSTED_FLAGGER', own_initiative: 'SOURCE_VOLUNTARY' } as const;

const day = (instant: string) => instant.slice(0, 10);
const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/**
 * A decision as a StatementStoreRequest. Nothing personal goes out: no names, no account or notifier
 * identity (source_identity is left out), the puid is the decision's random id.
 */
export function toStatement(d: Decision): StatementStoreRequest | null {
  if (d.action === 'no_action') return null;
  const restriction = RESTRICTION[d.action];
  const keywords = d.keywords.filter((k): k is (typeof CATEGORY_SPECIFICATION)[number] => (CATEGORY_SPECIFICATION as readonly string[]).includes(k));
  const statement: StatementStoreRequest = {
    ...restriction,
    decision_ground: d.ground,
    ...(d.ground === 'DECISION_GROUND_ILLEGAL_CONTENT'
      ? { illegal_content_legal_ground: cut(d.legalGround ?? '', 500), illegal_content_explanation: cut(d.explanation, 2000) }
      : { incompatible_content_ground: cut(d.termsClause ?? '', 500), incompatible_content_explanation: cut(d.explanation, 2000) }),
    content_type: [CONTENT[d.targetType]],
    category: d.category,
    ...(keywords.length ? { category_specification: [...new Set(keywords)] } : {}),
    ...(d.contentLanguage && /^[a-z]{2}/i.test(d.contentLanguage) ? { content_language: d.contentLanguage.slice(0, 2).toUpperCase() } : {}),
    content_date: day(d.contentDate),
    application_date: day(d.decidedAt),
    ...(d.action === 'suspend_account' && d.endsAt ? { end_date_account_restriction: day(d.endsAt) } : {}),
    decision_facts: cut(d.facts, 5000),
    source_type: SOURCE[d.source],
    automated_detection: 'No',
    automated_decision: d.automated ? 'AUTOMATED_DECISION_PARTIALLY' : 'AUTOMATED_DECISION_NOT_AUTOMATED',
    puid: d.id,
  };
  return statement;
}
