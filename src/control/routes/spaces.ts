import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { SpaceTransition } from '../../domain/space-lifecycle.js';
import type { Space } from '../../domain/types.js';
import type { CreateSpaceInput } from '../../services/space-service.js';
import type { ControlContext } from '../context.js';
import { controlMetrics } from '../metrics.js';
import { publicBaseUrl, presentSpace, presentSpaces } from '../presenters.js';
import { addressKey, admit } from '../rate-limits.js';
import { actorOf } from '../request-context.js';
import { CreateSpaceBody, ErrorBody, ListSpacesQuery, SpaceList, SpaceParams, SpaceView, UpdateSpaceBody } from '../schemas.js';

export function spaceRoutes(app: FastifyInstance, ctx: ControlContext): void {
  const base = publicBaseUrl(ctx.config.publicUrl);
  const present = (space: Space) => presentSpace(ctx, base, space);

  app.post('/api/v1/spaces', {
    schema: { tags: ['spaces'], summary: 'Create a Space; the caller hosts it', body: CreateSpaceBody, response: { 201: SpaceView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    await admit(ctx.limits.writes, addressKey(request));
    const space = await ctx.spaces.create(await actorOf(request, ctx.auth), request.body as CreateSpaceInput);
    return reply.code(201).send(await present(space));
  });

  app.get('/api/v1/spaces', {
    schema: { tags: ['spaces'], summary: 'List Spaces, newest first (e.g. ?state=live for the moderator console)', querystring: ListSpacesQuery, response: { 200: SpaceList, '4xx': ErrorBody } },
  }, async (request) => {
    const query = request.query as { state?: string; mine?: string; limit?: string };
    const actor = query.mine === 'true' ? await actorOf(request, ctx.auth) : null;
    const spaces = await ctx.spaces.list({
      states: query.state?.split(',') as Space['state'][] | undefined,
      hostId: actor?.user?.id ?? (query.mine === 'true' ? '-' : undefined),
      limit: query.limit ? Number(query.limit) : undefined,
    });
    return { spaces: await presentSpaces(ctx, base, spaces) };
  });

  app.get('/api/v1/spaces/:spaceId', {
    schema: { tags: ['spaces'], summary: 'One Space, with the URLs of its media', params: SpaceParams, response: { 200: SpaceView, '4xx': ErrorBody } },
  }, async (request) => present(await ctx.spaces.get((request.params as { spaceId: string }).spaceId)));

  app.patch('/api/v1/spaces/:spaceId', {
    schema: { tags: ['spaces'], summary: 'Edit title, description, language or schedule', params: SpaceParams, body: UpdateSpaceBody, response: { 200: SpaceView, '4xx': ErrorBody } },
  }, async (request) => {
    const space = await ctx.spaces.update(await actorOf(request, ctx.auth), (request.params as { spaceId: string }).spaceId, request.body as Partial<CreateSpaceInput>);
    return present(space);
  });

  app.delete('/api/v1/spaces/:spaceId', {
    schema: { tags: ['spaces'], summary: 'Delete a Space that never went live (scheduled or cancelled)', params: SpaceParams, response: { 204: Type.Null(), '4xx': ErrorBody } },
  }, async (request, reply) => {
    await ctx.spaces.delete(await actorOf(request, ctx.auth), (request.params as { spaceId: string }).spaceId);
    return reply.code(204).send();
  });

  app.delete('/api/v1/spaces/:spaceId/recording', {
    schema: { tags: ['spaces'], summary: 'Delete the replay and its files (host, moderators); purge edges too', params: SpaceParams, response: { 204: Type.Null(), '4xx': ErrorBody } },
  }, async (request, reply) => {
    const id = (request.params as { spaceId: string }).spaceId;
    await ctx.spaces.deleteRecording(await actorOf(request, ctx.auth), id);
    request.log.info({ spaceId: id }, 'recording deleted');
    return reply.code(204).send();
  });

  const transitions: Array<[SpaceTransition, string]> = [
    ['start', 'Go live (host or co-host): the mixer starts and LL-HLS appears within a part'],
    ['end', 'End the Space (host, co-host, moderator): every media session closes and the replay appears'],
    ['cancel', 'Cancel a Space that has not started'],
  ];
  for (const [transition, summary] of transitions) {
    app.post(`/api/v1/spaces/:spaceId/${transition}`, {
      schema: { tags: ['spaces'], summary, params: SpaceParams, response: { 200: SpaceView, '4xx': ErrorBody } },
    }, async (request) => {
      const actor = await actorOf(request, ctx.auth);
      const space = await ctx.spaces.transition(actor, (request.params as { spaceId: string }).spaceId, transition);
      if (transition === 'end') await ctx.trustSafety.staffActed(actor, { action: 'end_space', targetType: 'space', targetId: space.id, spaceId: space.id });
      controlMetrics.spaceTransitions.inc({ transition });
      request.log.info({ spaceId: space.id, transition }, `space ${transition}`);
      return present(space);
    });
  }
}
