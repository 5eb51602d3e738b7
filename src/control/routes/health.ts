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
    schema: { tags: ['operations'], summary: 'Readiness: the store and the bus answer, and the server is not draining', response: { 200: Type.Object({ status: Type.Literal('ready') }), '5xx': ErrorBody } },
  }, async (_request, reply) => {
    const notReady = (reason: string) => reply.code(503).header('cache-control', 'no-store').send({ error: { code: 'NOT_READY', message: `The server is not ready: ${reason}` } });
    if (!ctx.isReady()) return notReady('draining');
    // In cluster mode these are PostgreSQL and Redis: an origin that cannot reach them leaves the pool.
    if (!(await answers(ctx.store.ping()))) return notReady('the database does not answer');
    if (!(await answers(ctx.bus.ping()))) return notReady('the bus does not answer');
    return reply.header('cache-control', 'no-store').send({ status: 'ready' as const });
  });

  app.get('/metrics', {
    schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)' },
  }, async (_request, reply) => {
    reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
    return registry.metrics();
  });
}

const PING_TIMEOUT_MS = 2_000;

/** Whether a ping resolves in time; a database that hangs is as unready as one that refuses. */
async function answers(ping: Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS); });
  try {
    return await Promise.race([ping.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
