import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Reaction } from '../../domain/types.js';
import { TribuneError } from '../../errors/catalogue.js';
import type { ControlContext } from '../context.js';
import { controlMetrics } from '../metrics.js';
import { addressKey, admit } from '../rate-limits.js';
import { ErrorBody, HeartbeatBody, ListenerHistory, ListenerTokenView, ReactionBody, SpaceParams, SpaceStateView, StateQuery } from '../schemas.js';
import { encodeText, pickEncoding } from '../../http/text-encoding.js';

const HEARTBEAT_SECONDS = 30;

export function audienceInteractionRoutes(app: FastifyInstance, ctx: ControlContext): void {
  const spaceId = (request: FastifyRequest) => (request.params as { spaceId: string }).spaceId;

  app.get('/api/v1/spaces/:spaceId/state', {
    schema: {
      tags: ['audience'], summary: 'Everything a listener page shows, cacheable for one second by any HTTP cache',
      description: 'With `since` (the ETag of a state the client holds, without its quotes), the answer is '
        + 'an RFC 6902 JSON Patch (`application/json-patch+json`) from that state to the current one, when the '
        + 'origin still knows that version; otherwise the whole state. The ETag is always the current state\'s.',
      params: SpaceParams, querystring: StateQuery, response: { 200: SpaceStateView, 304: Type.Null(), '4xx': ErrorBody },
    },
  }, async (request, reply) => {
    const { since } = request.query as { since?: string };
    const patch = since === undefined ? undefined : await ctx.state.patchSince(spaceId(request), `"${since}"`);
    const state = patch ?? await ctx.state.current(spaceId(request));
    reply.header('cache-control', 'public, max-age=1').header('etag', state.etag).header('vary', 'Accept-Encoding');
    if (request.headers['if-none-match'] === state.etag) return reply.code(304).send();
    if (patch) reply.type('application/json-patch+json');
    // Every listener polls this: compressed once per version (encodeText), like the playlists.
    const encoding = pickEncoding(request.headers['accept-encoding']);
    if (!patch) reply.type('application/json; charset=utf-8');
    if (encoding === 'identity') return reply.serializer((s: string) => s).send(state.body);
    return reply.header('content-encoding', encoding).send(encodeText(state.body, encoding));
  });

  app.post('/api/v1/spaces/:spaceId/listener-token', {
    schema: { tags: ['audience'], summary: 'A signed listener id for this Space\'s heartbeats (no account needed)', params: SpaceParams, response: { 201: ListenerTokenView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    await admit(ctx.limits.listenerTokens, addressKey(request));
    const space = await ctx.spaces.getRecent(spaceId(request));
    return reply.code(201).header('cache-control', 'no-store').send({ listenerToken: ctx.audience.issueListenerToken(space.id), heartbeatSeconds: HEARTBEAT_SECONDS });
  });

  app.post('/api/v1/spaces/:spaceId/heartbeat', {
    schema: { tags: ['audience'], summary: `A listener is still here (every ${HEARTBEAT_SECONDS} s); counted in a sketch`, params: SpaceParams, body: HeartbeatBody, response: { 204: Type.Null(), '4xx': ErrorBody } },
  }, async (request, reply) => {
    const { listenerToken } = request.body as { listenerToken: string };
    // Both limits at once: in a cluster that is one round trip to Redis instead of two in a row.
    await Promise.all([admit(ctx.limits.heartbeatsPerAddress, addressKey(request)), admit(ctx.limits.heartbeats, `t:${listenerToken}`)]);
    await ctx.spaces.getRecent(spaceId(request));
    await ctx.audience.heartbeat(spaceId(request), listenerToken);
    controlMetrics.heartbeats.inc();
    return reply.code(204).send();
  });

  app.post('/api/v1/spaces/:spaceId/reactions', {
    schema: { tags: ['audience'], summary: 'Send a reaction; counted per second, never stored one by one', params: SpaceParams, body: ReactionBody, response: { 202: Type.Null(), '4xx': ErrorBody } },
  }, async (request, reply) => {
    await admit(ctx.limits.reactions, addressKey(request));
    const space = await ctx.spaces.getRecent(spaceId(request));
    if (space.state !== 'live') throw new TribuneError('SPACE_NOT_LIVE');
    await ctx.audience.react(space.id, (request.body as { reaction: Reaction }).reaction);
    controlMetrics.reactions.inc();
    return reply.code(202).send();
  });

  app.get('/api/v1/spaces/:spaceId/listeners', {
    schema: { tags: ['audience'], summary: 'Listener count per minute and the peak', params: SpaceParams, response: { 200: ListenerHistory, '4xx': ErrorBody } },
  }, async (request) => {
    await ctx.spaces.get(spaceId(request));
    const history = await ctx.audience.listenerHistory(spaceId(request));
    const snapshot = await ctx.audience.snapshot(spaceId(request));
    return { peak: snapshot.listeners.peak, minutes: history.map((h) => ({ minute: new Date(h.minute * 60_000).toISOString(), count: h.count })) };
  });
}
