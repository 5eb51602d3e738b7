import type ndc from 'node-datachannel';
import { SESSION_STATE_HEADER } from '../media/session-state.js';
import { RECONNECT_DEFAULTS } from './defaults.js';

/** Why a client decided its session was lost. */
export type LossReason = 'peer-closed' | 'peer-failed' | 'peer-disconnected' | 'session-gone' | 'origin-unreachable';

export type ProbeAnswer = 'alive' | 'moving' | 'gone' | 'unreachable';

/**
 * One probe of a WHIP/WHEP session resource (GET): 404 gone, 5xx or no answer unreachable, a 200 that
 * says its Space is moving (session-state.ts) moving, else alive.
 */
export async function probeSession(location: string, timeoutMs: number): Promise<ProbeAnswer> {
  try {
    const res = await fetch(location, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    if (res.status === 404) return 'gone';
    // A 429 is an origin that answers: only silence and 5xx speak of a lost one.
    if (res.status >= 500) return 'unreachable';
    return res.ok && res.headers.get(SESSION_STATE_HEADER) === 'moving' ? 'moving' : 'alive';
  } catch {
    return 'unreachable';
  }
}

export interface SessionWatch {
  /** Ends the watch quietly (the client closed the session itself). */
  stop(): void;
  /** Probes now rather than at the next interval (the media stopped: its origin may be gone). */
  check(): void;
}

/**
 * Watches one session for loss: the peer's state, and (with `probe`) its resource every second. Calls
 * `onLost` once, or `onMoving` once (the origin hands the Space over: the client opens its next session
 * while this one still carries its media, and stops this watch); `stop()` ends the watch quietly (the
 * client closed the session itself).
 */
export function watchSession(
  pc: ndc.PeerConnection, location: string | undefined, probe: boolean, onLost: (reason: LossReason) => void, onMoving: () => void = () => {},
  probeIntervalMs: number = RECONNECT_DEFAULTS.probeIntervalMs,
): SessionWatch {
  const r = RECONNECT_DEFAULTS;
  let done = false;
  let probing = false;
  let unreachable = 0;
  let timer: NodeJS.Timeout | undefined;
  const lost = (reason: LossReason): void => {
    if (done) return;
    stop();
    onLost(reason);
  };
  const stop = (): void => {
    done = true;
    clearTimeout(timer);
  };
  pc.onStateChange((state) => {
    if (state === 'closed') lost('peer-closed');
    else if (state === 'failed') lost('peer-failed');
    else if (state === 'disconnected') lost('peer-disconnected');
  });
  const probeOnce = async (): Promise<void> => {
    if (done || probing || !location || !probe) return;
    clearTimeout(timer);
    probing = true;
    const answer = await probeSession(location, r.probeTimeoutMs);
    probing = false;
    if (done) return;
    if (answer === 'gone') return lost('session-gone');
    if (answer === 'moving') { stop(); return onMoving(); }
    unreachable = answer === 'unreachable' ? unreachable + 1 : 0;
    if (unreachable >= r.unreachableProbes) return lost('origin-unreachable');
    timer = setTimeout(() => void probeOnce(), unreachable > 0 ? r.confirmAfterMs : probeIntervalMs);
  };
  timer = setTimeout(() => void probeOnce(), probeIntervalMs);
  return { stop, check: () => void probeOnce() };
}
