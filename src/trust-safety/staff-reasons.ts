import type { DecisionInput } from './decision-rules.js';
import type { DecisionAction } from './types.js';

export interface StaffReasons {
  readonly ground?: DecisionInput['ground'];
  readonly legalGround?: string;
  readonly termsClause?: string;
  readonly explanation?: string;
  readonly facts?: string;
  readonly category?: DecisionInput['category'];
}

/** What a statement says when staff act from the stage controls without writing reasons. */
export const DEFAULT_REASONS = {
  ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
  termsClause: 'Terms of service, conduct in live Spaces',
  category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
} as const;
export const DEFAULT_FACTS: Partial<Record<DecisionAction, string>> = {
  mute_speaker: 'A platform moderator muted the speaker during a live Space because of what was being said.',
  remove_speaker: 'A platform moderator removed the speaker from the stage of a live Space because of what was being said.',
  end_space: 'A platform moderator ended the live Space because of what was being broadcast.',
  dismiss_question: 'A platform moderator dismissed the question because of its content.',
};
