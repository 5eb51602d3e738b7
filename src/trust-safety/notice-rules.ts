import { TribuneError } from '../errors/catalogue.js';
import type { StatementCategory } from './dsa-format.js';
import type { TargetType } from './types.js';

export interface NoticeInput {
  readonly targetType: TargetType;
  readonly targetId: string;
  readonly atMs?: number;
  readonly category: StatementCategory;
  readonly explanation: string;
  readonly notifierName?: string;
  readonly notifierEmail?: string;
  readonly goodFaith: boolean;
}

/** Below this, an explanation cannot say why the content is illegal or against the terms (Art. 16(2)(a)). */
export const MIN_EXPLANATION = 20;
export const MAX_EXPLANATION = 5000;

/**
 * Art. 16(2)(c) lets a notifier stay unnamed for the offences of Directive 2011/93/EU (child sexual
 * abuse and exploitation), so nobody hesitates to report them.
 */
export const ANONYMOUS_CATEGORIES: ReadonlySet<StatementCategory> = new Set(['STATEMENT_CATEGORY_PROTECTION_OF_MINORS']);

/** Targets that are audio: the location is the Space and the moment (Art. 16(2)(b)). */
const NEEDS_MOMENT: ReadonlySet<TargetType> = new Set(['space', 'recording']);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Art. 16(2): what a notice must contain to be actionable. Throws NOTICE_INCOMPLETE naming what lacks. */
export function checkNotice(input: NoticeInput): void {
  const missing: string[] = [];
  const explanation = input.explanation.trim();
  if (explanation.length < MIN_EXPLANATION) missing.push(`an explanation of at least ${MIN_EXPLANATION} characters saying why`);
  if (NEEDS_MOMENT.has(input.targetType) && input.atMs === undefined) missing.push('the moment (atMs) in the audio');
  if (!ANONYMOUS_CATEGORIES.has(input.category)) {
    if (!input.notifierName?.trim()) missing.push('the notifier\'s name');
    if (!input.notifierEmail?.trim() || !EMAIL.test(input.notifierEmail.trim())) missing.push('the notifier\'s e-mail address');
  }
  if (input.goodFaith !== true) missing.push('the statement that the notice is made in good faith');
  if (missing.length) throw new TribuneError('NOTICE_INCOMPLETE', { missing: missing.join('; ') }, { details: { missing } });
}
