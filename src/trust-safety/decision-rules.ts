import { TribuneError } from '../errors/catalogue.js';
import type { DecisionGround, StatementCategory } from './dsa-format.js';
import type { DecisionAction, TargetType } from './types.js';

/** Which decisions apply to which targets. A `user` target is a stage seat (p_…) or an account (u_…). */
export const ACTIONS_FOR: Record<TargetType, readonly DecisionAction[]> = {
  space: ['no_action', 'label', 'end_space', 'disable_replay'],
  recording: ['no_action', 'label', 'disable_replay'],
  question: ['no_action', 'dismiss_question'],
  note: ['no_action', 'hide_note'],
  user: ['no_action', 'mute_speaker', 'remove_speaker', 'suspend_account', 'terminate_account'],
};

export interface DecisionInput {
  readonly targetType: TargetType;
  readonly targetId: string;
  readonly action: DecisionAction;
  readonly atMs?: number;
  readonly ground: DecisionGround;
  readonly legalGround?: string;
  readonly termsClause?: string;
  readonly explanation: string;
  readonly facts: string;
  readonly category: StatementCategory;
  readonly keywords?: readonly string[];
  /** End of a suspension (required for suspend_account). */
  readonly endsAt?: string;
  /** Marks the notices answered by a `no_action` as manifestly unfounded (Art. 23(2)). */
  readonly manifestlyUnfounded?: boolean;
  /** Marks the content as manifestly illegal (Art. 23(1)). */
  readonly manifestlyIllegal?: boolean;
}

/** Art. 17(3): the ground, its clause or law, the explanation and the facts are all there. */
export function checkDecision(input: DecisionInput, nowMs: number): void {
  if (!ACTIONS_FOR[input.targetType].includes(input.action)) {
    throw new TribuneError('DECISION_NOT_APPLICABLE', { action: input.action, targetType: input.targetType });
  }
  const missing: string[] = [];
  if (input.ground === 'DECISION_GROUND_ILLEGAL_CONTENT' && !input.legalGround?.trim()) missing.push('legalGround (the law relied on)');
  if (input.ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT' && !input.termsClause?.trim()) missing.push('termsClause (the clause of the terms)');
  if (!input.explanation.trim()) missing.push('explanation');
  if (!input.facts.trim()) missing.push('facts');
  if (input.action === 'suspend_account') {
    if (!input.endsAt) missing.push('endsAt (a suspension is for a time)');
    else if (Date.parse(input.endsAt) <= nowMs) throw new TribuneError('VALIDATION_FAILED', { detail: 'endsAt must be in the future' });
  }
  if (missing.length) throw new TribuneError('DECISION_INCOMPLETE', { missing: missing.join('; ') }, { details: { missing } });
}
