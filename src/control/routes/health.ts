import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { registry } from '../../observability/metrics.js';
import type { ControlContext } from '../context.js';
import { ErrorBody } from '../schemas.js';
import { TribuneError } from '../../errors/catalogue.js';
import { credentialOf } from '../../http/credentials.js';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * The metrics tell an attacker how close the origin is to its limits: with a token configured, the
 * scraper must present it; without, only a scraper on this machine connecting directly (not through
 * a proxy, which would make every client look local) may read them.
 */
function metricsAllowed(request: FastifyRequest, token: string | undefined): boolean {
  if (token) {
    const given = Buffer.from(credentialOf(request.headers) ?? '');
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  return LOOPBACK.test(request.socket.remoteAddress ?? '') && request.headers['x-forwarded-for'] === undefined;
}

export function healthRoutes(app: FastifyInstance, ctx: ControlContext): void {
  app.get('/healthz', {
    schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: { tags: ['operations'], summary: 'Readiness: the store and the bus answer, and the server is not draining', response: { 200: Type.Object({ status: Type.Literal('ready') }), '5xx': ErrorBody } },
  }, async (_request, reply) => {
    const notReady = (reason: string) => reply.code(503).header('cache-control', 'no-store').send({ error: { code: 'NOT_READY', message: `The server is not ready: ${reason}` } });
    if (!ctx.isReady()) return notReady('draining');
    const unanswered = await ctx.readiness.unanswered();
    if (unanswered) return notReady(unanswered);
    return reply.header('cache-control', 'no-store').send({ status: 'ready' as const });
  });

  app.get('/metrics', {
    schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format): with the configured bearer token, or from a local scraper' },
  }, async (request, reply) => {
    if (!metricsAllowed(request, ctx.config.metricsToken)) throw new TribuneError('FORBIDDEN', { role: 'client', action: 'read the metrics' });
    reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
    return registry.metrics();
  });
}
