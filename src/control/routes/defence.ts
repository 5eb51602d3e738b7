import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { TribuneError } from '../../errors/catalogue.js';
import { requireUser } from '../../services/actor.js';
import type { ControlContext } from '../context.js';
import { addressKey, admit } from '../rate-limits.js';
import { actorOf } from '../request-context.js';
import { ErrorBody } from '../schemas.js';

const strict = { additionalProperties: false } as const;
const ChallengeView = Type.Object({ challenge: Type.String(), difficulty: Type.Integer(), expiresAt: Type.String(), header: Type.String() });
const DefenceView = Type.Object({
  setting: Type.Union([Type.Literal('on'), Type.Literal('off'), Type.Literal('auto')]),
  underAttack: Type.Boolean(), difficulty: Type.Integer(),
  pressure: Type.Object({ level: Type.Integer(), eventLoopDelayMs: Type.Number(), rssMb: Type.Number(), inFlight: Type.Integer() }),
});
const DefenceBody = Type.Object({ underAttack: Type.Union([Type.Literal('on'), Type.Literal('off'), Type.Literal('auto')]) }, strict);
const Setting = Type.Union([Type.Literal('on'), Type.Literal('off'), Type.Literal('auto')]);
/** The same bounds as the configuration's (src/config/schema.ts). */
const RoomSettings = {
  totalActiveUsers: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
  newUsersPerMinute: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  sessionMinutes: Type.Number({ minimum: 1, maximum: 1440 }),
  ticketMinutes: Type.Number({ minimum: 1, maximum: 60 }),
};
const RoomView = Type.Object({
  setting: Setting, ...RoomSettings, open: Type.Boolean(),
  waiting: Type.Integer(), active: Type.Integer(), admittedLastMinute: Type.Integer(),
});
const RoomBody = Type.Partial(Type.Object({ setting: Setting, ...RoomSettings }), { ...strict, minProperties: 1 });

/** Proof-of-work challenges for clients, and the defences' state and switches for admins. */
export function defenceRoutes(app: FastifyInstance, ctx: ControlContext): void {
  app.get('/api/v1/pow', {
    schema: { tags: ['operations'], summary: 'A proof-of-work challenge (asked for under attack)', response: { 200: ChallengeView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    await admit(ctx.limits.writes, addressKey(request));
    const state = ctx.defence.underAttack.state();
    return reply.header('cache-control', 'no-store').send({ ...ctx.defence.pow.issue(state.difficulty), header: 'x-tribune-pow' });
  });

  const admin = async (request: Parameters<typeof actorOf>[0]) => {
    const user = requireUser(await actorOf(request, ctx.auth));
    if (user.platformRole !== 'admin') throw new TribuneError('FORBIDDEN', { role: user.platformRole, action: 'operate the defences' });
  };

  app.get('/api/v1/admin/defence', {
    schema: { tags: ['operations'], summary: 'Load-shedding level and under-attack mode (admin)', response: { 200: DefenceView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    await admin(request);
    return reply.header('cache-control', 'no-store').send(ctx.defence.underAttack.state());
  });

  app.put('/api/v1/admin/defence', {
    schema: { tags: ['operations'], summary: 'Switch under-attack mode on, off, or to automatic (admin)', body: DefenceBody, response: { 200: DefenceView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    await admin(request);
    ctx.defence.underAttack.set((request.body as { underAttack: 'on' | 'off' | 'auto' }).underAttack);
    request.log.warn({ setting: (request.body as { underAttack: string }).underAttack }, 'under-attack mode switched');
    return reply.header('cache-control', 'no-store').send(ctx.defence.underAttack.state());
  });

  app.get('/api/v1/admin/waiting-room', {
    schema: { tags: ['operations'], summary: 'The waiting room: its settings, queue and active users (admin)', response: { 200: RoomView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    await admin(request);
    return reply.header('cache-control', 'no-store').send(await ctx.defence.waitingRoom.state());
  });

  app.put('/api/v1/admin/waiting-room', {
    schema: { tags: ['operations'], summary: 'Open, close or resize the waiting room on this origin (admin)', body: RoomBody, response: { 200: RoomView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    await admin(request);
    ctx.defence.waitingRoom.update(request.body as Partial<typeof ctx.defence.waitingRoom.settings>);
    request.log.warn({ waitingRoom: request.body }, 'waiting room changed');
    return reply.header('cache-control', 'no-store').send(await ctx.defence.waitingRoom.state());
  });
}
