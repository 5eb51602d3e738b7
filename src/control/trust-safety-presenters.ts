import { appealDeadline } from '../trust-safety/appeal-rules.js';
import { toStatement } from '../trust-safety/to-statement.js';
import type { Appeal, Decision, Notice } from '../trust-safety/types.js';

export function presentAppeal(a: Appeal) {
  return { id: a.id, decisionId: a.decisionId, explanation: a.explanation, submittedAt: a.submittedAt, state: a.state, decidedAt: a.decidedAt, reasons: a.reasons };
}

/** A statement of reasons as the person it concerns reads it (Art. 17(3)), with the way to contest it. */
export function presentStatement(d: Decision, appeal: Appeal | null) {
  const s = toStatement(d);
  const restriction: Record<string, unknown> = {};
  if (s) {
    for (const key of ['decision_visibility', 'decision_visibility_other', 'decision_provision', 'decision_account', 'end_date_account_restriction'] as const) {
      if (s[key] !== undefined) restriction[key] = s[key];
    }
  }
  const appealUntil = appealDeadline(d.decidedAt);
  return {
    id: d.id, action: d.action, target: { type: d.targetType, id: d.targetId, spaceId: d.spaceId, atMs: d.atMs }, restriction,
    ground: d.ground, legalGround: d.legalGround, termsClause: d.termsClause, explanation: d.explanation, facts: d.facts, category: d.category,
    source: d.source, automated: d.automated, decidedAt: d.decidedAt, endsAt: d.endsAt, state: d.state, reversedAt: d.reversedAt,
    appeal: appeal ? presentAppeal(appeal) : null, appealUntil,
    redress: `Appeal free of charge until ${appealUntil.slice(0, 10)} (POST /api/v1/appeals, or the statements page); `
      + 'a certified out-of-court dispute settlement body (DSA Art. 21) or a court remain open to you.',
  };
}

export function presentNoticeForQueue(n: Notice) {
  return { id: n.id, category: n.category, explanation: n.explanation, atMs: n.atMs, trusted: n.trusted, receivedAt: n.receivedAt };
}
