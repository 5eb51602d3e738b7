import { setTimeout as sleep } from 'node:timers/promises';
import { RECONNECT_DEFAULTS } from './defaults.js';
import { SignallingError } from './signalling.js';

/**
 * Whether another WHIP/WHEP POST may succeed where this one failed, while a Space moves between origins:
 * no answer or a 5xx (the origin running it is gone and no other holds it yet), 404, 429, and the
 * two conflicts of a move (SPACE_NOT_LIVE from an origin that does not run the Space yet,
 * MEDIA_SESSION_ACTIVE while the old session is not let go). Refusals of the credential or the offer
 * are final.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof SignallingError)) return true;
  if (err.status >= 500 || err.status === 404 || err.status === 429) return true;
  return err.status === 409 && (err.code === 'SPACE_NOT_LIVE' || err.code === 'MEDIA_SESSION_ACTIVE');
}

/** The wait before attempt `n` (0-based): doubling, capped, jittered so a stage does not come back in step. */
export function retryDelayMs(n: number, random: () => number = Math.random): number {
  const r = RECONNECT_DEFAULTS;
  const base = Math.min(r.maxRetryMs, r.firstRetryMs * 2 ** n);
  return Math.round(base * (0.5 + random()));
}

/**
 * Runs `attempt` until it succeeds, a refusal is final, `withinMs` has passed or `signal` aborts.
 * `onAttempt` hears each try (1-based) before it starts.
 */
export async function retryUntil<T>(attempt: (remainingMs: number) => Promise<T>, options: {
  readonly withinMs: number; readonly signal?: AbortSignal | undefined; readonly onAttempt?: (n: number) => void;
}): Promise<T> {
  const deadline = performance.now() + options.withinMs;
  for (let n = 0; ; n += 1) {
    options.signal?.throwIfAborted();
    options.onAttempt?.(n + 1);
    try {
      return await attempt(Math.max(0, deadline - performance.now()));
    } catch (err) {
      if (!isRetryable(err) || options.signal?.aborted) throw err;
      const wait = retryDelayMs(n);
      if (performance.now() + wait >= deadline) throw err;
      await sleep(wait, undefined, options.signal ? { signal: options.signal } : undefined);
    }
  }
}
