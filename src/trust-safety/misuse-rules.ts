/**
 * DSA Art. 23, as rules: after a warning, suspend for a reasonable time the accounts that frequently
 * provide manifestly illegal content, and stop processing for a while the notices of accounts that
 * frequently send manifestly unfounded ones. Counts are over a sliding window; reversed decisions and
 * notices never count.
 */
export const MISUSE_POLICY = {
  windowDays: 90,
  unfoundedWarnAt: 3,
  unfoundedBlockAt: 5,
  noticeBlockDays: 30,
  illegalWarnAt: 2,
  illegalSuspendAt: 3,
  suspensionDays: 14,
} as const;

export type MisuseKind = 'unfounded_notices' | 'manifestly_illegal';

export type NotifierVerdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'warn'; readonly count: number }
  | { readonly kind: 'refuse'; readonly until: string };

const DAY = 86_400_000;

/** What to do with a new notice from an account, given its manifestly unfounded ones in the window. */
export function notifierVerdict(unfounded: { count: number; lastAt: string | null }, warnedAt: string | null, nowMs: number, p = MISUSE_POLICY): NotifierVerdict {
  if (unfounded.count >= p.unfoundedBlockAt && warnedAt && unfounded.lastAt) {
    const until = Date.parse(unfounded.lastAt) + p.noticeBlockDays * DAY;
    if (until > nowMs) return { kind: 'refuse', until: new Date(until).toISOString() };
  }
  if (unfounded.count >= p.unfoundedWarnAt) return { kind: 'warn', count: unfounded.count };
  return { kind: 'accept' };
}

export type ProviderVerdict = { readonly kind: 'none' } | { readonly kind: 'warn'; readonly count: number } | { readonly kind: 'suspend'; readonly until: string; readonly count: number };

/** After a decision on manifestly illegal content: nothing, a warning, or (warned before) a suspension. */
export function providerVerdict(manifestlyIllegal: number, warnedAt: string | null, nowMs: number, p = MISUSE_POLICY): ProviderVerdict {
  if (manifestlyIllegal >= p.illegalSuspendAt && warnedAt) return { kind: 'suspend', until: new Date(nowMs + p.suspensionDays * DAY).toISOString(), count: manifestlyIllegal };
  if (manifestlyIllegal >= p.illegalWarnAt && !warnedAt) return { kind: 'warn', count: manifestlyIllegal };
  return { kind: 'none' };
}

export const windowStart = (nowMs: number, p = MISUSE_POLICY): string => new Date(nowMs - p.windowDays * DAY).toISOString();
