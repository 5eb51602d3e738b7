import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isTribuneError } from '../../src/errors/catalogue.js';

/**
 * A stand-in for the control plane's central error handler: TribuneError -> its status and
 * `{ error: { code, message } }`; anything else -> 500 INTERNAL (fastify errors keep their status).
 */
export function tribuneErrorHandler(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (isTribuneError(err)) {
    void reply.code(err.status).send(err.toJSON());
    return;
  }
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
  void reply.code(status).send({ error: { code: status === 500 ? 'INTERNAL' : err.code, message: status === 500 ? 'Internal error' : err.message } });
}
