import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TribuneError } from '../../errors/catalogue.js';
import { hasCredential } from './request-class.js';
import { SCOPE, TICKET_HEADER } from './room-ticket.js';
import type { WaitingRoom } from './waiting-room.js';

/**
 * The interactive routes, and the Space each belongs to (null: outside any Space). A WHEP offer with
 * a credential is a speaker's mix-minus or an account's (accounts came through registering): the
 * stage is never held. Everything else, the LL-HLS audience's reads first, never meets the room.
 */
const GATED: ReadonlyArray<{ readonly path: RegExp; readonly anonymousOnly?: boolean }> = [
  { path: /^\/api\/v1\/spaces\/([^/]+)\/whep$/, anonymousOnly: true },
  { path: /^\/api\/v1\/spaces\/([^/]+)\/questions$/ },
  { path: /^\/api\/v1\/spaces\/([^/]+)\/questions\/[^/]+\/vote$/ },
  { path: /^\/api\/v1\/spaces\/([^/]+)\/speak-requests$/ },
  { path: /^\/api\/v1\/auth\/register$/ },
];

/** The request's scope if the room guards it: a Space id, or null outside any Space. */
export function roomScopeOf(request: FastifyRequest): string | null | undefined {
  if (request.method !== 'POST') return undefined;
  const path = request.url.split('?')[0]!;
  for (const route of GATED) {
    const match = route.path.exec(path);
    if (!match) continue;
    if (route.anonymousOnly && hasCredential(request)) return undefined;
    if (match[1] === undefined) return null;
    let spaceId: string;
    try { spaceId = decodeURIComponent(match[1]); } catch { return undefined; }
    // No Space has such an id: the route answers 404 by itself.
    return SCOPE.test(spaceId) && spaceId !== '' ? spaceId : undefined;
  }
  return undefined;
}

/** Holds interactive requests in the waiting room while it is open; hands back the pass when let in. */
export function installWaitingRoomGate(app: FastifyInstance, room: WaitingRoom): void {
  app.addHook('onRequest', async (request, reply) => {
    const scope = roomScopeOf(request);
    if (scope === undefined || !room.isOpen()) return;
    const presented = request.headers[TICKET_HEADER];
    try {
      const { pass } = await room.admit(scope, typeof presented === 'string' ? presented : undefined);
      if (pass) void reply.header(TICKET_HEADER, pass);
    } catch (err) {
      // The ticket travels in a header too, for clients that do not read error bodies (WHEP players).
      if (err instanceof TribuneError && err.code === 'WAITING_ROOM') void reply.header(TICKET_HEADER, String(err.details?.['ticket']));
      throw err;
    }
  });
}
