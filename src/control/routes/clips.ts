import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { requireUser } from '../../services/actor.js';
import type { ControlContext } from '../context.js';
import { absoluteBaseUrl } from '../presenters.js';
import { admit } from '../rate-limits.js';
import { actorOf } from '../request-context.js';
import { ClipView, ErrorBody, Id } from '../schemas.js';

const strict = { additionalProperties: false } as const;
export const CLIP_MAX_MS = 60_000;
const ClipBody = Type.Object({
  fromMs: Type.Integer({ minimum: 0, maximum: 86_400_000, description: 'start, in ms from the beginning of the recording (the replay\'s timeline)' }),
  durationMs: Type.Integer({ minimum: 1000, maximum: CLIP_MAX_MS }),
}, strict);
const ClipParams = Type.Object({ spaceId: Id, clipId: Type.String({ pattern: '^cl_[A-Za-z0-9_-]{12}$' }) }, strict);
const SpaceOnly = Type.Object({ spaceId: Id }, strict);


/** Clips of up to a minute, from the replay or the live programme so far; cut on the server. */
export function clipRoutes(app: FastifyInstance, ctx: ControlContext): void {
  const view = (request: FastifyRequest, spaceId: string, clip: { id: string; durationMs: number; fromMs: number }) => {
    const base = absoluteBaseUrl(request, ctx.config.publicUrl);
    return {
      id: clip.id, spaceId, url: `${base}/s/${spaceId}/clips/${clip.id}`,
      downloadUrl: `${base}/hls/${spaceId}/clips/${clip.id}.m4a`, durationMs: Math.round(clip.durationMs), fromMs: clip.fromMs,
    };
  };

  app.post('/api/v1/spaces/:spaceId/clips', {
    schema: { tags: ['audience'], summary: 'Make a clip (logged in): up to 60 s of the replay or of the live programme', params: SpaceOnly, body: ClipBody, response: { 201: ClipView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    const user = requireUser(await actorOf(request, ctx.auth));
    // Cutting reads up to a minute of media from disk: the write bucket, per account.
    await admit(ctx.limits.writes, `clip:${user.id}`);
    const { spaceId } = request.params as { spaceId: string };
    const { fromMs, durationMs } = request.body as { fromMs: number; durationMs: number };
    return reply.code(201).send(view(request, spaceId, await ctx.replays.makeClip(spaceId, fromMs, durationMs)));
  });

  app.get('/api/v1/spaces/:spaceId/clips/:clipId', {
    schema: { tags: ['audience'], summary: 'One clip', params: ClipParams, response: { 200: ClipView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    const { spaceId, clipId } = request.params as { spaceId: string; clipId: string };
    return reply.header('cache-control', 'public, max-age=60').send(view(request, spaceId, await ctx.replays.clip(spaceId, clipId)));
  });
}
