import { TribuneError } from '../errors/catalogue.js';
import type { Question, QuestionState } from './types.js';

export const QUESTION_MAX_LENGTH = 280;

export type QuestionAction = 'approve' | 'dismiss' | 'answer' | 'highlight';

const ALLOWED_FROM: Record<QuestionAction, readonly QuestionState[]> = {
  approve: ['pending'],
  dismiss: ['pending', 'approved'],
  answer: ['approved'],
  highlight: ['approved'],
};
const TARGET: Record<Exclude<QuestionAction, 'highlight'>, QuestionState> = {
  approve: 'approved',
  dismiss: 'dismissed',
  answer: 'answered',
};

/** pending -> approved | dismissed, approved -> answered | dismissed; only an approved question is highlighted. */
export function applyQuestionAction(question: Question, action: QuestionAction): QuestionState {
  if (!ALLOWED_FROM[action].includes(question.state)) {
    throw new TribuneError('QUESTION_STATE_CONFLICT', { state: question.state, action });
  }
  return action === 'highlight' ? question.state : TARGET[action];
}

export function canBeVotedOn(question: Question): boolean {
  return question.state === 'pending' || question.state === 'approved';
}

/** The queue's order: most votes first, then the oldest (first come, first asked). */
export function compareQuestions(a: Question, b: Question): number {
  return b.votes - a.votes || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

/** Unicode-aware length, so an emoji counts as one character, as people count them. */
export function questionLength(text: string): number {
  return [...text.trim()].length;
}
