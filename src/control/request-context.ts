import type { FastifyRequest } from 'fastify';
import type { Actor } from '../services/actor.js';
import type { AuthService } from '../services/auth-service.js';

export const SESSION_COOKIE = 'tribune_session';

/** `Authorization: Bearer …` first (API clients, WHIP), then the browser's session cookie. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+([A-Za-z0-9_\-.~+/]+=*)\s*$/i.exec(header);
    return match?.[1] ?? header; // a malformed header is still a credential attempt: let it fail auth
  }
  return cookieOf(request, SESSION_COOKIE);
}

export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const raw = request.headers.cookie;
  if (!raw) return undefined;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

const ACTORS = new WeakMap<FastifyRequest, Promise<Actor>>();

/** Resolved once per request, on first use: routes that need no identity never touch the store. */
export function actorOf(request: FastifyRequest, auth: AuthService): Promise<Actor> {
  let actor = ACTORS.get(request);
  if (!actor) ACTORS.set(request, (actor = auth.authenticate(bearerOf(request))));
  return actor;
}
