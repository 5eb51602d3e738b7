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
 * A first segment as long as the others (5 parts of 400 ms), for suites that count whole segments
 * from msn 0. The short first segment has its own tests.
 */
export const FULL_FIRST_SEGMENT = { startupParts: 5, startupPartMs: 400 } as const;
/**
 * The protocol suites name parts by counting 200 ms parts (10 to a 2 s segment) from msn 0: the
 * mechanics they check (blocking reloads, delta updates, hints) do not depend on the part duration.
 */
export const SEGMENTS_OF_TEN_200_MS_PARTS = { partTargetMs: 200, startupParts: 10, startupPartMs: 200 } as const;
