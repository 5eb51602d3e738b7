import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { QuestionAction } from '../../domain/questions.js';
import type { QuestionState } from '../../domain/types.js';
import type { ControlContext } from '../context.js';
import { controlMetrics } from '../metrics.js';
import { presentQuestion } from '../presenters.js';
import { admit } from '../rate-limits.js';
import { actorOf } from '../request-context.js';
import type { StaffReasons } from '../../trust-safety/service.js';
import { ErrorBody, ListQuestionsQuery, QuestionActionBody, QuestionList, QuestionParams, QuestionView, SpaceParams, SubmitQuestionBody } from '../schemas.js';
import { allowedForAny } from '../../domain/permissions.js';

export function questionRoutes(app: FastifyInstance, ctx: ControlContext): void {
  const spaceId = (request: FastifyRequest) => (request.params as { spaceId: string }).spaceId;
  const questionId = (request: FastifyRequest) => (request.params as { questionId: string }).questionId;

  app.post('/api/v1/spaces/:spaceId/questions', {
    schema: { tags: ['questions'], summary: 'Ask a question (at most 280 characters; one a minute)', params: SpaceParams, body: SubmitQuestionBody, response: { 201: QuestionView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    const actor = await actorOf(request, ctx.auth);
    const question = await ctx.questions.submit(actor, spaceId(request), request.body as { text: string; anonymous?: boolean });
    controlMetrics.questions.inc();
    return reply.code(201).send(await presentQuestion(question, ctx.users.lookup()));
  });

  app.post('/api/v1/spaces/:spaceId/questions/:questionId/vote', {
    schema: { tags: ['questions'], summary: 'Upvote a question (once per account)', params: QuestionParams, response: { 200: QuestionView, '4xx': ErrorBody } },
  }, async (request) => {
    const actor = await actorOf(request, ctx.auth);
    if (actor.user) await admit(ctx.limits.votes, `u:${actor.user.id}`);
    const question = await ctx.questions.vote(actor, spaceId(request), questionId(request));
    return presentQuestion(question, ctx.users.lookup());
  });

  app.post('/api/v1/spaces/:spaceId/questions/:questionId/action', {
    schema: { tags: ['questions'], summary: 'Approve, dismiss, highlight or mark answered (host, co-hosts, moderators)', params: QuestionParams, body: QuestionActionBody, response: { 200: QuestionView, '4xx': ErrorBody } },
  }, async (request) => {
    const { action, reason } = request.body as { action: QuestionAction; reason?: StaffReasons };
    const actor = await actorOf(request, ctx.auth);
    const before = action === 'dismiss' ? await ctx.questions.find(spaceId(request), questionId(request)) : null;
    const question = await ctx.questions.act(actor, spaceId(request), questionId(request), action);
    if (action === 'dismiss') {
      await ctx.trustSafety.staffActed(actor, { action: 'dismiss_question', targetType: 'question', targetId: question.id, spaceId: question.spaceId, undo: { state: before?.state ?? 'pending' } }, reason);
    }
    return presentQuestion(question, ctx.users.lookup(), true);
  });

  app.get('/api/v1/spaces/:spaceId/questions', {
    schema: { tags: ['questions'], summary: 'The queue, most votes first then oldest; pending ones only for moderators (and their authors)', params: SpaceParams, querystring: ListQuestionsQuery, response: { 200: QuestionList, '4xx': ErrorBody } },
  }, async (request) => {
    const actor = await actorOf(request, ctx.auth);
    const { state } = request.query as { state?: string };
    const questions = await ctx.questions.list(actor, spaceId(request), state?.split(',') as QuestionState[] | undefined);
    const { access } = await ctx.stage.access(actor, spaceId(request));
    const reveal = allowedForAny(access.roles, 'question.moderate');
    const lookup = ctx.users.lookup();
    return { questions: await Promise.all(questions.map((q) => presentQuestion(q, lookup, reveal))) };
  });
}
