import type { FastifyRequest } from 'fastify';
import { carriesCredential } from '../../http/credentials.js';

/**
 * What a request costs the night if it is refused, from cheapest to dearest. Shedding refuses the
 * cheapest first and never reaches the stage (WHIP, the stage channel) nor the audience's reads
 * (playlists, media, the room state): those are what the night is for.
 */
export type RequestClass = 'protected' | 'anonymous-write' | 'join' | 'write';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JOIN = /^\/api\/v1\/(auth\/(login|register)|spaces\/[^/]+\/(whep|listener-token))$/;
const STAGE = /^\/api\/v1\/spaces\/[^/]+\/(whip|whep\/[^/]+)(\/|$)/;

export function classify(request: FastifyRequest): RequestClass {
  if (READS.has(request.method)) return 'protected';
  const path = request.url.split('?')[0]!;
  // Publishing, and leaving (a DELETE frees a media session): never shed.
  if (STAGE.test(path)) return 'protected';
  if (JOIN.test(path)) return 'join';
  return hasCredential(request) ? 'write' : 'anonymous-write';
}

export function hasCredential(request: FastifyRequest): boolean {
  return carriesCredential(request.headers);
}
