import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import type { Mic } from './mic.js';
import { jitter, PUBLISHER_PROBE_MS, releaseLost, watchSession, type LossReason, type SessionWatch } from './session-watch.js';
import type { MediaSession } from './webrtc.js';
import { publish } from './whip.js';

/** What the host or speaker sees of their microphone's path to the stage. */
export type AirStatus = 'off' | 'connecting' | 'on-air' | 'reconnecting';

/** Refusals that another attempt would not change: the page settles and says why. */
const FATAL = new Set(['FORBIDDEN', 'AUTH_REQUIRED', 'STAGE_TOKEN_INVALID', 'STAGE_TOKEN_USED', 'PARTICIPANT_NOT_FOUND', 'BLOCKED_FROM_SPACE']);
/**
 * Between attempts, each jittered by ±50 % so a stage whose origin died does not come back in step.
 * Short: while the Space moves to another origin, the POST answers 503 or SPACE_NOT_LIVE for the few
 * seconds the lease takes to lapse, and every second of waiting beyond that is silence on air.
 */
const RETRY_MS = [250, 500, 1000, 1000, 2000];
/** Republishing stops after this long without success: the page says the network failed. */
const REPUBLISH_WITHIN_MS = 60_000;
/**
 * A failed peer is most often the server closing it (the Space ended, the seat was removed): wait a
 * poll of the page's state before trying again, and ask whether the Space is still live first.
 */
const AFTER_FAILURE_MS = 1500;
/**
 * When the origin hands the Space over (a drain), the next session is made before the old one goes,
 * and the microphone feeds both until the old origin closes its session (at most MOVE_LINGER_MS): each
 * origin's mix has the voice, the programme none missing. Not moved within MOVE_WITHIN_MS: the old
 * session ends with the hand-over and the page republishes as after a loss.
 */
const MOVE_WITHIN_MS = 3500;
const MOVE_LINGER_MS = 5000;
const MOVE_RETRY_MS = 250;

const flagKey = (spaceId: string) => `tribune.onair.${spaceId}`;

/** Whether this tab was on air in the Space before a reload: the page resumes by itself. */
export function wasOnAir(spaceId: string): boolean {
  try { return sessionStorage.getItem(flagKey(spaceId)) === '1'; } catch { return false; }
}

function markOnAir(spaceId: string, on: boolean): void {
  try {
    if (on) sessionStorage.setItem(flagKey(spaceId), '1');
    else sessionStorage.removeItem(flagKey(spaceId));
  } catch { /* storage refused: no resume after a reload, nothing else lost */ }
}

export interface OnAir {
  readonly status: AirStatus;
  /** Hand-overs this page made without going off air (the origin moved the Space: a new session first). */
  readonly moves: number;
  /** The catalogue code of the last refusal that stopped publishing. */
  readonly refusal: string | null;
  /** Stops publishing by hand (the server is told). */
  stop(): Promise<void>;
  /** The server ended the session (Space ended, seat removed): close without a DELETE that would 404. */
  drop(): void;
  /**
   * The server says this seat's media is gone while the page still thinks it is on air (the origin
   * dropped it, a restart): publish again at once.
   */
  republish(): void;
  /** Something suggests the origin went away (the stage channel closed): probe the session now. */
  check(): void;
}

/**
 * Keeps a microphone on the stage over WHIP while `wanted`: connects, replaces a session that is lost
 * (session-watch.ts: the peer failed or stayed disconnected, or its resource answers 404 or nothing,
 * as when its origin died or drained), retries with jittered backoff through the same URL (any origin
 * forwards it to the one now running the Space), and frees the server's seat when the page goes away.
 * The microphone's track is reused: republishing never asks for the microphone again.
 * A MEDIA_SESSION_ACTIVE refusal (the seat is already on air) is retried only when this tab itself
 * was on air before (a reload whose old session the server has not let go yet); otherwise another
 * tab or device holds the seat, and this page must not fight it.
 */
