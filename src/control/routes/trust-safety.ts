import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { TribuneError } from '../../errors/catalogue.js';
import type { DecisionInput } from '../../trust-safety/decision-rules.js';
import type { NoticeInput } from '../../trust-safety/notice-rules.js';
import type { ControlContext } from '../context.js';
import { publicBaseUrl } from '../presenters.js';
import { addressKey, admit } from '../rate-limits.js';
import { actorOf } from '../request-context.js';
import { credentialOf } from '../../http/credentials.js';
import { ErrorBody, Id, SpaceParams } from '../schemas.js';
import { trustSafetyMetrics } from '../trust-safety-metrics.js';
import { presentAppeal, presentNoticeForQueue, presentStatement } from '../trust-safety-presenters.js';
import {
  AppealBody, AppealDecisionBody, AppealOutcome, AppealParams, AppealQueue, AppealView, AuditQuery, AuditVerification, AuditView,
  DecisionBody, DecisionParams, LabelList, MyNotices, NoticeBody, NoticeReceipt, QueueQuery, QueueView, StatementList, StatementView, TrustedFlaggerBody,
} from '../trust-safety-schemas.js';

const NoContent = { 204: Type.Null(), '4xx': ErrorBody };
/** What a restricted account may still do: read, log in and out, see its statements and appeal them. */
const OPEN_TO_RESTRICTED = ['/api/v1/auth/', '/api/v1/appeals', '/api/v1/me'];
/** The audience's anonymous-grade writes (listening, reacting): never worth a session lookup. */
const AUDIENCE_WRITE = /^\/api\/v1\/(listener-token|spaces\/[^/]+\/(heartbeat|reactions))(\?|$)/;

