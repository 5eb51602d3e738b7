import { TribuneError } from '../errors/catalogue.js';
import type { Store } from '../store/store.js';
import { MAX_BATCH, type StatementStoreRequest } from './dsa-format.js';
import { buildReport, type TransparencyReport } from './report.js';
import { toStatement } from './to-statement.js';

/** A period given as two calendar days, both included: [from 00:00Z, to + 1 day 00:00Z). */
export function periodBounds(from: string, to: string): { fromIso: string; toIso: string } {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end) || new Date(start).toISOString().slice(0, 10) !== from || new Date(end).toISOString().slice(0, 10) !== to) {
    throw new TribuneError('VALIDATION_FAILED', { detail: 'from and to are calendar days, YYYY-MM-DD' });
  }
  if (end < start) throw new TribuneError('VALIDATION_FAILED', { detail: 'to is before from' });
  if (end - start > 400 * 86_400_000) throw new TribuneError('VALIDATION_FAILED', { detail: 'a period is at most 400 days' });
  return { fromIso: new Date(start).toISOString(), toIso: new Date(end + 86_400_000).toISOString() };
}

/** Statements of reasons of the decisions taken in the period, in the Transparency Database's format. */
export async function exportStatements(store: Store, from: string, to: string): Promise<StatementStoreRequest[]> {
  const { fromIso, toIso } = periodBounds(from, to);
  return (await store.trustSafety.decisionsBetween(fromIso, toIso)).map(toStatement).filter((s): s is StatementStoreRequest => s !== null);
}

export function batches<T>(items: readonly T[], size = MAX_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function transparencyReport(store: Store, from: string, to: string): Promise<TransparencyReport> {
  const { fromIso, toIso } = periodBounds(from, to);
  const [notices, decisions, appeals] = await Promise.all([
    store.trustSafety.noticesBetween(fromIso, toIso), store.trustSafety.decisionsBetween(fromIso, toIso), store.trustSafety.appealsBetween(fromIso, toIso),
  ]);
  const noticeTimes = new Map<string, string>(notices.map((n) => [n.id, n.receivedAt]));
  // A decision in the period may answer notices received before it.
  for (const d of decisions) {
    for (const id of d.noticeIds) {
      if (!noticeTimes.has(id)) { const n = await store.trustSafety.notice(id); if (n) noticeTimes.set(id, n.receivedAt); }
    }
  }
  return buildReport({ from, to }, notices, decisions, appeals, noticeTimes);
}
