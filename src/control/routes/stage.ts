import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ControlContext } from '../context.js';
import { publicBaseUrl, presentParticipant, presentRequest } from '../presenters.js';
import { addressKey, admit } from '../rate-limits.js';
import { actorOf } from '../request-context.js';
import type { StaffReasons } from '../../trust-safety/service.js';
import {
  AnswerRequestBody, BlockBody, CheckInviteBody, ErrorBody, InviteCheckView, MuteBody, ParticipantParams, ParticipantView, RedeemBody, RoleBody,
  SpaceParams, SpeakRequestList, SpeakRequestView, StageTokenBody, StageTokenView, StageView, UserParams,
} from '../schemas.js';

const NoContent = { 204: Type.Null(), '4xx': ErrorBody };

export function stageSeatRoutes(app: FastifyInstance, ctx: ControlContext): void {
  const actor = (request: FastifyRequest) => actorOf(request, ctx.auth);
  const spaceId = (request: FastifyRequest) => (request.params as { spaceId: string }).spaceId;
  const participantId = (request: FastifyRequest) => (request.params as { participantId: string }).participantId;

  app.get('/api/v1/spaces/:spaceId/stage', {
    schema: { tags: ['stage'], summary: 'Who is on the stage', params: SpaceParams, response: { 200: StageView, '4xx': ErrorBody } },
  }, async (request) => ({ participants: (await ctx.stage.stage(spaceId(request))).map(presentParticipant) }));

  app.post('/api/v1/spaces/:spaceId/stage-tokens', {
    schema: { tags: ['stage'], summary: 'Invite someone to speak: a single-use token, the bearer of their WHIP request', params: SpaceParams, body: StageTokenBody, response: { 201: StageTokenView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    const { role } = request.body as { role: 'speaker' | 'cohost' };
    const invitation = await ctx.stage.invite(await actor(request), spaceId(request), role);
    const inviteUrl = `${publicBaseUrl(ctx.config.publicUrl)}/s/${spaceId(request)}/join#${invitation.token}`;
    return reply.code(201).send({ ...invitation, inviteUrl });
  });

  app.post('/api/v1/spaces/:spaceId/stage-tokens/redeem', {
    schema: { tags: ['stage'], summary: 'Take the seat an invite offers (logged in: bound to the account)', params: SpaceParams, body: RedeemBody, response: { 200: ParticipantView, '4xx': ErrorBody } },
  }, async (request) => {
    const { token, displayName } = request.body as { token: string; displayName?: string };
    return presentParticipant(await ctx.stage.redeem(await actor(request), spaceId(request), token, displayName));
  });

  app.post('/api/v1/spaces/:spaceId/stage-tokens/check', {
    schema: { tags: ['stage'], summary: 'Whether an invite can still be used (nothing is taken); the token travels in the body, never in a URL', params: SpaceParams, body: CheckInviteBody, response: { 200: InviteCheckView, '4xx': ErrorBody } },
  }, async (request) => {
    await admit(ctx.limits.auth, addressKey(request));
    const { token } = request.body as { token: string };
    return ctx.stage.checkInvite(await actor(request), spaceId(request), token);
  });

  app.post('/api/v1/spaces/:spaceId/speak-requests', {
    schema: { tags: ['stage'], summary: 'Ask to speak', params: SpaceParams, response: { 201: SpeakRequestView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    const created = await ctx.stage.requestToSpeak(await actor(request), spaceId(request));
    return reply.code(201).send(await presentRequest(created, ctx.users.lookup()));
  });

  app.delete('/api/v1/spaces/:spaceId/speak-requests/mine', {
    schema: { tags: ['stage'], summary: 'Withdraw my request to speak', params: SpaceParams, response: NoContent },
  }, async (request, reply) => {
    await ctx.stage.withdrawRequest(await actor(request), spaceId(request));
    return reply.code(204).send();
  });

  app.get('/api/v1/spaces/:spaceId/speak-requests', {
    schema: { tags: ['stage'], summary: 'Pending requests to speak (host, co-hosts)', params: SpaceParams, response: { 200: SpeakRequestList, '4xx': ErrorBody } },
  }, async (request) => {
    const requests = await ctx.stage.pendingRequests(await actor(request), spaceId(request));
    const lookup = ctx.users.lookup();
    return { requests: await Promise.all(requests.map((r) => presentRequest(r, lookup))) };
  });

  app.post('/api/v1/spaces/:spaceId/speak-requests/:userId', {
    schema: { tags: ['stage'], summary: 'Approve (seat them as a speaker) or deny a request', params: UserParams, body: AnswerRequestBody, response: { 200: Type.Object({ participant: Type.Union([ParticipantView, Type.Null()]) }), '4xx': ErrorBody } },
  }, async (request) => {
    const { userId } = request.params as { userId: string };
    const { approve } = request.body as { approve: boolean };
    const seat = await ctx.stage.answerRequest(await actor(request), spaceId(request), userId, approve);
    return { participant: seat ? presentParticipant(seat) : null };
  });

  app.post('/api/v1/spaces/:spaceId/participants/:participantId/mute', {
    schema: { tags: ['stage'], summary: 'Mute anyone (host, co-host, moderator) or unmute yourself', params: ParticipantParams, body: MuteBody, response: { 200: ParticipantView, '4xx': ErrorBody } },
  }, async (request) => {
    const { muted, reason } = request.body as { muted: boolean; reason?: StaffReasons };
    const who = await actor(request);
    const seat = await ctx.stage.setMuted(who, spaceId(request), participantId(request), muted);
    if (muted) await ctx.trustSafety.staffActed(who, { action: 'mute_speaker', targetType: 'user', targetId: seat.id, spaceId: seat.spaceId }, reason);
    return presentParticipant(seat);
  });

  app.post('/api/v1/spaces/:spaceId/participants/:participantId/role', {
    schema: { tags: ['stage'], summary: 'Promote a speaker to co-host, or back (host)', params: ParticipantParams, body: RoleBody, response: { 200: ParticipantView, '4xx': ErrorBody } },
  }, async (request) => {
    const { role } = request.body as { role: 'cohost' | 'speaker' };
    return presentParticipant(await ctx.stage.setRole(await actor(request), spaceId(request), participantId(request), role));
  });

  app.delete('/api/v1/spaces/:spaceId/participants/:participantId', {
    schema: { tags: ['stage'], summary: 'Remove someone from the stage', params: ParticipantParams, response: NoContent },
  }, async (request, reply) => {
    const who = await actor(request);
    await ctx.stage.remove(who, spaceId(request), participantId(request));
    await ctx.trustSafety.staffActed(who, { action: 'remove_speaker', targetType: 'user', targetId: participantId(request), spaceId: spaceId(request) });
    return reply.code(204).send();
  });

  app.post('/api/v1/spaces/:spaceId/blocks', {
    schema: { tags: ['stage'], summary: 'Block an account (or a guest seat) from the Space', params: SpaceParams, body: BlockBody, response: NoContent },
  }, async (request, reply) => {
    await ctx.stage.block(await actor(request), spaceId(request), request.body as { userId?: string; participantId?: string });
    return reply.code(204).send();
  });

  app.post('/api/v1/spaces/:spaceId/stage/leave', {
    schema: { tags: ['stage'], summary: 'Leave the stage', params: SpaceParams, response: NoContent },
  }, async (request, reply) => {
    await ctx.stage.leave(await actor(request), spaceId(request));
    return reply.code(204).send();
  });
}
