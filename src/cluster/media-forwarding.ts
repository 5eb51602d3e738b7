import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TribuneError } from '../errors/catalogue.js';
import { SESSION_STATE_HEADER } from '../media/session-state.js';
import type { SpaceLeases } from './leases.js';
import type { OriginRegistry } from './registry.js';

/** Set on a forwarded request: the receiving origin answers it itself, so a request never loops. */
export const FORWARDED_HEADER = 'x-tribune-forwarded-by';
/**
 * The client's address as the forwarding origin found it, and a signature of it with the cluster's
 * secret: the receiving origin applies its per-address limits (WHIP/WHEP admission, pending offers) to
 * the client, not to the origin that forwarded it, and no client can claim another address this way.
 */
const CLIENT_HEADER = 'x-tribune-client';
const SIGNATURE_HEADER = 'x-tribune-client-signature';

// The media of a Space: WHIP/WHEP signalling (and its session resources) and LL-HLS.
const MEDIA_PATH = /^\/(?:api\/v1\/spaces\/([^/?]+)\/(?:whip|whep)(?:\/([^/?]+))?|hls\/([^/?]+)\/[^/?]+)(?:\?.*)?$/;
/** Between the origin id and the random part of a session id: in neither alphabet. */
const OWNER_SEPARATOR = '~';

/** What starts the id of every session an origin makes: the origin that holds it. */
export const sessionIdPrefix = (originId: string): string => `${originId}${OWNER_SEPARATOR}`;

const safeDecode = (part: string): string => { try { return decodeURIComponent(part); } catch { return part; } };

const signature = (secret: string, forwarder: string, client: string, method: string, url: string): string =>
  createHmac('sha256', secret).update(`${forwarder}\n${client}\n${method}\n${url}`).digest('base64url');

/** The client's address a forwarding origin vouches for, when its signature holds; undefined otherwise. */
export function vouchedClient(headers: IncomingHttpHeaders, method: string, url: string, secret: string): string | undefined {
  const [forwarder, client, signed] = [headers[FORWARDED_HEADER], headers[CLIENT_HEADER], headers[SIGNATURE_HEADER]];
  if (typeof forwarder !== 'string' || typeof client !== 'string' || typeof signed !== 'string' || isIP(client) === 0) return undefined;
  const expected = Buffer.from(signature(secret, forwarder, client, method, url));
  const given = Buffer.from(signed);
  return given.length === expected.length && timingSafeEqual(given, expected) ? client : undefined;
}

/** The origin holding a session, read from its id; null for an id made without one. */
export function sessionOwner(sessionId: string): string | null {
  const at = sessionId.indexOf(OWNER_SEPARATOR);
  return at > 0 ? sessionId.slice(0, at) : null;
}
// No accept-encoding: fetch would decompress what it relays; the edge compresses if it wants to. The
// cookie: a logged-in host's WHIP (the studio) is authenticated by it.
const REQUEST_HEADERS = ['authorization', 'cookie', 'content-type', 'if-none-match', 'accept'];
const RESPONSE_HEADERS = ['content-type', 'location', 'etag', 'cache-control', 'link', 'retry-after', 'accept-post', 'allow', 'vary', SESSION_STATE_HEADER.toLowerCase()];
const PLACEMENT_CACHE_MS = 500;
/** Longer than the origin's hold of a blocking playlist reload (6 s). */
const FORWARD_TIMEOUT_MS = 15_000;

/**
 * Any origin answers a Space's media requests: when another origin runs the Space, this one forwards
 * the request to it (its internal URL) and relays the answer. WHIP and WHEP are only signalling here:
 * the SDP answer names the running origin's addresses, so the media (UDP) flows straight to it. An edge
 * may therefore send any request to any origin.
 */
