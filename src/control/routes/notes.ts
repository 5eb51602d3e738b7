import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { HELPFULNESS_LEVELS, type HelpfulnessLevel } from '../../notes/types.js';
import { NOTE_MAX_LENGTH, NOTE_MAX_SOURCES, type NoteInput, type ScoredNote } from '../../notes/service.js';
import type { ControlContext } from '../context.js';
import { addressKey, admit } from '../rate-limits.js';
import { actorOf } from '../request-context.js';
import { ErrorBody, Id, SpaceParams } from '../schemas.js';

const strict = { additionalProperties: false } as const;
const NoteBody = Type.Object({
  text: Type.String({ minLength: 1, maxLength: NOTE_MAX_LENGTH * 4, description: `at most ${NOTE_MAX_LENGTH} characters` }),
  sources: Type.Array(Type.String({ minLength: 8, maxLength: 2000 }), { minItems: 1, maxItems: NOTE_MAX_SOURCES }),
  atMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 24 * 3_600_000 })),
  questionId: Type.Optional(Id),
}, strict);
const RatingBody = Type.Object({ helpfulness: Type.Union(HELPFULNESS_LEVELS.map((l) => Type.Literal(l))) }, strict);
const NoteView = Type.Object({
  id: Type.String(), spaceId: Type.String(), questionId: Type.Union([Type.String(), Type.Null()]), atMs: Type.Union([Type.Integer(), Type.Null()]),
  text: Type.String(), sources: Type.Array(Type.String()), createdAt: Type.String({ format: 'date-time' }),
  status: Type.Union(['CURRENTLY_RATED_HELPFUL', 'CURRENTLY_RATED_NOT_HELPFUL', 'NEEDS_MORE_RATINGS'].map((s) => Type.Literal(s))),
  intercept: Type.Number(), factor: Type.Number(), ratings: Type.Integer(),
});

const present = ({ note, score }: ScoredNote) => ({
  id: note.id, spaceId: note.spaceId, questionId: note.questionId, atMs: note.atMs, text: note.text, sources: [...note.sources],
  createdAt: note.createdAt, status: score.status, intercept: score.intercept, factor: score.factor, ratings: score.ratings,
});

export function noteRoutes(app: FastifyInstance, ctx: ControlContext): void {
  const spaceId = (request: FastifyRequest) => (request.params as { spaceId: string }).spaceId;

  app.post('/api/v1/spaces/:spaceId/notes', {
    schema: { tags: ['notes'], summary: 'Propose a context note on a moment or a question (≤ 280 characters, with sources)', params: SpaceParams, body: NoteBody, response: { 201: NoteView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    const actor = await actorOf(request, ctx.auth);
    await admit(ctx.limits.noticesPerAddress, addressKey(request));
    if (actor.user) await admit(ctx.limits.notices, `note:${actor.user.id}`);
    const note = await ctx.notes.create(actor, spaceId(request), request.body as NoteInput);
    return reply.code(201).send(present({ note, score: { status: 'NEEDS_MORE_RATINGS', intercept: 0, factor: 0, ratings: 0 } }));
  });

  app.post('/api/v1/notes/:noteId/ratings', {
    schema: { tags: ['notes'], summary: 'Rate a note (one rating per account; a new one replaces it)', params: Type.Object({ noteId: Id }, strict), body: RatingBody, response: { 204: Type.Null(), '4xx': ErrorBody } },
  }, async (request, reply) => {
    const actor = await actorOf(request, ctx.auth);
    await admit(ctx.limits.ratingsPerAddress, addressKey(request));
    if (actor.user) await admit(ctx.limits.ratings, `u:${actor.user.id}`);
    const { noteId } = request.params as { noteId: string };
    await ctx.notes.rate(actor, noteId, (request.body as { helpfulness: HelpfulnessLevel }).helpfulness);
    return reply.code(204).send();
  });

  app.get('/api/v1/spaces/:spaceId/notes', {
    schema: { tags: ['notes'], summary: 'The Space\'s notes with their bridging status', params: SpaceParams, response: { 200: Type.Object({ notes: Type.Array(NoteView) }), '4xx': ErrorBody } },
  }, async (request) => ({ notes: (await ctx.notes.list(spaceId(request))).map(present) }));
}
