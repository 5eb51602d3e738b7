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

/** Proof-of-work challenges for clients, and the defences' state and switch for admins. */
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
}