export function useOnAir(opts: { spaceId: string; mic: Mic | null; wanted: boolean; bearer?: string | undefined; serverClosed?: boolean }): OnAir {
  const { spaceId, mic, wanted, bearer } = opts;
  // Read by the effect's cleanup, which runs after the render that ended the Space: no DELETE then.
  const serverClosed = useRef(false);
  serverClosed.current = opts.serverClosed ?? false;
  const [status, setStatus] = useState<AirStatus>(() => (wasOnAir(spaceId) ? 'reconnecting' : 'off'));
  const [refusal, setRefusal] = useState<string | null>(null);
  const [moves, setMoves] = useState(0);
  const current = useRef<{ session: MediaSession | null; stop: (notify: boolean) => Promise<void>; republish: () => void; check: () => void } | null>(null);

  useEffect(() => {
    if (!wanted || !mic) return;
    let stopped = false;
    let session: MediaSession | null = null;
    let watch: SessionWatch | null = null;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let resuming = wasOnAir(spaceId);
    // When the current run of attempts began: republishing gives up REPUBLISH_WITHIN_MS after it.
    let since = Date.now();
    setRefusal(null);
    setStatus(resuming ? 'reconnecting' : 'connecting');

    const retry = (ms = jitter(RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]!)) => {
      setStatus(resuming ? 'reconnecting' : 'connecting');
      if (Date.now() - since > REPUBLISH_WITHIN_MS) {
        setRefusal('NETWORK');
        setStatus('off');
        return;
      }
      timer = setTimeout(connect, ms);
    };

    async function connect(): Promise<void> {
      if (stopped) return;
      try {
        if (attempt > 0 && (await api.space(spaceId)).state !== 'live') {
          if (stopped) return;
          setStatus('off');
          if (!resuming) setRefusal('SPACE_NOT_LIVE');
          return;
        }
        if (stopped) return;
        const next = await publish(`/api/v1/spaces/${encodeURIComponent(spaceId)}/whip`, mic!.track, bearer);
        if (stopped) { await next.close(); return; }
        session = next;
        current.current!.session = next;
        attempt = 0;
        resuming = true;
        markOnAir(spaceId, true);
        watch = watchSession(next, (reason) => replace(next, reason), () => void move(next), PUBLISHER_PROBE_MS);
        setStatus('on-air');
      } catch (err) {
        if (stopped) return;
        const code = (err as { code?: string }).code ?? 'NETWORK';
        // An origin that does not run the Space's media yet answers SPACE_NOT_LIVE: while it moves to
        // another origin, and in cluster mode for the moment after go-live until its origin opens it.
        // That is final only when the Space itself is not live (asked before the next attempt).
        if (code === 'SPACE_NOT_LIVE') { attempt = Math.max(attempt, 1); retry(); return; }
        if (FATAL.has(code) || (code === 'MEDIA_SESSION_ACTIVE' && !resuming)) {
          setRefusal(code);
          setStatus('off');
          if (code !== 'MEDIA_SESSION_ACTIVE') markOnAir(spaceId, false);
          return;
        }
        retry();
      }
    }

    /** The origin hands the Space over: publish through the same URL (the next origin), then let the old session go. */
    async function move(old: MediaSession): Promise<void> {
      const until = Date.now() + MOVE_WITHIN_MS;
      while (!stopped && session === old && Date.now() < until) {
        try {
          const next = await publish(`/api/v1/spaces/${encodeURIComponent(spaceId)}/whip`, mic!.track, bearer);
          if (stopped || session !== old) { await next.close(); return; }
          session = next;
          current.current!.session = next;
          watch = watchSession(next, (reason) => replace(next, reason), () => void move(next), PUBLISHER_PROBE_MS);
          old.letGo(MOVE_LINGER_MS);
          setMoves((n) => n + 1);
          return;
        } catch {
          // The next origin may not have taken the Space yet (SPACE_NOT_LIVE, 503): again shortly.
          await new Promise((r) => setTimeout(r, jitter(MOVE_RETRY_MS)));
        }
      }
      // Not moved: watch the old session again; it ends with the hand-over, and that loss republishes.
      if (!stopped && session === old) watch = watchSession(old, (reason) => replace(old, reason), undefined, PUBLISHER_PROBE_MS);
    }

    /** The session is lost: let go of it (DELETEd only where still held) and publish again. */
    function replace(s: MediaSession, reason: LossReason) {
      if (stopped || session !== s) return;
      session = null;
      watch = null;
      void releaseLost(s, reason);
      attempt = Math.max(attempt, 1);
      since = Date.now();
      clearTimeout(timer);
      // Gone (404): the Space runs on another origin already, which answers at once. A stage has at most
      // fifteen publishers: no herd to spread.
      retry(reason === 'failed' ? AFTER_FAILURE_MS : reason === 'gone' ? 0 : jitter(RETRY_MS[0]!));
    }

    const onPageHide = () => session?.abandon();
    addEventListener('pagehide', onPageHide);
    const stop = async (notify: boolean) => {
      stopped = true;
      clearTimeout(timer);
      watch?.stop();
      removeEventListener('pagehide', onPageHide);
      const closing = session?.close(notify);
      session = null;
      await closing;
    };
    const republish = () => {
      const s = session;
      if (stopped || !s) return;
      watch?.stop();
      watch = null;
      session = null;
      void s.close(false);
      attempt = Math.max(attempt, 1);
      since = Date.now();
      clearTimeout(timer);
      retry(0);
    };
    current.current = { session: null, stop, republish, check: () => watch?.check() };
    void connect();
    return () => {
      if (serverClosed.current) markOnAir(spaceId, false);
      void stop(!serverClosed.current);
    };
  }, [wanted, mic, spaceId, bearer]);

  return {
    status: wanted && mic ? status : 'off',
    refusal,
    moves,
    async stop() {
      markOnAir(spaceId, false);
      setStatus('off');
      await current.current?.stop(true);
    },
    drop() {
      markOnAir(spaceId, false);
      void current.current?.stop(false);
      setStatus('off');
    },
    republish() {
      current.current?.republish();
    },
    check() {
      current.current?.check();
    },
  };
}
