import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_STATE_HEADER } from '../media/session-state.js';
import type { StageAuthority } from '../media/types.js';
import { TribuneError } from '../errors/catalogue.js';
import { credentialOf } from '../http/credentials.js';
import { stageMetrics } from './metrics.js';
import { iceServerLinks } from './sdp.js';
import type { StageMedia } from './stage-media-types.js';

export interface StageRoutesDeps {
  readonly media: StageMedia;
  readonly authority: StageAuthority;
}

/** SDP offers are a few KB; 64 KB leaves room for many candidates and still bounds the parser. */
const SDP_BODY_LIMIT = 64 * 1024;

type SpaceParams = { spaceId: string };
type SessionParams = { spaceId: string; sessionId: string };

/**
 * WHIP (RFC 9725) and WHEP endpoints. Registered as an encapsulated fastify plugin: the
 * application/sdp parser and the mapping of fastify's own body errors stay inside this scope.
 */
export function stageRoutes(app: FastifyInstance, deps: StageRoutesDeps): void {
  const { media, authority } = deps;
  // A cookie reaches WHIP only from this origin: a cross-site POST of application/sdp needs a CORS
  // preflight this server does not grant, and the session cookie is SameSite=Lax.
  const credential = (request: FastifyRequest) => credentialOf(request.headers);

  app.addContentTypeParser('application/sdp', { parseAs: 'string', bodyLimit: SDP_BODY_LIMIT }, (_req, body, done) => {
    done(null, body);
  });
  // Trickle ICE fragments (RFC 8840) are parsed only to be refused with a catalogue code below.
  app.addContentTypeParser('application/trickle-ice-sdpfrag', { parseAs: 'string', bodyLimit: SDP_BODY_LIMIT }, (_req, body, done) => {
    done(null, body);
  });
  // Fastify's own parser errors become catalogue errors; everything else goes to the central handler.
  app.setErrorHandler((err: FastifyError, _request, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw new TribuneError('BODY_TOO_LARGE', { limit: SDP_BODY_LIMIT });
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_EMPTY_TYPE') {
      throw new TribuneError('UNSUPPORTED_MEDIA_TYPE', { type: _request.headers['content-type'] ?? 'none', expected: 'application/sdp' });
    }
    if (err instanceof TribuneError && err.code === 'RATE_LIMITED') {
      void reply.header('Retry-After', String(err.details?.['retryAfter'] ?? 1));
    }
    throw err;
  });

  for (const kind of ['whip', 'whep'] as const) {
    const base = `/api/v1/spaces/:spaceId/${kind}`;

    app.options<{ Params: SpaceParams }>(base, async (request, reply) => {
      // RFC 9725 §4.6: ICE servers are not sent in answer to a CORS preflight (it is not the client asking).
      if (request.headers['access-control-request-method'] === undefined) setIceLinks(reply, media.iceServers);
      return reply.code(204).header('Accept-Post', 'application/sdp').header('Allow', 'OPTIONS, POST').send();
    });

    app.post<{ Params: SpaceParams; Body: string }>(base, async (request, reply) => {
      const offer = sdpBody(request);
      const sessionRequest = { offer, bearer: credential(request), clientIp: request.ip };
      const { spaceId } = request.params;
      const result = kind === 'whip'
        ? await media.publish(spaceId, sessionRequest, authority)
        : await media.listen(spaceId, sessionRequest, authority);
      setIceLinks(reply, media.iceServers);
      return reply
        .code(201)
        .header('Content-Type', 'application/sdp')
        .header('Location', `/api/v1/spaces/${encodeURIComponent(spaceId)}/${kind}/${result.sessionId}`)
        .header('ETag', `"${result.sessionId}"`)
        .send(result.answer);
    });

    app.delete<{ Params: SessionParams }>(`${base}/:sessionId`, async (request, reply) => {
      media.endSession(request.params.spaceId, kind, request.params.sessionId);
      return reply.code(200).send();
    });

    // Not in RFC 9725, which leaves the resource's other methods open: a client probes it (HEAD or GET,
    // a second apart) to notice within a second or two that the origin holding its session is gone
    // (404 here once the Space moved; 503 from a forwarding origin while the holder does not answer).
    app.get<{ Params: SessionParams }>(`${base}/:sessionId`, async (request, reply) => {
      const state = media.sessionState(request.params.spaceId, kind, request.params.sessionId);
      stageMetrics.sessionProbes.inc({ kind, answer: state });
      if (state === 'gone') throw new TribuneError('MEDIA_SESSION_NOT_FOUND', { sessionId: request.params.sessionId });
      // Moving (this origin hands the Space over): the client opens its next session through the same
      // URL, which now reaches the next origin, and lets this one go once the next carries its media.
      return reply.code(200).header('Cache-Control', 'no-store').header(SESSION_STATE_HEADER, state).send();
    });

    // Trickle ICE and ICE restarts (RFC 9725 §4.3) are not implemented: answers are non-trickle.
    app.patch<{ Params: SessionParams }>(`${base}/:sessionId`, async () => {
      throw new TribuneError('ICE_RESTART_UNSUPPORTED');
    });
  }
}

function sdpBody(request: FastifyRequest): string {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/sdp') {
    throw new TribuneError('UNSUPPORTED_MEDIA_TYPE', { type: type ?? 'none', expected: 'application/sdp' });
  }
  if (typeof request.body !== 'string') throw new TribuneError('SDP_INVALID', { detail: 'empty body' });
  return request.body;
}

function setIceLinks(reply: FastifyReply, urls: readonly string[]): void {
  const links = iceServerLinks(urls);
  if (links.length > 0) void reply.header('Link', links);
}
