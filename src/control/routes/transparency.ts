import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ControlContext } from '../context.js';
import { actorOf } from '../request-context.js';
import { ErrorBody } from '../schemas.js';
import { PeriodQuery } from '../trust-safety-schemas.js';

const Counts = Type.Record(Type.String(), Type.Integer());
const ReportView = Type.Object({
  from: Type.String(), to: Type.String(),
  notices: Type.Object({ total: Type.Integer(), byCategory: Counts, bySource: Counts }),
  decisions: Type.Object({
    total: Type.Integer(), byAction: Counts, byGround: Counts, bySource: Counts,
    medianHoursNoticeToDecision: Type.Union([Type.Number(), Type.Null()]), automatedDetectionShare: Type.Number(), automatedDecisionShare: Type.Number(),
  }),
  appeals: Type.Object({ total: Type.Integer(), byOutcome: Counts, medianHoursToDecide: Type.Union([Type.Number(), Type.Null()]) }),
  suspensions: Type.Object({ accountsSuspended: Type.Integer(), accountsTerminated: Type.Integer() }),
});

export function transparencyRoutes(app: FastifyInstance, ctx: ControlContext): void {
  app.get('/api/v1/transparency/statements', {
    schema: {
      tags: ['transparency'], summary: 'Statements of reasons of the period in the DSA Transparency Database format (staff)', querystring: PeriodQuery,
      response: { 200: Type.Object({ statements: Type.Array(Type.Record(Type.String(), Type.Unknown())) }), '4xx': ErrorBody },
    },
  }, async (request) => {
    const { from, to } = request.query as { from: string; to: string };
    return { statements: await ctx.trustSafety.exportStatements(await actorOf(request, ctx.auth), from, to) };
  });

  app.get('/api/v1/transparency/report', {
    schema: { tags: ['transparency'], summary: 'The transparency report of the period (public)', querystring: PeriodQuery, response: { 200: ReportView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    const { from, to } = request.query as { from: string; to: string };
    return reply.header('cache-control', 'public, max-age=300').send(await ctx.trustSafety.transparencyReport(from, to));
  });
}
