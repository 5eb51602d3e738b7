import type { Appeal, Decision, Notice } from './types.js';

/** The transparency report's figures for a period (DSA Art. 15 and 24): pure arithmetic over the records. */
export interface TransparencyReport {
  readonly from: string;
  readonly to: string;
  readonly notices: { readonly total: number; readonly byCategory: Record<string, number>; readonly bySource: Record<string, number> };
  readonly decisions: {
    readonly total: number;
    readonly byAction: Record<string, number>;
    readonly byGround: Record<string, number>;
    readonly bySource: Record<string, number>;
    /** Median hours from the first notice on a target to the decision on it. */
    readonly medianHoursNoticeToDecision: number | null;
    readonly automatedDetectionShare: number;
    readonly automatedDecisionShare: number;
  };
  readonly appeals: { readonly total: number; readonly byOutcome: Record<string, number>; readonly medianHoursToDecide: number | null };
  readonly suspensions: { readonly accountsSuspended: number; readonly accountsTerminated: number };
}

export function buildReport(period: { from: string; to: string }, notices: readonly Notice[], decisions: readonly Decision[], appeals: readonly Appeal[], noticeTimes: ReadonlyMap<string, string>): TransparencyReport {
  const count = <T>(items: readonly T[], key: (t: T) => string) => {
    const out: Record<string, number> = {};
    for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
    return out;
  };
  const restrictions = decisions.filter((d) => d.action !== 'no_action');
  const delays = decisions.flatMap((d) => {
    const times = d.noticeIds.map((id) => noticeTimes.get(id)).filter((t): t is string => t !== undefined).map(Date.parse);
    return times.length ? [(Date.parse(d.decidedAt) - Math.min(...times)) / 3_600_000] : [];
  });
  const decided = appeals.filter((a) => a.decidedAt);
  return {
    from: period.from, to: period.to,
    notices: {
      total: notices.length,
      byCategory: count(notices, (n) => n.category),
      bySource: count(notices, (n) => (n.trusted ? 'trusted_flagger' : n.notifierUserId ? 'account' : 'anonymous')),
    },
    decisions: {
      total: decisions.length,
      byAction: count(decisions, (d) => d.action),
      byGround: count(restrictions, (d) => d.ground),
      bySource: count(decisions, (d) => d.source),
      medianHoursNoticeToDecision: median(delays),
      // Detection is always a person's (a notice or a moderator); only the Art. 23 suspension is taken by a rule.
      automatedDetectionShare: 0,
      automatedDecisionShare: decisions.length ? Math.round(decisions.filter((d) => d.automated).length / decisions.length * 1000) / 1000 : 0,
    },
    appeals: {
      total: appeals.length,
      byOutcome: count(appeals, (a) => a.state),
      medianHoursToDecide: median(decided.map((a) => (Date.parse(a.decidedAt!) - Date.parse(a.submittedAt)) / 3_600_000)),
    },
    suspensions: {
      accountsSuspended: new Set(restrictions.filter((d) => d.action === 'suspend_account').map((d) => d.affectedUserId)).size,
      accountsTerminated: new Set(restrictions.filter((d) => d.action === 'terminate_account').map((d) => d.affectedUserId)).size,
    },
  };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const m = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(m * 100) / 100;
}
