import type { Clock } from '../services/clock.js';

export interface AccountRestriction {
  readonly state: 'suspended' | 'terminated';
  readonly until: string | null;
  readonly decisionId: string;
}

/**
 * Accounts under a suspension or termination in force. Checked on every authenticated write, so held
 * in memory (loaded from the decisions at start, changed with each decision and reversal).
 */
export class AccountRestrictions {
  readonly #clock: Clock;
  readonly #byUser = new Map<string, AccountRestriction[]>();

  constructor(clock: Clock) { this.#clock = clock; }

  restrict(userId: string, decisionId: string, state: AccountRestriction['state'], until: string | null): void {
    const list = this.#byUser.get(userId) ?? [];
    list.push({ state, until, decisionId });
    this.#byUser.set(userId, list);
  }

  lift(userId: string, decisionId: string): void {
    const list = (this.#byUser.get(userId) ?? []).filter((r) => r.decisionId !== decisionId);
    if (list.length) this.#byUser.set(userId, list);
    else this.#byUser.delete(userId);
  }

  /** Forgets every restriction (before reloading those in force). */
  clear(): void { this.#byUser.clear(); }

  /** Nothing restricted: the common case, checked before any per-request work. */
  get empty(): boolean { return this.#byUser.size === 0; }

  /** The restriction in force now, a termination before any suspension. */
  current(userId: string): AccountRestriction | null {
    const list = this.#byUser.get(userId);
    if (!list) return null;
    const now = this.#clock.now();
    const live = list.filter((r) => r.until === null || Date.parse(r.until) > now);
    // Expired suspensions are forgotten, so `empty` turns true again once the last one ends.
    if (live.length) this.#byUser.set(userId, live);
    else this.#byUser.delete(userId);
    return live.find((r) => r.state === 'terminated') ?? live[0] ?? null;
  }
}
