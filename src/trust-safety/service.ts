import { TribuneError } from '../errors/catalogue.js';
import type { Actor } from '../services/actor.js';
import { accessTo } from '../services/actor.js';
import { iso, type Clock } from '../services/clock.js';
import { newId } from '../services/crypto.js';
import type { SpaceService } from '../services/space-service.js';
import type { StageService } from '../services/stage-service.js';
import type { OutboxEvent } from '../store/outbox.js';
import type { Store } from '../store/store.js';
import type { ContentEffect, TargetLocation } from '../store/trust-safety-store.js';
import { applyQuestionAction } from '../domain/questions.js';
import { appealDeadline, checkCanAppeal, checkCanDecideAppeal } from './appeal-rules.js';
import { verifyChain } from './audit-chain.js';
import { checkDecision, type DecisionInput } from './decision-rules.js';
import { checkNotice, type NoticeInput } from './notice-rules.js';
import { AccountRestrictions } from './restrictions.js';
import type { StatementStoreRequest } from './dsa-format.js';
import type { TransparencyReport } from './report.js';
import { exportStatements, transparencyReport } from './transparency.js';
import { MISUSE_POLICY, notifierVerdict, providerVerdict, windowStart, type MisuseKind } from './misuse-rules.js';
import type { Appeal, Decision, DecisionAction, Notice, QueueItem, TargetType } from './types.js';
import type { User } from '../domain/types.js';
import { requireAccount, requireStaff, SYSTEM_ACTOR, SYSTEM_USER } from './actors.js';
import { DEFAULT_FACTS, DEFAULT_REASONS, type StaffReasons } from './staff-reasons.js';

export type { StaffReasons } from './staff-reasons.js';

const QUEUE_SAMPLE = 5;
/** Decisions whose act reaches the stage before it is recorded (it cannot share the record's transaction). */
const STAGE_ACTS: ReadonlySet<DecisionAction> = new Set(['mute_speaker', 'remove_speaker', 'end_space']);

/**
 * Notice and action the DSA way: notices in (Art. 16), a queue with trusted flaggers first (Art. 22),
 * decisions that each carry a statement of reasons (Art. 17), appeals decided by someone else (Art. 20),
 * and every act in the hash-chained audit log, committed with the act.
 */
