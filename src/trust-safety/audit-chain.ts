import { createHash } from 'node:crypto';
import type { AuditEntry, NewAuditEntry } from './types.js';

/** The hash the first entry chains from. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Each entry's hash covers its content and the previous entry's hash, so changing, removing or
 * reordering any past entry breaks every hash after it.
 */
export function chainHash(prevHash: string, entry: NewAuditEntry): string {
  return createHash('sha256').update(prevHash).update('\n').update(chainContent(entry)).digest('hex');
}

/** What an entry's hash covers besides the previous hash (a store may hash `prevHash + '\n' + this` itself). */
export function chainContent(entry: NewAuditEntry): string {
  return JSON.stringify([entry.at, entry.actorId, entry.action, entry.targetType, entry.targetId, entry.reason, canonical(entry.data)]);
}

/** Walks the log in order; the first entry whose link or hash does not hold, if any. */
export function verifyChain(entries: Iterable<AuditEntry>): { ok: boolean; entries: number; brokenAt: number | null } {
  let prev = GENESIS_HASH;
  let n = 0;
  for (const e of entries) {
    n++;
    if (e.prevHash !== prev || chainHash(prev, e) !== e.hash) return { ok: false, entries: n, brokenAt: e.seq };
    prev = e.hash;
  }
  return { ok: true, entries: n, brokenAt: null };
}

/** Keys sorted at every level, so the hash does not depend on the order an object was built in. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}
