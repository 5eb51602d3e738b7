import type { FastifyRequest } from 'fastify';
import { credentialOf } from '../http/credentials.js';
import type { Actor } from '../services/actor.js';
import type { AuthService } from '../services/auth-service.js';

const ACTORS = new WeakMap<FastifyRequest, Promise<Actor>>();

/** Resolved once per request, on first use: routes that need no identity never touch the store. */
export function actorOf(request: FastifyRequest, auth: AuthService): Promise<Actor> {
  let actor = ACTORS.get(request);
  if (!actor) ACTORS.set(request, (actor = auth.authenticate(credentialOf(request.headers))));
  return actor;
}
