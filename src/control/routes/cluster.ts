import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ControlContext } from '../context.js';
import { actorOf } from '../request-context.js';
import { ErrorBody } from '../schemas.js';

const ClusterView = Type.Object({
  mode: Type.Union([Type.Literal('embedded'), Type.Literal('cluster')]),
  origin: Type.String({ description: 'The origin that answered' }),
  origins: Type.Array(Type.Object({
    id: Type.String(),
    internalUrl: Type.Union([Type.String(), Type.Null()]),
    state: Type.Union([Type.Literal('serving'), Type.Literal('draining')]),
    load: Type.Number({ minimum: 0 }),
    spaces: Type.Integer({ minimum: 0 }),
    lastHeartbeat: Type.String({ format: 'date-time' }),
  })),
  spaces: Type.Array(Type.Object({
    spaceId: Type.String(),
    origin: Type.Union([Type.String(), Type.Null()]),
    standby: Type.Union([Type.String(), Type.Null()], { description: 'The origin keeping a hot copy of the stream, ready to take over' }),
  })),
}, { $id: 'ClusterView' });

export function clusterRoutes(app: FastifyInstance, ctx: ControlContext): void {
  app.get('/api/v1/cluster', {
    schema: { tags: ['operations'], summary: 'The origins (state, load, last heartbeat) and which one runs each live Space (admins)', response: { 200: ClusterView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    const view = await ctx.cluster.view(await actorOf(request, ctx.auth));
    return reply.header('cache-control', 'no-store').send(view);
  });
}
