import { applyQuestionAction, canBeVotedOn, compareQuestions, QUESTION_MAX_LENGTH, questionLength, type QuestionAction } from '../domain/questions.js';
import type { Question, QuestionState } from '../domain/types.js';
import { TribuneError } from '../errors/catalogue.js';
import type { EventsOf } from '../store/outbox.js';
import type { Store } from '../store/store.js';
import { demand, requireUser, type Actor } from './actor.js';
import { iso, type Clock } from './clock.js';
import { newId } from './crypto.js';
import type { StageService } from './stage-service.js';

const PUBLIC_STATES: readonly QuestionState[] = ['approved', 'answered'];
const ALL_STATES: readonly QuestionState[] = ['pending', 'approved', 'answered', 'dismissed'];

const ACTIONS: Record<QuestionAction, 'question.moderate' | 'question.highlight' | 'question.answer'> = {
  approve: 'question.moderate', dismiss: 'question.moderate', highlight: 'question.highlight', answer: 'question.answer',
};

/** The audience's questions: submitted, voted up, moderated, highlighted one at a time, answered. */
export class QuestionService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #stage: StageService;
  readonly #minIntervalMs: number;

  constructor(deps: { store: Store; clock: Clock; stage: StageService; questionsPerMinute: number }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#stage = deps.stage;
    this.#minIntervalMs = 60_000 / deps.questionsPerMinute;
  }

  async submit(actor: Actor, spaceId: string, input: { text: string; anonymous?: boolean }): Promise<Question> {
    const user = requireUser(actor);
    const { space, access } = await this.#stage.access(actor, spaceId);
    demand(access, 'question.submit');
    if (space.state === 'ended' || space.state === 'cancelled') throw new TribuneError('SPACE_STATE_CONFLICT', { state: space.state, action: 'ask a question' });
    if (await this.#store.stage.isBlocked(spaceId, user.id)) throw new TribuneError('BLOCKED_FROM_SPACE');
    const text = input.text.trim();
    if (text.length === 0 || questionLength(text) > QUESTION_MAX_LENGTH) {
      throw new TribuneError('VALIDATION_FAILED', { detail: `text must be 1 to ${QUESTION_MAX_LENGTH} characters` });
    }
    const now = this.#clock.now();
    const last = await this.#store.questions.lastQuestionAt(spaceId, user.id);
    if (last && now - Date.parse(last) < this.#minIntervalMs) {
      const retryAfter = Math.ceil((this.#minIntervalMs - (now - Date.parse(last))) / 1000);
      throw new TribuneError('RATE_LIMITED', { retryAfter }, { details: { retryAfter } });
    }
    const question: Question = {
      id: newId('q'), spaceId, authorId: user.id, text, anonymous: input.anonymous ?? false, state: 'pending',
      votes: 0, highlighted: false, createdAt: iso(now), answeredAt: null,
    };
    await this.#store.questions.create(question, announce('question.created')(question));
    return question;
  }

  async vote(actor: Actor, spaceId: string, questionId: string): Promise<Question> {
    const user = requireUser(actor);
    const { access } = await this.#stage.access(actor, spaceId);
    demand(access, 'question.vote');
    if (await this.#store.stage.isBlocked(spaceId, user.id)) throw new TribuneError('BLOCKED_FROM_SPACE');
    const question = await this.#question(spaceId, questionId);
    if (!canBeVotedOn(question)) throw new TribuneError('QUESTION_STATE_CONFLICT', { state: question.state, action: 'vote' });
    if (!(await this.#store.questions.vote(questionId, user.id, iso(this.#clock.now()), announce('question.voted')))) throw new TribuneError('ALREADY_VOTED');
    return this.#question(spaceId, questionId);
  }

  async act(actor: Actor, spaceId: string, questionId: string, action: QuestionAction): Promise<Question> {
    const { access } = await this.#stage.access(actor, spaceId);
    demand(access, ACTIONS[action]);
    const question = await this.#question(spaceId, questionId);
    const state = applyQuestionAction(question, action);
    if (action === 'highlight') await this.#store.questions.setHighlighted(spaceId, questionId, announce('question.updated'));
    else await this.#store.questions.setState(questionId, state, action === 'answer' ? iso(this.#clock.now()) : null, announce('question.updated'));
    return this.#question(spaceId, questionId);
  }

  async clearHighlight(actor: Actor, spaceId: string): Promise<void> {
    const { access } = await this.#stage.access(actor, spaceId);
    demand(access, 'question.highlight');
    await this.#store.questions.setHighlighted(spaceId, null);
  }

  /** Listeners see the approved and answered queue (and their own pending questions); moderators see all. */
  async list(actor: Actor, spaceId: string, requested?: QuestionState[]): Promise<Question[]> {
    const { access } = await this.#stage.access(actor, spaceId);
    const wantsHidden = !requested || requested.some((s) => !PUBLIC_STATES.includes(s));
    let privileged = false;
    if (wantsHidden) {
      try { demand(access, 'question.list-pending'); privileged = true; } catch (err) { if (requested) throw err; }
    }
    const states = requested ?? (privileged ? ALL_STATES : PUBLIC_STATES);
    const questions = await this.#store.questions.list(spaceId, states);
    if (!privileged && actor.user && !requested) {
      const own = (await this.#store.questions.list(spaceId, ['pending'])).filter((q) => q.authorId === actor.user!.id);
      questions.push(...own);
    }
    return questions.sort(compareQuestions);
  }

  /** What the cached audience state shows: the highlighted question and the top approved ones. */
  async summary(spaceId: string, top: number): Promise<{ highlighted: Question | null; top: Question[]; counts: Record<QuestionState, number> }> {
    const all = await this.#store.questions.list(spaceId, ALL_STATES);
    const counts = { pending: 0, approved: 0, answered: 0, dismissed: 0 };
    for (const q of all) counts[q.state]++;
    return {
      highlighted: all.find((q) => q.highlighted) ?? null,
      top: all.filter((q) => q.state === 'approved' && !q.highlighted).slice(0, top),
      counts,
    };
  }

  /** The question as it stands, or null (what an undo restores it to). */
  find(spaceId: string, questionId: string): Promise<Question | null> {
    return this.#store.questions.byId(spaceId, questionId);
  }

  async #question(spaceId: string, questionId: string): Promise<Question> {
    const question = await this.#store.questions.byId(spaceId, questionId);
    if (!question) throw new TribuneError('QUESTION_NOT_FOUND', { questionId });
    return question;
  }
}

/** The event a question write commits with it, from the row as the write left it. */
const announce = (type: 'question.created' | 'question.updated' | 'question.voted'): EventsOf<Question> => (q) =>
  [{ spaceId: q.spaceId, event: { type, questionId: q.id, state: q.state, votes: q.votes, highlighted: q.highlighted } }];
