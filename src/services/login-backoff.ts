/**
 * Failed logins per handle, with a backoff that doubles after a few misses: guessing one account's
 * password from many addresses is slowed as much as from one. Bounded in memory (least recently
 * failed handles are forgotten first, which only ever lets a forgotten handle try sooner).
 */
export class LoginBackoff {
  readonly #free: number;
  readonly #maxSeconds: number;
  readonly #maxKeys: number;
  readonly #failures = new Map<string, { count: number; until: number }>();

  constructor(options: { freeFailures?: number; maxSeconds?: number; maxKeys?: number } = {}) {
    this.#free = options.freeFailures ?? 3;
    this.#maxSeconds = options.maxSeconds ?? 300;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  /** Seconds to wait before this handle may try again; 0 when it may now. */
  waitSeconds(handle: string, now: number): number {
    const f = this.#failures.get(handle.toLowerCase());
    return f && f.until > now ? Math.ceil((f.until - now) / 1000) : 0;
  }

  failed(handle: string, now: number): void {
    const key = handle.toLowerCase();
    const f = this.#failures.get(key) ?? { count: 0, until: 0 };
    this.#failures.delete(key);
    f.count++;
    if (f.count > this.#free) f.until = now + 1000 * Math.min(this.#maxSeconds, 2 ** (f.count - this.#free));
    if (this.#failures.size >= this.#maxKeys) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
    this.#failures.set(key, f);
  }

  succeeded(handle: string): void {
    this.#failures.delete(handle.toLowerCase());
  }
}