export function trustSafetyRoutes(app: FastifyInstance, ctx: ControlContext): void {
  const ts = ctx.trustSafety;
  const actor = (request: FastifyRequest) => actorOf(request, ctx.auth);

  // A suspended or terminated account cannot write; checked only on writes that carry a credential.
  app.addHook('preHandler', async (request) => {
    if (ts.restrictions.empty || request.method === 'GET' || request.method === 'HEAD' || !request.url.startsWith('/api/')) return;
    if (OPEN_TO_RESTRICTED.some((p) => request.url.startsWith(p)) || AUDIENCE_WRITE.test(request.url) || !credentialOf(request.headers)) return;
    const who = await actor(request).catch(() => null);
    const restriction = who?.user ? ts.restrictions.current(who.user.id) : null;
    if (restriction) {
      throw new TribuneError('ACCOUNT_RESTRICTED', { state: restriction.state, until: restriction.until ? ` until ${restriction.until}` : '' },
        { details: { decisionId: restriction.decisionId } });
    }
  });
  // A disabled replay is not served, whatever its file names (the Space is over: no live media shares them).
  app.addHook('onRequest', async (request) => {
    const m = /^\/hls\/([^/?]+)\//.exec(request.url);
    if (m && ts.isReplayDisabled(m[1]!)) throw new TribuneError('REPLAY_NOT_AVAILABLE', { spaceId: m[1] });
  });

  app.post('/api/v1/notices', {
    schema: { tags: ['trust-safety'], summary: 'Report content (DSA Art. 16 notice); anyone may, logged in or not', body: NoticeBody, response: { 201: NoticeReceipt, '4xx': ErrorBody } },
  }, async (request, reply) => {
    await admit(ctx.limits.noticesPerAddress, addressKey(request));
    const who = await actor(request);
    if (who.user) await admit(ctx.limits.notices, `u:${who.user.id}`);
    const { notice, warning } = await ts.submitNotice(who, request.body as NoticeInput);
    trustSafetyMetrics.notices.inc({ category: notice.category, trusted: String(notice.trusted) });
    return reply.code(201).send({ id: notice.id, receivedAt: notice.receivedAt, ...(warning ? { warning } : {}) });
  });

  app.get('/api/v1/me/notices', {
    schema: { tags: ['trust-safety'], summary: 'My notices and what was decided on them', response: { 200: MyNotices, '4xx': ErrorBody } },
  }, async (request) => ({
    notices: (await ts.myNotices(await actor(request))).map(({ notice: n, decision: d }) => ({
      id: n.id, targetType: n.targetType, targetId: n.targetId, category: n.category, receivedAt: n.receivedAt, state: n.state,
      decision: d ? { id: d.id, action: d.action, decidedAt: d.decidedAt, state: d.state } : null,
    })),
  }));

  app.get('/api/v1/moderation/queue', {
    schema: { tags: ['trust-safety'], summary: 'Reported targets, trusted flaggers\' first then oldest; paged by cursor (staff)', querystring: QueueQuery, response: { 200: QueueView, '4xx': ErrorBody } },
  }, async (request) => {
    const { cursor, limit } = request.query as { cursor?: string; limit?: string };
    const page = await ts.queue(await actor(request), cursor ?? null, Math.min(Number(limit ?? 50), 200));
    const base = publicBaseUrl(ctx.config.publicUrl);
    return {
      next: page.next,
      items: page.items.map((item) => {
        const at = item.notices.find((n) => n.atMs !== null)?.atMs;
        return {
          targetType: item.targetType, targetId: item.targetId, spaceId: item.spaceId, openNotices: item.openNotices,
          trustedNotices: item.trustedNotices, firstAt: item.firstAt, lastAt: item.lastAt,
          listenUrl: item.spaceId ? `${base}/s/${item.spaceId}${typeof at === 'number' ? `#t=${Math.floor(at / 1000)}` : ''}` : null,
          notices: item.notices.map(presentNoticeForQueue),
        };
      }),
    };
  });

  app.post('/api/v1/moderation/decisions', {
    schema: { tags: ['trust-safety'], summary: 'Decide on a target: apply a restriction with its statement of reasons (staff)', body: DecisionBody, response: { 201: StatementView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    const decision = await ts.decide(await actor(request), request.body as DecisionInput);
    trustSafetyMetrics.decisions.inc({ action: decision.action });
    return reply.code(201).send(presentStatement(decision, null));
  });

  app.get('/api/v1/me/statements', {
    schema: { tags: ['trust-safety'], summary: 'The statements of reasons for restrictions on my content or account (Art. 17)', response: { 200: StatementList, '4xx': ErrorBody } },
  }, async (request) => {
    const mine = await ts.myStatements(await actor(request));
    return { statements: mine.statements.map(({ decision, appeal }) => presentStatement(decision, appeal)), warnings: mine.warnings };
  });

  app.get('/api/v1/decisions/:decisionId', {
    schema: { tags: ['trust-safety'], summary: 'One statement of reasons (the person it concerns, or staff)', params: DecisionParams, response: { 200: StatementView, '4xx': ErrorBody } },
  }, async (request) => {
    const { decisionId } = request.params as { decisionId: string };
    const { decision, appeal } = await ts.decisionWithAppeal(await actor(request), decisionId);
    return presentStatement(decision, appeal);
  });

  app.post('/api/v1/appeals', {
    schema: { tags: ['trust-safety'], summary: 'Appeal a decision (Art. 20): free, within six months', body: AppealBody, response: { 201: AppealView, '4xx': ErrorBody } },
  }, async (request, reply) => {
    const who = await actor(request);
    if (who.user) await admit(ctx.limits.notices, `appeal:${who.user.id}`);
    const { decisionId, explanation } = request.body as { decisionId: string; explanation: string };
    const appeal = await ts.appeal(who, decisionId, explanation);
    trustSafetyMetrics.appeals.inc({ outcome: 'open' });
    return reply.code(201).send(presentAppeal(appeal));
  });

  app.get('/api/v1/moderation/appeals', {
    schema: { tags: ['trust-safety'], summary: 'Open appeals, oldest first (staff)', response: { 200: AppealQueue, '4xx': ErrorBody } },
  }, async (request) => ({
    appeals: (await ts.openAppeals(await actor(request))).map(({ appeal, decision }) => ({ appeal: presentAppeal(appeal), statement: presentStatement(decision, appeal) })),
  }));

  app.post('/api/v1/moderation/appeals/:appealId/decision', {
    schema: { tags: ['trust-safety'], summary: 'Uphold or reverse (staff other than the original decider)', params: AppealParams, body: AppealDecisionBody, response: { 200: AppealOutcome, '4xx': ErrorBody } },
  }, async (request) => {
    const { appealId } = request.params as { appealId: string };
    const { outcome, reasons } = request.body as { outcome: 'upheld' | 'reversed'; reasons: string };
    const result = await ts.decideAppeal(await actor(request), appealId, { reverse: outcome === 'reversed', reasons });
    trustSafetyMetrics.appeals.inc({ outcome });
    return { appeal: presentAppeal(result.appeal), statement: presentStatement(result.decision, result.appeal) };
  });

  app.put('/api/v1/users/:userId/trusted-flagger', {
    schema: { tags: ['trust-safety'], summary: 'Grant or revoke trusted-flagger status (Art. 22; admins)', params: Type.Object({ userId: Id }, { additionalProperties: false }), body: TrustedFlaggerBody, response: NoContent },
  }, async (request, reply) => {
    const { userId } = request.params as { userId: string };
    await ts.setTrustedFlagger(await actor(request), userId, (request.body as { trusted: boolean }).trusted);
    return reply.code(204).send();
  });

  app.get('/api/v1/spaces/:spaceId/labels', {
    schema: { tags: ['trust-safety'], summary: 'Labels moderators put on the Space (shown to listeners)', params: SpaceParams, response: { 200: LabelList, '4xx': ErrorBody } },
  }, async (request, reply) => {
    const { spaceId } = request.params as { spaceId: string };
    return reply.header('cache-control', 'public, max-age=30').send({ labels: await ts.labels(spaceId) });
  });

  app.get('/api/v1/moderation/audit', {
    schema: { tags: ['trust-safety'], summary: 'The audit log of moderation acts, in order (staff)', querystring: AuditQuery, response: { 200: AuditView, '4xx': ErrorBody } },
  }, async (request) => {
    const { after, limit } = request.query as { after?: string; limit?: string };
    return { entries: await ts.auditEntries(await actor(request), Number(after ?? 0), Math.min(Number(limit ?? 100), 500)) };
  });

  app.get('/api/v1/moderation/audit/verify', {
    schema: { tags: ['trust-safety'], summary: 'Walk the hash chain of the audit log (staff)', response: { 200: AuditVerification, '4xx': ErrorBody } },
  }, async (request) => ts.verifyAudit(await actor(request)));
}
