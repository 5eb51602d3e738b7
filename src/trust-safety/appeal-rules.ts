import { TribuneError } from '../errors/catalogue.js';
import type { Appeal, Decision } from './types.js';

/** Art. 20(1): complaints can be lodged for at least six months after the decision. */
export function appealDeadline(decidedAt: string): string {
  const d = new Date(decidedAt);
  d.setUTCMonth(d.getUTCMonth() + 6);
  return d.toISOString();
}

/**
 * Who may appeal (Art. 20(1)): the person a restriction falls on, and, against a decision not to act,
 * whoever sent one of the notices it answered.
 */
export function checkCanAppeal(decision: Decision, appellantId: string, nowMs: number, existing: Appeal | null, appellantNotified: boolean): void {
  if (decision.action === 'no_action') {
    if (!appellantNotified) throw new TribuneError('APPEAL_NOT_ALLOWED', { reason: 'only those who sent the notices may appeal a decision not to act' });
  } else if (decision.affectedUserId !== appellantId) {
    throw new TribuneError('APPEAL_NOT_ALLOWED', { reason: 'only the person the decision affects may appeal it' });
  }
  if (nowMs > Date.parse(appealDeadline(decision.decidedAt))) throw new TribuneError('APPEAL_WINDOW_CLOSED', { deadline: appealDeadline(decision.decidedAt) });
  if (existing) throw new TribuneError('APPEAL_EXISTS', { appealId: existing.id });
}

/** Art. 20(6): decided under human supervision, and not by the person who took the decision. */
export function checkCanDecideAppeal(appeal: Appeal, decision: Decision, deciderId: string): void {
  if (appeal.state !== 'open') throw new TribuneError('APPEAL_ALREADY_DECIDED', { state: appeal.state });
  if (decision.decidedBy === deciderId) throw new TribuneError('APPEAL_SAME_DECIDER');
}
