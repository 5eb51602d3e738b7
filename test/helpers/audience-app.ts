import Fastify, { type FastifyInstance } from 'fastify';
import { isTribuneError } from '../../src/errors/catalogue.js';
import type { Audience } from '../../src/audience/index.js';
import { audienceRoutes } from '../../src/audience/index.js';

/**
 * A fastify app serving the audience routes, with the error rendering the control plane uses
 * (TribuneError -> status + { error: { code, message } }). Stand-in until the shared app exists.
 */
export async function buildAudienceApp(audience: Audience): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, keepAliveTimeout: 30_000 });
  app.setErrorHandler((err, _request, reply) => {
    if (isTribuneError(err)) return reply.code(err.status).send(err.toJSON());
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({ error: { code: status === 404 ? 'ROUTE_NOT_FOUND' : 'INTERNAL', message: (err as Error).message } });
  });
  await app.register(audienceRoutes, { audience });
  await app.ready();
  return app;
}

/**
 * These suites name parts by counting whole segments from msn 0 (200 ms parts, 2 s segments): they
 * ask for a first segment as long as the others. The short first segment has its own tests.
 */
export const FULL_FIRST_SEGMENT = 10;
