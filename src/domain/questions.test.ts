import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TribuneError } from '../errors/catalogue.js';
import { applyQuestionAction, compareQuestions, questionLength } from './questions.js';
import { nextSpaceState } from './space-lifecycle.js';
import type { Question, QuestionState } from './types.js';

const q = (over: Partial<Question>): Question => ({
  id: 'q_1', spaceId: 'sp_1', authorId: 'u_1', text: 't', anonymous: false, state: 'pending', votes: 0,
  highlighted: false, createdAt: '2026-01-01T00:00:00.000Z', answeredAt: null, ...over,
});

test('question transitions: pending -> approved | dismissed, approved -> answered | dismissed', () => {
  const table: Array<[QuestionState, 'approve' | 'dismiss' | 'answer' | 'highlight', QuestionState | null]> = [
    ['pending', 'approve', 'approved'], ['pending', 'dismiss', 'dismissed'], ['pending', 'answer', null], ['pending', 'highlight', null],
    ['approved', 'answer', 'answered'], ['approved', 'dismiss', 'dismissed'], ['approved', 'highlight', 'approved'], ['approved', 'approve', null],
    ['answered', 'approve', null], ['answered', 'highlight', null], ['dismissed', 'approve', null], ['dismissed', 'answer', null],
  ];
  for (const [from, action, to] of table) {
    if (to) assert.equal(applyQuestionAction(q({ state: from }), action), to, `${from} ${action}`);
    else assert.throws(() => applyQuestionAction(q({ state: from }), action), (e: TribuneError) => e.code === 'QUESTION_STATE_CONFLICT');
  }
});

test('order: votes first, then the oldest', () => {
  const list = [q({ id: 'a', votes: 1, createdAt: '2026-01-01T00:00:02Z' }), q({ id: 'b', votes: 3 }), q({ id: 'c', votes: 1, createdAt: '2026-01-01T00:00:01Z' })];
  assert.deepEqual(list.sort(compareQuestions).map((x) => x.id), ['b', 'c', 'a']);
});

test('length counts what people see as characters', () => {
  assert.equal(questionLength('  é🎤a  '), 3);
});

test('space lifecycle', () => {
  assert.equal(nextSpaceState('scheduled', 'start'), 'live');
  assert.equal(nextSpaceState('live', 'end'), 'ended');
  assert.equal(nextSpaceState('scheduled', 'cancel'), 'cancelled');
  for (const [state, t] of [['live', 'start'], ['ended', 'end'], ['live', 'cancel'], ['cancelled', 'start'], ['scheduled', 'end']] as const) {
    assert.throws(() => nextSpaceState(state, t), (e: TribuneError) => e.code === 'SPACE_STATE_CONFLICT');
  }
});
