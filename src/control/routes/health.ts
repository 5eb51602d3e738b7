import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { registry } from '../../observability/metrics.js';
import type { ControlContext } from '../context.js';
import { ErrorBody } from '../schemas.js';

export function healthRoutes(app: FastifyInstance, ctx: ControlContext): void {
  app.get('/healthz', {
    schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: { tags: ['operations'], summary: 'Readiness: the store answers and the server is not draining', response: { 200: Type.Object({ status: Type.Literal('ready') }), '5xx': ErrorBody } },
  }, async (_request, reply) => {
    await ctx.store.ping();
    if (!ctx.isReady()) return reply.code(503).header('cache-control', 'no-store').send({ error: { code: 'NOT_READY', message: 'The server is not ready: draining' } });
    return reply.header('cache-control', 'no-store').send({ status: 'ready' as const });
  });

  app.get('/metrics', {
    schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)' },
  }, async (_request, reply) => {
    reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
    return registry.metrics();
  });
}
