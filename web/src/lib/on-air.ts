import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import type { Mic } from './mic.js';
import type { MediaSession } from './webrtc.js';
import { publish } from './whip.js';

/** What the host or speaker sees of their microphone's path to the stage. */
export type AirStatus = 'off' | 'connecting' | 'on-air' | 'reconnecting';

/** Refusals that another attempt would not change: the page settles and says why. */
const FATAL = new Set(['SPACE_NOT_LIVE', 'FORBIDDEN', 'AUTH_REQUIRED', 'STAGE_TOKEN_INVALID', 'STAGE_TOKEN_USED', 'PARTICIPANT_NOT_FOUND', 'BLOCKED_FROM_SPACE']);
const RETRY_MS = [500, 1000, 2000, 3000, 5000];
/** A 'disconnected' peer often comes back by itself (ICE consent); after this long it is replaced. */
const DISCONNECTED_GRACE_MS = 3000;
/**
 * A failed peer is most often the server closing it (the Space ended, the seat was removed): wait a
 * poll of the page's state before trying again, and ask whether the Space is still live first.
 */
const AFTER_FAILURE_MS = 1500;

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
}

/**
 * Keeps a microphone on the stage over WHIP while `wanted`: connects, replaces a peer that failed or
 * stayed disconnected, retries with backoff, and frees the server's seat when the page goes away.
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
  const current = useRef<{ session: MediaSession | null; stop: (notify: boolean) => Promise<void>; republish: () => void } | null>(null);

  useEffect(() => {
    if (!wanted || !mic) return;
    let stopped = false;
    let session: MediaSession | null = null;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let resuming = wasOnAir(spaceId);
    setRefusal(null);
    setStatus(resuming ? 'reconnecting' : 'connecting');

    const retry = (ms = RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]) => {
      setStatus('reconnecting');
      timer = setTimeout(connect, ms);
    };

    async function connect(): Promise<void> {
      if (stopped) return;
      try {
        if (attempt > 0 && (await api.space(spaceId)).state !== 'live') {
          if (!stopped) setStatus('off');
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
        watch(next);
        setStatus('on-air');
      } catch (err) {
        if (stopped) return;
        const code = (err as { code?: string }).code ?? 'NETWORK';
        if (FATAL.has(code) || (code === 'MEDIA_SESSION_ACTIVE' && !resuming)) {
          setRefusal(code);
          setStatus('off');
          if (code !== 'MEDIA_SESSION_ACTIVE') markOnAir(spaceId, false);
          return;
        }
        retry();
      }
    }

    function watch(s: MediaSession) {
      let grace: ReturnType<typeof setTimeout> | undefined;
      const replace = () => {
        clearTimeout(grace);
        if (stopped || session !== s) return;
        session = null;
        // No DELETE: the server has most likely closed it already; if not, its media timeout will.
        void s.close(false);
        attempt = Math.max(attempt, 1);
        retry(AFTER_FAILURE_MS);
      };
      s.pc.addEventListener('connectionstatechange', () => {
        const state = s.pc.connectionState;
        if (state === 'failed') replace();
        else if (state === 'disconnected') { clearTimeout(grace); grace = setTimeout(replace, DISCONNECTED_GRACE_MS); }
        else if (state === 'connected') clearTimeout(grace);
      });
    }

    const onPageHide = () => session?.abandon();
    addEventListener('pagehide', onPageHide);
    const stop = async (notify: boolean) => {
      stopped = true;
      clearTimeout(timer);
      removeEventListener('pagehide', onPageHide);
      const closing = session?.close(notify);
      session = null;
      await closing;
    };
    const republish = () => {
      const s = session;
      if (stopped || !s) return;
      session = null;
      void s.close(false);
      attempt = Math.max(attempt, 1);
      clearTimeout(timer);
      retry(0);
    };
    current.current = { session: null, stop, republish };
    void connect();
    return () => {
      if (serverClosed.current) markOnAir(spaceId, false);
      void stop(!serverClosed.current);
    };
  }, [wanted, mic, spaceId, bearer]);

  return {
    status: wanted && mic ? status : 'off',
    refusal,
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
  };
}
