import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type ndc from 'node-datachannel';
import { SessionEmitter } from './client-events.js';
import { CLIENT_DEFAULTS, RECONNECT_DEFAULTS } from './defaults.js';
import { retryUntil } from './republish.js';
import { watchSession, type LossReason, type SessionWatch } from './session-watch.js';
import { closePeer, deleteSession } from './signalling.js';

/** One negotiated WHIP/WHEP session. */
export interface LiveSession {
  readonly pc: ndc.PeerConnection;
  readonly location: string | undefined;
}

export type KeptState = 'connected' | 'reconnecting' | 'failed' | 'closed';

/** Counters of a client's path to the origin, for its stats and the load test's report. */
export interface ReconnectCounters {
  /** Sessions lost (each one noticed once). */
  readonly losses: number;
  /** Losses followed by a new session. */
  readonly reconnects: number;
  /** POSTs made while republishing. */
  readonly attempts: number;
  /** From the last loss being noticed to the new session carrying media, ms; -1 before any. */
  readonly lastGapMs: number;
  /** Hand-overs made before the old session closed (make before break): not losses. */
  readonly moves: number;
}

/** Republishing, as the clients' options say it: on by default, `withinMs` per loss (RECONNECT_DEFAULTS). */
export type ReconnectOption = false | { readonly withinMs?: number } | undefined;

export interface KeepOptions {
  readonly bearer: string | undefined;
  /** false: no probe, and a lost session stays lost (the client only reports it). */
  readonly reconnect: ReconnectOption;
  readonly signal?: AbortSignal | undefined;
  /**
   * On a move, whether the old session goes on carrying media beside the next one until its origin
   * closes it (a publisher: both mixes have the voice meanwhile), or is let go at once (a listener).
   */
  readonly keepSendingWhileMoving?: boolean;
  /** How often the session resource is probed (RECONNECT_DEFAULTS). */
  readonly probeIntervalMs?: number;
}

/**
 * Keeps a WHIP or WHEP session alive across the loss of its origin: watches it, and when it is lost
 * closes the peer, DELETEs the old resource (best effort, bounded), and POSTs again through the same
 * URL with jittered backoff until a new session connects, a refusal is final, or `withinMs` passes.
 * The same URL reaches the origin that now runs the Space: any origin forwards to it.
 *
 * When the origin hands the Space over instead (its probe answers `moving`), the next session is made
 * before the old one is let go (make before break; a publisher sends to both until the old origin
 * closes its session).
 */
export class KeptSession<S extends LiveSession> {
  readonly events = new SessionEmitter();
  #current: S | null;
  /** During a move's overlap: the session being let go, still carrying media. */
  #leaving: S | null = null;
  #moves = 0;
  #state: KeptState = 'connected';
  #watching: SessionWatch = { stop: () => undefined, check: () => undefined };
  readonly #abort = new AbortController();
  readonly #connect: (connectTimeoutMs: number, signal: AbortSignal) => Promise<S>;
  readonly #options: KeepOptions;
  readonly #reconnect: boolean;
  readonly #withinMs: number;
  #losses = 0;
  #reconnects = 0;
  #attempts = 0;
  #lastGapMs = -1;
  #closing: Promise<void> | undefined;

