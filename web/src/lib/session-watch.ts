import { SESSION_STATE_HEADER } from '../../../src/media/session-state.js';
import type { MediaSession } from './webrtc.js';

/** Why the page decided its WHIP/WHEP session was lost. */
export type LossReason = 'failed' | 'disconnected' | 'gone' | 'unreachable';

/** The session resource is asked once a second: a dead origin is noticed in one or two seconds. */
const PROBE_MS = 1000;
/** A publisher's twice as often: its silence is every listener's, and a stage has at most 15 of them. */
export const PUBLISHER_PROBE_MS = 500;
const PROBE_TIMEOUT_MS = 1500;
/** Probes without an answer (or with a 5xx), in a row, before the session counts as lost: one blip is not. */
const UNREACHABLE_PROBES = 2;
/** After one failed probe the next comes this soon: a blip is not a loss, a dead origin is told sooner. */
const CONFIRM_MS = 250;
/** A 'disconnected' peer often comes back by itself (ICE consent); after this long it is replaced. */
const DISCONNECTED_GRACE_MS = 2000;

/** ±50 %: pages whose origin died together do not come back in step. */
export const jitter = (ms: number): number => Math.round(ms * (0.5 + Math.random()));

export interface SessionWatch {
  /** Probe now, without waiting for the next second (the stage channel closed: the origin may be gone). */
  check(): void;
  stop(): void;
}

/**
 * Watches one session for the loss of its origin: the peer's state ('failed' at once, 'disconnected'
 * after a grace), and its resource probed every second (404: the session is not where the Space now
 * runs; a 5xx or no answer twice in a row: the origin holding it is gone). Calls `onLost` once, or
 * `onMoving` once when the origin says it hands the Space over (the page then opens its next session
 * before this one goes), and stops watching.
 */
export function watchSession(session: MediaSession, onLost: (reason: LossReason) => void, onMoving?: () => void, probeMs = PROBE_MS): SessionWatch {
  let done = false;
  let unreachable = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let grace: ReturnType<typeof setTimeout> | undefined;
  let probing = false;
  const lost = (reason: LossReason) => {
    if (done) return;
    stop();
    onLost(reason);
  };
  const onState = () => {
    const state = session.pc.connectionState;
    if (state === 'failed') lost('failed');
    else if (state === 'disconnected') { clearTimeout(grace); grace = setTimeout(() => lost('disconnected'), DISCONNECTED_GRACE_MS); }
    else if (state === 'connected') clearTimeout(grace);
  };
  const probe = async () => {
    if (done || probing) return;
    probing = true;
    clearTimeout(timer);
    let status = 0;
    let moving = false;
    try {
      const res = await fetch(session.location, { method: 'GET', credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      status = res.status;
      moving = res.ok && res.headers.get(SESSION_STATE_HEADER) === 'moving';
    } catch { /* no answer: counted below */ }
    probing = false;
    if (done) return;
    if (status === 404) return lost('gone');
    if (moving && onMoving) { stop(); return onMoving(); }
    // A 429 or 401 is an origin that answers: only silence and 5xx speak of a lost one.
    unreachable = status === 0 || status >= 500 ? unreachable + 1 : 0;
    if (unreachable >= UNREACHABLE_PROBES) return lost('unreachable');
    timer = setTimeout(() => void probe(), unreachable > 0 ? CONFIRM_MS : probeMs);
  };
  function stop() {
    done = true;
    clearTimeout(timer);
    clearTimeout(grace);
    session.pc.removeEventListener('connectionstatechange', onState);
  }
  session.pc.addEventListener('connectionstatechange', onState);
  timer = setTimeout(() => void probe(), probeMs);
  return { check: () => void probe(), stop };
}

/**
 * Closes a lost session, and DELETEs its resource only when its origin still holds it (asked once,
 * briefly): a peer that failed on its own leaves a seat that must be let go, or the next POST is
 * refused MEDIA_SESSION_ACTIVE; a session already gone would only answer 404, a dead origin nothing.
 */
export async function releaseLost(session: MediaSession, reason: LossReason): Promise<void> {
  let held = false;
  if (reason === 'failed' || reason === 'disconnected') {
    try {
      held = (await fetch(session.location, { method: 'GET', credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })).ok;
    } catch { /* no answer: nothing to DELETE there */ }
  }
  await session.close(held);
}
