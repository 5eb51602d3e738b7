import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import { ERRORS, TribuneError } from '../errors/catalogue.js';
import type { ControlContext } from './context.js';
import { installErrorHandling } from './error-handler.js';
import { instrument } from './metrics.js';
import { installSecurityHeaders } from './security-headers.js';
import { attachLiveChannel } from './live-channel.js';
import { audienceInteractionRoutes } from './routes/audience.js';
import { clusterRoutes } from './routes/cluster.js';
import { authRoutes } from './routes/auth.js';
import { defenceRoutes } from './routes/defence.js';
import { healthRoutes } from './routes/health.js';
import { questionRoutes } from './routes/questions.js';
import { spaceRoutes } from './routes/spaces.js';
import { clipRoutes } from './routes/clips.js';
import { followRoutes } from './routes/follows.js';
import { sharingRoutes } from './routes/sharing.js';
import { stageSeatRoutes } from './routes/stage.js';
import { trustSafetyRoutes } from './routes/trust-safety.js';
import { transparencyRoutes } from './routes/transparency.js';
import { noteRoutes } from './routes/notes.js';
import { ErrorBody } from './schemas.js';

export interface HttpAppOptions {
  readonly logger: FastifyServerOptions['logger'];
  readonly bodyLimit: number;
  /** Behind an edge, the client is the right-most X-Forwarded-For address not in this list. */
  readonly trustProxy: false | string[];
  readonly version: string;
  readonly publicUrl: string | undefined;
  /** Other origins the pages load media from (the backup edges' pathways). */
  readonly mediaOrigins?: readonly string[];
  /** Slow clients: the headers, and the whole request, must arrive within these. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * The HTTP server every plane registers its routes on. Validation is strict: unknown fields are
 * refused (not silently removed) and types are not coerced, so what the schema publishes is what we take.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger,
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustProxy,
    requestIdHeader: 'x-request-id',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false, useDefaults: false } },
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    // Errors fastify raises before routing (a path that does not decode, an over-long parameter)
    // get the catalogue's shape like every other error.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const known = error.code === 'FST_ERR_BAD_URL' ? new TribuneError('MALFORMED_URL') : new TribuneError('VALIDATION_FAILED', { detail: error.message });
      void reply.code(known.status).header('cache-control', 'no-store').send(known.toJSON());
    },
    return503OnClosing: true,
    forceCloseConnections: true,
    // Node checks these timeouts every connectionsCheckingInterval (30 s by default): checked every
    // second, a slowloris header or a body that never ends is cut in seconds, not minutes.
    serverFactory: (handler) => createServer({
      headersTimeout: options.headersTimeoutMs, requestTimeout: options.requestTimeoutMs, connectionsCheckingInterval: 1_000,
    }, handler),
  });
  installErrorHandling(app);
  installSecurityHeaders(app, { publicUrl: options.publicUrl, mediaOrigins: options.mediaOrigins ?? [] });
  instrument(app);
  // JSON only: a text/plain body on a JSON endpoint is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  app.addSchema(ErrorBody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tribune API',
        version: options.version,
        description: 'Live audio conversations: Spaces, the stage, the audience and its questions. '
          + 'Errors are `{ "error": { "code", "message" } }`; the codes are listed under x-error-codes.',
      },
      tags: [
        { name: 'accounts' }, { name: 'spaces' }, { name: 'stage' }, { name: 'questions' }, { name: 'audience' },
        { name: 'media', description: 'WHIP (RFC 9725) and WHEP, LL-HLS' }, { name: 'operations' },
        { name: 'trust-safety', description: 'DSA notice and action, statements of reasons, appeals' }, { name: 'transparency' }, { name: 'notes' },
      ],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'tribune_session' } } },
      security: [{ bearer: [] }, { cookie: [] }, {}],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    const document = app.swagger() as Record<string, unknown>;
    document['x-error-codes'] = Object.fromEntries(Object.entries(ERRORS).map(([code, spec]) => [code, { status: spec.status, description: spec.doc }]));
    return reply.header('cache-control', 'public, max-age=60').send(document);
  });
  return app;
}

/** The control plane's routes and its WebSocket. */
export function registerControlPlane(app: FastifyInstance, ctx: ControlContext): { close(): void } {
  healthRoutes(app, ctx);
  defenceRoutes(app, ctx);
  authRoutes(app, ctx);
  spaceRoutes(app, ctx);
  stageSeatRoutes(app, ctx);
  questionRoutes(app, ctx);
  audienceInteractionRoutes(app, ctx);
  trustSafetyRoutes(app, ctx);
  transparencyRoutes(app, ctx);
  noteRoutes(app, ctx);
  sharingRoutes(app, ctx);
  followRoutes(app, ctx);
  clipRoutes(app, ctx);
  clusterRoutes(app, ctx);
  return attachLiveChannel(app, ctx);
}