export class TrustSafetyService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #spaces: SpaceService;
  readonly #stage: StageService;
  readonly restrictions: AccountRestrictions;
  /** Spaces whose replay a decision in force disabled: checked on every replay request, so kept in memory. */
  readonly #disabledReplays = new Set<string>();
  /** This origin's own enforcements and lifts while a refresh reads: replayed over what the read found, which may predate them. */
  #duringRefresh: Array<() => void> | null = null;
  #refreshing: Promise<void> | null = null;

  constructor(deps: { store: Store; clock: Clock; spaces: SpaceService; stage: StageService }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#spaces = deps.spaces;
    this.#stage = deps.stage;
    this.restrictions = new AccountRestrictions(deps.clock);
  }

  /** Loads the restrictions in force (after a restart). */
  async start(): Promise<void> { await this.refresh(); }

  /**
   * Rebuilds the in-memory restrictions from the decisions in force. Several origins share one store:
   * each refreshes now and then to pick up the decisions and reversals the others recorded.
   */
  refresh(): Promise<void> {
    this.#refreshing ??= (async () => {
      const during: Array<() => void> = [];
      this.#duringRefresh = during;
      let inForce: Decision[];
      try {
        inForce = await this.#store.trustSafety.decisionsInForce(['suspend_account', 'terminate_account', 'disable_replay']);
      } finally {
        this.#duringRefresh = null;
      }
      this.restrictions.clear();
      this.#disabledReplays.clear();
      for (const d of inForce) this.#enforce(d);
      for (const change of during) change();
    })().finally(() => { this.#refreshing = null; });
    return this.#refreshing;
  }

  isReplayDisabled(spaceId: string): boolean { return this.#disabledReplays.has(spaceId); }

  /** What listeners are told about a labelled Space: the category, not the moderator's reasons. */
  async labels(spaceId: string): Promise<Array<{ decisionId: string; category: Decision['category']; decidedAt: string }>> {
    await this.#spaces.get(spaceId);
    return (await this.#store.trustSafety.labelsOf(spaceId)).map((d) => ({ decisionId: d.id, category: d.category, decidedAt: d.decidedAt }));
  }

  // --- Notices (Art. 16) ---

  /** A notice in, with its receipt; `warning` when the account's notices are often manifestly unfounded (Art. 23(2)). */
  async submitNotice(actor: Actor, input: NoticeInput): Promise<{ notice: Notice; warning: string | null }> {
    checkNotice(input);
    const where = await this.#locate(input.targetType, input.targetId);
    let warning: string | null = null;
    if (actor.user) {
      const since = windowStart(this.#clock.now());
      const verdict = notifierVerdict(await this.#store.trustSafety.unfoundedNotices(actor.user.id, since),
        await this.#store.trustSafety.lastWarning(actor.user.id, 'unfounded_notices', since), this.#clock.now());
      if (verdict.kind === 'refuse') throw new TribuneError('NOTIFIER_SUSPENDED', { until: verdict.until }, { details: { until: verdict.until } });
      if (verdict.kind === 'warn') {
        warning = `${verdict.count} of your notices in the last ${MISUSE_POLICY.windowDays} days were manifestly unfounded. `
          + `From ${MISUSE_POLICY.unfoundedBlockAt}, notices from this account are not processed for ${MISUSE_POLICY.noticeBlockDays} days.`;
        await this.#warnOnce(actor.user.id, 'unfounded_notices', verdict.count);
      }
    }
    const trusted = actor.user ? await this.#store.trustSafety.isTrustedFlagger(actor.user.id) : false;
    const now = iso(this.#clock.now());
    const notice: Notice = {
      id: newId('n'), targetType: input.targetType, targetId: input.targetId, spaceId: where.spaceId, atMs: input.atMs ?? null,
      category: input.category, explanation: input.explanation.trim(), notifierName: input.notifierName?.trim() || null,
      notifierEmail: input.notifierEmail?.trim() || null, notifierUserId: actor.user?.id ?? null, trusted, receivedAt: now,
      state: 'open', decisionId: null, closedAt: null,
    };
    // The log keeps what happened, not who the notifier is: it is append-only, personal data does not belong there.
    await this.#store.trustSafety.createNotice(notice, {
      at: now, actorId: actor.user?.id ?? 'anonymous', action: 'notice.received', targetType: notice.targetType, targetId: notice.targetId,
      reason: notice.category, data: { noticeId: notice.id, trusted, atMs: notice.atMs },
    });
    return { notice, warning };
  }

  async myNotices(actor: Actor): Promise<Array<{ notice: Notice; decision: Decision | null }>> {
    const user = requireAccount(actor);
    const notices = await this.#store.trustSafety.noticesByNotifier(user.id, 200);
    return Promise.all(notices.map(async (notice) => ({ notice, decision: notice.decisionId ? await this.#store.trustSafety.decision(notice.decisionId) : null })));
  }

  // --- The work queue (Art. 22 priority) ---

  async queue(actor: Actor, cursor: string | null, limit: number): Promise<{ items: Array<QueueItem & { notices: Notice[] }>; next: string | null }> {
    requireStaff(actor);
    const items = await this.#store.trustSafety.queue(cursor, limit);
    const withNotices = await Promise.all(items.map(async (item) => ({
      ...item, notices: await this.#store.trustSafety.openNoticesOf(item.targetType, item.targetId, QUEUE_SAMPLE),
    })));
    return { items: withNotices, next: items.length === limit ? items.at(-1)!.rankKey : null };
  }

  // --- Decisions (Art. 17) ---

  /** A moderator's decision on a target: applies the restriction, then records it with its statement of reasons. */
  async decide(actor: Actor, input: DecisionInput): Promise<Decision> {
    const staff = requireStaff(actor);
    checkDecision(input, this.#clock.now());
    const where = await this.#locate(input.targetType, input.targetId);
    const { undo, effect } = await this.#apply(actor, input, where);
    return this.#record(staff, input, where, undo, effect, { actedOnStage: STAGE_ACTS.has(input.action) });
  }

  /**
   * Called after a stage control (mute, remove, dismiss, end) succeeded. When platform staff used it
   * from outside the Space's own hosts, it was a restriction by the provider: it gets its statement.
   */
  async staffActed(actor: Actor, act: { action: DecisionAction; targetType: TargetType; targetId: string; spaceId: string; undo?: Record<string, unknown> }, reasons: StaffReasons = {}): Promise<Decision | null> {
    const user = actor.user;
    if (!user || user.platformRole === 'user') return null;
    const space = await this.#spaces.get(act.spaceId);
    const { seat } = await accessTo(this.#store, actor, space);
    if (seat && seat.role !== 'speaker') return null; // a moderator hosting their own Space acts as its host
    const where = await this.#locate(act.targetType, act.targetId);
    const input: DecisionInput = {
      targetType: act.targetType, targetId: act.targetId, action: act.action,
      ground: reasons.ground ?? DEFAULT_REASONS.ground,
      legalGround: reasons.legalGround,
      termsClause: reasons.termsClause ?? (reasons.ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? undefined : DEFAULT_REASONS.termsClause),
      explanation: reasons.explanation ?? 'The content was incompatible with the terms of service for live Spaces.',
      facts: reasons.facts ?? DEFAULT_FACTS[act.action] ?? 'A platform moderator restricted the content.',
      category: reasons.category ?? DEFAULT_REASONS.category,
    };
    checkDecision(input, this.#clock.now());
    return this.#record(user, input, where, act.undo ?? null, undefined, { actedOnStage: true });
  }

  async decision(actor: Actor, id: string): Promise<Decision> {
    const user = requireAccount(actor);
    const d = await this.#store.trustSafety.decision(id);
    if (!d || (d.affectedUserId !== user.id && user.platformRole === 'user')) throw new TribuneError('DECISION_NOT_FOUND', { decisionId: id });
    return d;
  }

  /** One decision with the appeal against it, if any (the statement of reasons as its addressee sees it). */
  async decisionWithAppeal(actor: Actor, id: string): Promise<{ decision: Decision; appeal: Appeal | null }> {
    const decision = await this.decision(actor, id);
    return { decision, appeal: await this.#store.trustSafety.appealOf(decision.id) };
  }

  /** The period's statements of reasons in the Transparency Database format: staff only. */
  async exportStatements(actor: Actor, from: string, to: string): Promise<StatementStoreRequest[]> {
    const user = requireAccount(actor);
    if (user.platformRole === 'user') throw new TribuneError('FORBIDDEN', { role: 'listener', action: 'export statements of reasons' });
    return exportStatements(this.#store, from, to);
  }

  /** The public transparency report of the period. */
  transparencyReport(from: string, to: string): Promise<TransparencyReport> {
    return transparencyReport(this.#store, from, to);
  }

  /** The statements of reasons addressed to me, with where each appeal stands. */
  async myStatements(actor: Actor): Promise<{ statements: Array<{ decision: Decision; appeal: Appeal | null; appealUntil: string }>; warnings: Array<{ kind: MisuseKind; at: string }> }> {
    const user = requireAccount(actor);
    const decisions = await this.#store.trustSafety.decisionsAffecting(user.id, 200);
    const statements = await Promise.all(decisions.map(async (decision) => ({
      decision, appeal: await this.#store.trustSafety.appealOf(decision.id), appealUntil: appealDeadline(decision.decidedAt),
    })));
    return { statements, warnings: await this.#store.trustSafety.warnings(user.id, windowStart(this.#clock.now())) };
  }

  // --- Appeals (Art. 20) ---

  async appeal(actor: Actor, decisionId: string, explanation: string): Promise<Appeal> {
    const user = requireAccount(actor);
    const decision = await this.#store.trustSafety.decision(decisionId);
    if (!decision) throw new TribuneError('DECISION_NOT_FOUND', { decisionId });
    const notified = decision.action === 'no_action' && (await Promise.all(decision.noticeIds.map((id) => this.#store.trustSafety.notice(id))))
      .some((n) => n?.notifierUserId === user.id);
    checkCanAppeal(decision, user.id, this.#clock.now(), await this.#store.trustSafety.appealOf(decisionId), notified);
    const now = iso(this.#clock.now());
    const appeal: Appeal = {
      id: newId('ap'), decisionId, appellantId: user.id, explanation: explanation.trim(), submittedAt: now, state: 'open',
      decidedBy: null, decidedAt: null, reasons: null,
    };
    const lodged = await this.#store.trustSafety.createAppeal(appeal, {
      at: now, actorId: user.id, action: 'appeal.lodged', targetType: 'decision', targetId: decisionId, reason: 'Art. 20 complaint', data: { appealId: appeal.id },
    });
    if (!lodged) throw new TribuneError('APPEAL_EXISTS', { appealId: (await this.#store.trustSafety.appealOf(decisionId))?.id ?? '' });
    return appeal;
  }

  async openAppeals(actor: Actor): Promise<Array<{ appeal: Appeal; decision: Decision }>> {
    requireStaff(actor);
    const appeals = await this.#store.trustSafety.openAppeals(200);
    return Promise.all(appeals.map(async (appeal) => ({ appeal, decision: (await this.#store.trustSafety.decision(appeal.decisionId))! })));
  }

  /** Upholds or reverses; a reversal undoes what can be undone (a replay back, an account reinstated). */
  async decideAppeal(actor: Actor, appealId: string, outcome: { reverse: boolean; reasons: string }): Promise<{ appeal: Appeal; decision: Decision }> {
    const staff = requireStaff(actor);
    const appeal = await this.#store.trustSafety.appeal(appealId);
    if (!appeal) throw new TribuneError('APPEAL_NOT_FOUND', { appealId });
    const decision = (await this.#store.trustSafety.decision(appeal.decisionId))!;
    checkCanDecideAppeal(appeal, decision, staff.id);
    const now = iso(this.#clock.now());
    const answered: Appeal = { ...appeal, state: outcome.reverse ? 'reversed' : 'upheld', decidedBy: staff.id, decidedAt: now, reasons: outcome.reasons.trim() };
    const effect = outcome.reverse ? undoEffect(decision) : undefined;
    const answeredNow = await this.#store.trustSafety.decideAppeal(answered, outcome.reverse, {
      at: now, actorId: staff.id, action: outcome.reverse ? 'appeal.reversed' : 'appeal.upheld', targetType: 'decision', targetId: decision.id,
      reason: answered.reasons ?? '', data: { appealId },
    }, effect, effectEvents(decision.spaceId, effect));
    if (!answeredNow) throw new TribuneError('APPEAL_ALREADY_DECIDED', { state: (await this.#store.trustSafety.appeal(appealId))?.state ?? 'decided' });
    if (outcome.reverse) this.#lift(decision);
    return { appeal: answered, decision: (await this.#store.trustSafety.decision(decision.id))! };
  }

  // --- Trusted flaggers (Art. 22), the audit log ---

  async setTrustedFlagger(actor: Actor, userId: string, trusted: boolean): Promise<void> {
    const admin = requireStaff(actor);
    if (admin.platformRole !== 'admin') throw new TribuneError('FORBIDDEN', { role: admin.platformRole, action: 'grant trusted-flagger status' });
    if (!(await this.#store.users.byId(userId))) throw new TribuneError('USER_NOT_FOUND', { userId });
    await this.#store.trustSafety.setTrustedFlagger(userId, trusted, admin.id, {
      at: iso(this.#clock.now()), actorId: admin.id, action: trusted ? 'trusted-flagger.granted' : 'trusted-flagger.revoked',
      targetType: 'user', targetId: userId, reason: 'Art. 22', data: {},
    });
  }

  async verifyAudit(actor: Actor): Promise<{ ok: boolean; entries: number; brokenAt: number | null }> {
    requireStaff(actor);
    const store = this.#store.trustSafety;
    async function* all() {
      for (let after = 0; ;) {
        const page = await store.auditEntries(after, 1000);
        yield* page;
        if (page.length < 1000) return;
        after = page.at(-1)!.seq;
      }
    }
    const entries = [];
    for await (const e of all()) entries.push(e);
    return verifyChain(entries);
  }

  async auditEntries(actor: Actor, afterSeq: number, limit: number) {
    requireStaff(actor);
    return this.#store.trustSafety.auditEntries(afterSeq, limit);
  }

  // --- internals ---

  async #locate(targetType: TargetType, targetId: string): Promise<TargetLocation> {
    const where = await this.#store.trustSafety.locate(targetType, targetId);
    if (!where) throw new TribuneError('NOTICE_TARGET_NOT_FOUND', { targetType, targetId });
    return where;
  }

  /**
   * Applies what cannot share the decision's transaction (the stage and the media: a mute reaches the
   * mixer at once) and returns the content changes that can, for #record to commit with the decision.
   */
  async #apply(actor: Actor, input: DecisionInput, where: TargetLocation): Promise<{ undo: Record<string, unknown> | null; effect?: ContentEffect }> {
    const spaceId = where.spaceId ?? '';
    const needsSeat = input.action === 'mute_speaker' || input.action === 'remove_speaker';
    if (needsSeat && !input.targetId.startsWith('p_')) throw new TribuneError('DECISION_NOT_APPLICABLE', { action: input.action, targetType: 'account (give the stage seat)' });
    // A takedown is of the replay: while the Space is live the same URLs carry the live programme.
    if (input.action === 'disable_replay' && where.spaceState !== 'ended') throw new TribuneError('SPACE_STATE_CONFLICT', { state: where.spaceState ?? 'unknown', action: 'disable the replay' });
    switch (input.action) {
      case 'mute_speaker': await this.#stage.setMuted(actor, spaceId, input.targetId, true); return { undo: null };
      case 'remove_speaker': await this.#stage.remove(actor, spaceId, input.targetId); return { undo: null };
      case 'end_space': await this.#spaces.transition(actor, input.targetId, 'end'); return { undo: null };
      case 'dismiss_question': {
        const question = await this.#store.questions.byId(spaceId, input.targetId);
        if (!question) throw new TribuneError('QUESTION_NOT_FOUND', { questionId: input.targetId });
        return { undo: { state: question.state }, effect: { kind: 'question-state', questionId: question.id, state: applyQuestionAction(question, 'dismiss') } };
      }
      case 'hide_note': return { undo: null, effect: { kind: 'note-hidden', noteId: input.targetId, hidden: true } };
      case 'suspend_account': case 'terminate_account':
        if (!where.ownerId) throw new TribuneError('DECISION_NOT_APPLICABLE', { action: input.action, targetType: 'guest seat' });
        return { undo: null };
      case 'disable_replay': case 'label': case 'no_action': return { undo: null };
    }
  }

  /**
   * Each notice gets one decision: when another decision answered the notices first, a decision that
   * only changes records is refused (409), but one whose act already happened on the stage (a mute, a
   * removal, an end, or the system's suspension) is recorded all the same, answering the notices still
   * open: a restriction is never left without its statement of reasons.
   */
  async #record(staff: User, input: DecisionInput, where: TargetLocation, undo: Record<string, unknown> | null, effect?: ContentEffect,
    options: { actedOnStage: boolean } = { actedOnStage: true }): Promise<Decision> {
    for (let attempt = 1; ; attempt++) {
      const decision = await this.#recordOnce(staff, input, where, undo, effect);
      if (decision) return decision;
      if (!options.actedOnStage || attempt === 3) throw new TribuneError('NOTICES_ALREADY_DECIDED', { targetType: input.targetType });
    }
  }

  async #recordOnce(staff: User, input: DecisionInput, where: TargetLocation, undo: Record<string, unknown> | null, effect?: ContentEffect): Promise<Decision | null> {
    const notices = await this.#store.trustSafety.openNoticesOf(input.targetType, input.targetId, 10_000);
    const now = iso(this.#clock.now());
    const decision: Decision = {
      id: newId('d'), action: input.action, targetType: input.targetType, targetId: input.targetId, spaceId: where.spaceId,
      atMs: input.atMs ?? notices.find((n) => n.atMs !== null)?.atMs ?? null,
      affectedUserId: where.ownerId, ground: input.ground,
      legalGround: input.ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? input.legalGround!.trim() : null,
      termsClause: input.ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT' ? input.termsClause!.trim() : null,
      explanation: input.explanation.trim(), facts: input.facts.trim(), category: input.category, keywords: input.keywords ?? [],
      source: notices.some((n) => n.trusted) ? 'trusted_flagger' : notices.length ? 'notice' : 'own_initiative',
      noticeIds: notices.map((n) => n.id), contentDate: where.createdAt, contentLanguage: where.language,
      decidedBy: staff.id, decidedAt: now, endsAt: input.action === 'suspend_account' ? new Date(input.endsAt!).toISOString() : null,
      undo, state: 'in_force', reversedAt: null,
      manifestlyIllegal: input.action !== 'no_action' && input.manifestlyIllegal === true, automated: staff.id === SYSTEM_ACTOR,
    };
    const recorded = await this.#store.trustSafety.recordDecision(decision, {
      unfounded: input.action === 'no_action' && input.manifestlyUnfounded === true, effect, events: effectEvents(where.spaceId, effect),
    }, {
      at: now, actorId: staff.id, action: `decision.${input.action}`, targetType: input.targetType, targetId: input.targetId,
      reason: input.ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? `${input.category}: ${decision.legalGround}` : `${input.category}: ${decision.termsClause}`,
      data: { decisionId: decision.id, notices: decision.noticeIds.length, source: decision.source },
    });
    if (!recorded) return null;
    this.#enforce(decision);
    if (decision.manifestlyIllegal && decision.affectedUserId) await this.#repeatOffender(decision);
    return decision;
  }

  /** Art. 23(1): a warning at the second manifestly illegal item in the window, a suspension at the third. */
  async #repeatOffender(d: Decision): Promise<void> {
    const userId = d.affectedUserId!;
    const now = this.#clock.now();
    const since = windowStart(now);
    const verdict = providerVerdict(await this.#store.trustSafety.manifestlyIllegalCount(userId, since),
      await this.#store.trustSafety.lastWarning(userId, 'manifestly_illegal', since), now);
    if (verdict.kind === 'warn') await this.#warnOnce(userId, 'manifestly_illegal', verdict.count);
    if (verdict.kind !== 'suspend') return;
    const facts = `The account provided manifestly illegal content ${verdict.count} times within ${MISUSE_POLICY.windowDays} days, after a warning; `
      + `it is suspended for ${MISUSE_POLICY.suspensionDays} days under the misuse policy.`;
    await this.#record(SYSTEM_USER, {
      targetType: 'user', targetId: userId, action: 'suspend_account', ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
      termsClause: 'Terms of service, misuse policy (repeated manifestly illegal content, DSA Art. 23(1))',
      explanation: facts, facts, category: d.category, endsAt: verdict.until,
    }, await this.#locate('user', userId), null);
  }

  async #warnOnce(userId: string, kind: MisuseKind, count: number): Promise<void> {
    const since = windowStart(this.#clock.now());
    if (await this.#store.trustSafety.lastWarning(userId, kind, since)) return;
    await this.#store.trustSafety.warn(userId, kind, {
      at: iso(this.#clock.now()), actorId: SYSTEM_ACTOR, action: `misuse.warning.${kind}`, targetType: 'user', targetId: userId,
      reason: 'DSA Art. 23', data: { count },
    });
  }

  #enforce(d: Decision): void {
    this.#duringRefresh?.push(() => this.#enforce(d));
    if (d.action === 'disable_replay' && d.spaceId) this.#disabledReplays.add(d.spaceId);
    if ((d.action === 'suspend_account' || d.action === 'terminate_account') && d.affectedUserId) {
      this.restrictions.restrict(d.affectedUserId, d.id, d.action === 'terminate_account' ? 'terminated' : 'suspended', d.endsAt);
    }
  }

  /** The in-memory side of a reversal (the store side is `undoEffect`, committed with the appeal). */
  #lift(d: Decision): void {
    this.#duringRefresh?.push(() => this.#lift(d));
    if (d.action === 'disable_replay' && d.spaceId) this.#disabledReplays.delete(d.spaceId);
    if ((d.action === 'suspend_account' || d.action === 'terminate_account') && d.affectedUserId) this.restrictions.lift(d.affectedUserId, d.id);
  }
}

/**
 * What reversing a decision changes in the content, where it can be undone. A mute, a removal or an
 * ended broadcast is over once done: the reversal stands in the record.
 */
function undoEffect(d: Decision): ContentEffect | undefined {
  switch (d.action) {
    case 'dismiss_question': return { kind: 'question-state', questionId: d.targetId, state: d.undo?.state === 'approved' ? 'approved' : 'pending' };
    case 'hide_note': return { kind: 'note-hidden', noteId: d.targetId, hidden: false };
    // Not acting was wrong: the notices go back to the queue for a decision that acts.
    case 'no_action': return { kind: 'reopen-notices', decisionId: d.id };
    default: return undefined;
  }
}

/** A question the decision (or its reversal) changes is announced in the same transaction (the outbox). */
function effectEvents(spaceId: string | null, effect: ContentEffect | undefined): readonly OutboxEvent[] | undefined {
  if (effect?.kind !== 'question-state' || !spaceId) return undefined;
  return [{ spaceId, event: { type: 'question.updated', questionId: effect.questionId, state: effect.state, votes: 0, highlighted: false } }];
}
