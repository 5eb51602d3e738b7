import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TribuneError, type ErrorCode } from '../errors/catalogue.js';
import { controlMetrics } from './metrics.js';

/** Fastify's own client errors, translated into the catalogue so clients see one vocabulary. */
function fromFastify(err: FastifyError, request: FastifyRequest): TribuneError | null {
  if (err.validation) {
    const first = err.validation[0];
    const where = err.validationContext ?? 'body';
    const path = first?.instancePath ? `${where}${first.instancePath.replaceAll('/', '.')}` : where;
    const detail = first?.keyword === 'additionalProperties'
      ? `${path} has an unknown field "${String((first.params as { additionalProperty?: string }).additionalProperty)}"`
      : `${path} ${first?.message ?? 'is invalid'}`;
    return new TribuneError('VALIDATION_FAILED', { detail });
  }
  const byCode: Record<string, [ErrorCode, Record<string, unknown>]> = {
    FST_ERR_CTP_BODY_TOO_LARGE: ['BODY_TOO_LARGE', { limit: request.routeOptions.bodyLimit ?? 'the' }],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', { type: request.headers['content-type'] ?? 'none', expected: 'application/json' }],
    FST_ERR_CTP_EMPTY_JSON_BODY: ['VALIDATION_FAILED', { detail: 'the JSON body is empty' }],
    FST_ERR_CTP_INVALID_JSON_BODY: ['MALFORMED_JSON', {}],
  };
  const mapped = err.code ? byCode[err.code] : undefined;
  if (mapped) return new TribuneError(mapped[0], mapped[1]);
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) return new TribuneError('MALFORMED_JSON');
  const status = err.statusCode ?? 500;
  if (status === 413) return new TribuneError('BODY_TOO_LARGE', { limit: request.routeOptions.bodyLimit ?? 'the' });
  if (status === 415) return new TribuneError('UNSUPPORTED_MEDIA_TYPE', { type: request.headers['content-type'] ?? 'none', expected: 'the documented type' });
  if (status >= 400 && status < 500) return new TribuneError('VALIDATION_FAILED', { detail: err.message });
  return null;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = err instanceof TribuneError ? err : fromFastify(err, request);
    if (!known) {
      controlMetrics.errors.inc({ code: 'INTERNAL' });
      request.log.error({ err }, 'unhandled error');
      const internal = new TribuneError('INTERNAL', {}, { cause: err });
      return reply.code(500).header('cache-control', 'no-store').send(internal.toJSON());
    }
    controlMetrics.errors.inc({ code: known.code });
    // A held request is the waiting room working, not a fault.
    if (known.status >= 500 && known.code !== 'WAITING_ROOM') request.log.error({ err: known }, known.message);
    const retryAfter = known.code === 'RATE_LIMITED' || known.code === 'OVERLOADED' || known.code === 'WAITING_ROOM' ? known.details?.retryAfter : undefined;
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    // A route that chose a cache policy for its error (e.g. a 1 s cached "not live yet") keeps it.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return reply.code(known.status).send(known.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const err = new TribuneError('ROUTE_NOT_FOUND', { method: request.method, url: request.url.split('?')[0] });
    return reply.code(404).header('cache-control', 'no-store').send(err.toJSON());
  });
}