  constructor(first: S, connect: (connectTimeoutMs: number, signal: AbortSignal) => Promise<S>, options: KeepOptions) {
    this.#current = first;
    this.#connect = connect;
    this.#options = options;
    this.#reconnect = options.reconnect !== false;
    this.#withinMs = (options.reconnect || undefined)?.withinMs ?? RECONNECT_DEFAULTS.withinMs;
    this.#watch(first);
    options.signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  get current(): S | null { return this.#current; }
  /** Probe the current session now (its media stopped: the origin may be gone). */
  check(): void { this.#watching.check(); }
  /** The sessions that carry media now: the current one and, during a move, the one being let go. */
  get carrying(): S[] { return [this.#current, this.#leaving].filter((s): s is S => s !== null); }
  get state(): KeptState { return this.#state; }
  get location(): string | undefined { return this.#current?.location; }
  counters(): ReconnectCounters {
    return { losses: this.#losses, reconnects: this.#reconnects, attempts: this.#attempts, lastGapMs: this.#lastGapMs, moves: this.#moves };
  }

  /** Idempotent: stops republishing, DELETEs the session, closes the peer. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#state !== 'failed') this.#state = 'closed';
      this.#watching.stop();
      this.#abort.abort();
      const sessions = this.carrying;
      this.#current = null;
      this.#leaving = null;
      await Promise.all(sessions.map(async (session) => {
        await deleteSession(session.location, this.#options.bearer, CLIENT_DEFAULTS.requestTimeoutMs);
        closePeer(session.pc);
      }));
    })();
    return this.#closing;
  }

  #watch(session: S): void {
    this.#watching = watchSession(
      session.pc, session.location, this.#reconnect, (reason) => void this.#lost(session, reason), () => void this.#move(session),
      this.#options.probeIntervalMs,
    );
  }

  /** The origin hands the Space over: connect through the same URL (now the next origin), then let the old session go. */
  async #move(session: S): Promise<void> {
    if (this.#closing || this.#current !== session) return;
    const r = RECONNECT_DEFAULTS;
    let next: S;
    try {
      next = await retryUntil(
        (remainingMs) => this.#connect(Math.min(remainingMs, r.connectTimeoutMs), this.#abort.signal),
        { withinMs: r.moveWithinMs, signal: this.#abort.signal, onAttempt: () => { this.#attempts += 1; } },
      );
    } catch {
      // Not moved in time: the old origin ends this session when its hand-over does, and that loss republishes.
      if (!this.#closing && this.#current === session) this.#watch(session);
      return;
    }
    if (this.#closing || this.#current !== session) {
      closePeer(next.pc);
      await deleteSession(next.location, this.#options.bearer, r.deleteOldMs);
      return;
    }
    this.#current = next;
    this.#moves += 1;
    this.#watch(next);
    this.events.emit('moved', { location: next.location, moves: this.#moves });
    if (!this.#options.keepSendingWhileMoving) {
      await deleteSession(session.location, this.#options.bearer, r.deleteOldMs);
      closePeer(session.pc);
      return;
    }
    // The DELETE tells the old origin this publisher moved; it keeps the voice in its mix, and this
    // client keeps sending it there, until it closes the session at the end of its hand-over.
    this.#leaving = session;
    const closed = new Promise<void>((resolve) => session.pc.onStateChange((state) => { if (state === 'closed' || state === 'failed') resolve(); }));
    await deleteSession(session.location, this.#options.bearer, r.deleteOldMs);
    // Unref'd: a client closed meanwhile does not keep the process waiting for this bound.
    await Promise.race([closed, sleep(r.moveLingerMs, undefined, { ref: false })]);
    if (this.#leaving === session) this.#leaving = null;
    closePeer(session.pc);
  }

  async #lost(session: S, reason: LossReason): Promise<void> {
    if (this.#closing || this.#current !== session) return;
    this.#losses += 1;
    this.#current = null;
    closePeer(session.pc);
    if (!this.#reconnect) { this.#state = 'failed'; return; }
    const noticed = performance.now();
    this.#state = 'reconnecting';
    // The old origin may still be alive (a peer that failed on its own): let go of the seat there, or the
    // new POST would be refused as MEDIA_SESSION_ACTIVE until its media timeout. A session the probe
    // found gone has nothing to let go.
    if (reason !== 'session-gone') await deleteSession(session.location, this.#options.bearer, RECONNECT_DEFAULTS.deleteOldMs);
    try {
      const next = await retryUntil(
        (remainingMs) => this.#connect(Math.min(remainingMs, RECONNECT_DEFAULTS.connectTimeoutMs), this.#abort.signal),
        { withinMs: this.#withinMs, signal: this.#abort.signal, onAttempt: (attempt) => {
          this.#attempts += 1;
          this.events.emit('reconnecting', { reason, attempt });
        } },
      );
      if (this.#closing) { closePeer(next.pc); await deleteSession(next.location, this.#options.bearer, RECONNECT_DEFAULTS.deleteOldMs); return; }
      this.#current = next;
      this.#state = 'connected';
      this.#reconnects += 1;
      this.#lastGapMs = performance.now() - noticed;
      this.#watch(next);
      this.events.emit('published', { location: next.location, gapMs: this.#lastGapMs, reconnects: this.#reconnects });
    } catch (err) {
      if (this.#closing) return;
      this.#state = 'failed';
      this.events.emit('gave-up', { error: err instanceof Error ? err : new Error(String(err)) });
    }
  }
}