export function forwardMediaToRunningOrigin(app: FastifyInstance, deps: {
  originId: string; leases: SpaceLeases; standbys: SpaceLeases | null; registry: OriginRegistry; now: () => number; onError: (err: unknown) => void;
  /** The cluster's shared secret: signs the client address a forwarded request carries. */
  secret: string;
  /** Headers of the other planes relayed both ways (lower case): the waiting room's pass, which the receiving origin's gate asks for too. */
  alsoRelayed?: readonly string[];
}): { forget(spaceId: string): void } {
  const requestHeaders = [...REQUEST_HEADERS, ...(deps.alsoRelayed ?? [])];
  const responseHeaders = [...RESPONSE_HEADERS, ...(deps.alsoRelayed ?? [])];
  const placement = new Map<string, { primary: string | null; standby: string | null; at: number }>();
  let urls: { map: Map<string, string | null>; at: number } = { map: new Map(), at: -Infinity };

  async function placed(spaceId: string): Promise<{ primary: string | null; standby: string | null }> {
    const now = deps.now();
    const hit = placement.get(spaceId);
    if (hit && now - hit.at < PLACEMENT_CACHE_MS) return hit;
    const [primary, standby] = await Promise.all([
      deps.leases.holders([spaceId]).then((h) => h.get(spaceId) ?? null),
      deps.standbys ? deps.standbys.holders([spaceId]).then((h) => h.get(spaceId) ?? null) : null,
    ]);
    if (placement.size > 10_000) placement.clear();
    const found = { primary, standby, at: now };
    placement.set(spaceId, found);
    return found;
  }

  async function internalUrl(originId: string): Promise<string | null> {
    const now = deps.now();
    if (now - urls.at >= PLACEMENT_CACHE_MS || !urls.map.has(originId)) {
      urls = { map: new Map((await deps.registry.list(now)).map((o) => [o.id, o.internalUrl])), at: now };
    }
    return urls.map.get(originId) ?? null;
  }

  // The body is still unread in onRequest: the raw request streams straight to the other origin.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers[FORWARDED_HEADER] !== undefined) {
      // Answered here. The address is the client's when another origin of this cluster vouches for it
      // (an own property hides fastify's getter, which would name the forwarding origin).
      const client = vouchedClient(request.headers, request.method, request.url, deps.secret);
      if (client !== undefined) Object.defineProperty(request, 'ip', { value: client });
      return;
    }
    const match = MEDIA_PATH.exec(request.url);
    const spaceId = match?.[1] ?? match?.[3];
    if (!spaceId) return;
    const isHls = match?.[3] !== undefined && (request.method === 'GET' || request.method === 'HEAD');
    const sessionId = match?.[2] === undefined ? undefined : safeDecode(match[2]);
    const owner = sessionId === undefined ? null : sessionOwner(sessionId);
    let targets: Array<{ origin: string; url: string }>;
    let selfIsStandby = false;
    let ownerGone = false;
    try {
      const { primary, standby } = await placed(decodeURIComponent(spaceId));
      if (owner !== null) {
        // A session resource lives where the session is, which is not always where the Space runs:
        // while a Space moves, its speakers' old sessions are still held (and probed, and DELETEd) on
        // the origin they leave. Once that origin is gone and the Space runs elsewhere, so is the session.
        if (owner === deps.originId) return;
        const url = await internalUrl(owner);
        if (!url) throw new TribuneError('MEDIA_SESSION_NOT_FOUND', { sessionId });
        targets = [{ origin: owner, url }];
        ownerGone = owner !== primary;
      } else {
        if (primary === null || primary === deps.originId) return;
      selfIsStandby = isHls && standby === deps.originId;
      // LL-HLS has a second source: the standby makes the same names and bytes, so when the primary
      // does not answer its listeners are served from there (or from here, if this is the standby).
        const candidates = isHls && standby !== null && !selfIsStandby ? [primary, standby] : [primary];
        targets = [];
        for (const origin of candidates) {
          const url = await internalUrl(origin);
          if (url) targets.push({ origin, url });
        }
      }
    } catch (err) {
      if (err instanceof TribuneError) throw err;
      // Redis away: answer locally (the local routes say what this origin knows).
      deps.onError(err);
      return;
    }
    if (targets.length === 0) return;
    const headers: Record<string, string> = { [FORWARDED_HEADER]: deps.originId };
    // Signalling only: LL-HLS reads are never limited per address, so they need no client address.
    if (!isHls) {
      headers[CLIENT_HEADER] = request.ip;
      headers[SIGNATURE_HEADER] = signature(deps.secret, deps.originId, request.ip, request.method, request.url);
    }
    for (const name of requestHeaders) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS';
    let answer: Response | undefined;
    for (const target of targets) {
      try {
        answer = await fetch(new URL(request.url, target.url), {
          // A redirect is the client's to follow (a 307 MEDIA_MOVED points back at the edge).
          method: request.method, headers, redirect: 'manual', signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
          ...(hasBody ? { body: request.raw as unknown as ReadableStream, duplex: 'half' } : {}),
        } as RequestInit);
        break;
      } catch (err) {
        deps.onError(err);
        placement.delete(decodeURIComponent(spaceId));
      }
    }
    if (!answer) {
      if (selfIsStandby) return;
      if (ownerGone) throw new TribuneError('MEDIA_SESSION_NOT_FOUND', { sessionId });
      throw new TribuneError('NOT_READY', { reason: 'the origin running this Space does not answer' });
    }
    reply.code(answer.status);
    for (const name of responseHeaders) {
      const value = answer.headers.get(name);
      if (value !== null) reply.header(name, value);
    }
    // Passed on as it comes: a segment the owner sends while producing it reaches the client part by
    // part, and one the owner cuts is cut here too (never ended short).
    return reply.send(answer.body ? Readable.fromWeb(answer.body as WebReadableStream) : undefined);
  });
  // This origin let a Space go: its requests must be forwarded from now on, not answered from the cache of who runs it.
  return { forget: (spaceId) => { placement.delete(spaceId); } };
}
