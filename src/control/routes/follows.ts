import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { requireUser } from '../../services/actor.js';
import type { ControlContext } from '../context.js';
import { absoluteBaseUrl, presentSpaces } from '../presenters.js';
import { admit } from '../rate-limits.js';
import { actorOf } from '../request-context.js';
import { ErrorBody, Handle, SpaceList, SpaceParams } from '../schemas.js';

const strict = { additionalProperties: false } as const;
const HandleParams = Type.Object({ handle: Handle }, strict);
const FollowView = Type.Object({ following: Type.Boolean(), followers: Type.Integer() });
const ReminderView = Type.Object({ reminded: Type.Boolean() });
const Base64Url = (max: number) => Type.String({ pattern: '^[A-Za-z0-9_-]+={0,2}$', minLength: 8, maxLength: max });
export const PushSubscriptionBody = Type.Object({
  endpoint: Type.String({ pattern: '^https://', maxLength: 1000 }),
  keys: Type.Object({ p256dh: Base64Url(120), auth: Base64Url(40) }, strict),
}, strict);
const PushEndpointBody = Type.Object({ endpoint: Type.String({ maxLength: 1000 }) }, strict);
const NoContent = { 204: Type.Null(), '4xx': ErrorBody };

/** Follow a host, "remind me" of a Space, what is live for me now, and Web Push subscriptions. */
export function followRoutes(app: FastifyInstance, ctx: ControlContext): void {
  const actor = (request: FastifyRequest) => actorOf(request, ctx.auth);
  const handle = (request: FastifyRequest) => (request.params as { handle: string }).handle;
  const spaceId = (request: FastifyRequest) => (request.params as { spaceId: string }).spaceId;
  /** Writes are per account, through the same bucket as the other writes. */
  const write = async (request: FastifyRequest) => {
    const a = await actor(request);
    await admit(ctx.limits.writes, `user:${requireUser(a).id}`);
    return a;
  };

  app.get('/api/v1/profiles/:handle/follow', {
    schema: { tags: ['accounts'], summary: 'Whether I follow this host, and how many do', params: HandleParams, response: { 200: FollowView, '4xx': ErrorBody } },
  }, async (request, reply) => reply.header('cache-control', 'private, no-store').send(await ctx.follows.followState(await actor(request), handle(request))));

  app.put('/api/v1/profiles/:handle/follow', {
    schema: { tags: ['accounts'], summary: 'Follow this host (idempotent)', params: HandleParams, response: NoContent },
  }, async (request, reply) => {
    await ctx.follows.follow(await write(request), handle(request));
    return reply.code(204).send();
  });

  app.delete('/api/v1/profiles/:handle/follow', {
    schema: { tags: ['accounts'], summary: 'Stop following this host', params: HandleParams, response: NoContent },
  }, async (request, reply) => {
    await ctx.follows.unfollow(await write(request), handle(request));
    return reply.code(204).send();
  });

  app.get('/api/v1/spaces/:spaceId/reminder', {
    schema: { tags: ['spaces'], summary: 'Whether I asked to be reminded of this Space', params: SpaceParams, response: { 200: ReminderView, '4xx': ErrorBody } },
  }, async (request, reply) => reply.header('cache-control', 'private, no-store').send({ reminded: await ctx.follows.isReminded(await actor(request), spaceId(request)) }));

  for (const [method, on] of [['put', true], ['delete', false]] as const) {
    app[method]('/api/v1/spaces/:spaceId/reminder', {
      schema: { tags: ['spaces'], summary: on ? 'Remind me when this Space goes live' : 'No reminder for this Space', params: SpaceParams, response: NoContent },
    }, async (request, reply) => {
      const a = await write(request);
      await ctx.follows.remind(a, await ctx.spaces.get(spaceId(request)), on);
      return reply.code(204).send();
    });
  }

  app.get('/api/v1/me/notifications', {
    schema: { tags: ['accounts'], summary: 'Live now among the hosts I follow and the Spaces I asked to be reminded of', response: { 200: SpaceList, '4xx': ErrorBody } },
  }, async (request, reply) => {
    const spaces = await ctx.follows.notifications(await actor(request));
    const base = absoluteBaseUrl(request, ctx.config.publicUrl);
    return reply.header('cache-control', 'private, no-store').send({ spaces: await presentSpaces(ctx, base, spaces) });
  });

  app.get('/api/v1/push/key', {
    schema: { tags: ['accounts'], summary: 'The server\'s VAPID public key (applicationServerKey for PushManager.subscribe)', response: { 200: Type.Object({ publicKey: Type.String() }) } },
  }, async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').send({ publicKey: ctx.push.publicKey }));

  app.post('/api/v1/me/push-subscriptions', {
    schema: { tags: ['accounts'], summary: 'Receive Web Push when a followed or reminded Space goes live', body: PushSubscriptionBody, response: NoContent },
  }, async (request, reply) => {
    await ctx.follows.subscribePush(await write(request), request.body as { endpoint: string; keys: { p256dh: string; auth: string } });
    return reply.code(204).send();
  });

  app.delete('/api/v1/me/push-subscriptions', {
    schema: { tags: ['accounts'], summary: 'Stop Web Push to this endpoint', body: PushEndpointBody, response: NoContent },
  }, async (request, reply) => {
    await write(request);
    await ctx.follows.unsubscribePush((request.body as { endpoint: string }).endpoint);
    return reply.code(204).send();
  });
}
