import { performance } from 'node:perf_hooks';
import ndc from 'node-datachannel';

/** The outcome of a WHIP/WHEP POST (RFC 9725 §4.2): the answer and the session resource. */
export interface SignalledSession {
  readonly answer: string;
  /** Absolute URL of the session resource (DELETE ends it). */
  readonly location: string | undefined;
}

/** A non-2xx answer to a WHIP/WHEP POST; `code` is Tribune's catalogue code when the body has one. */
export class SignallingError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, body: string) {
    let code: string | undefined;
    try {
      const parsed = JSON.parse(body) as { code?: string; error?: { code?: string } };
      code = parsed.error?.code ?? parsed.code;
    } catch { /* not JSON */ }
    super(`signalling failed: ${status}${code ? ` ${code}` : ''} ${body.slice(0, 200)}`);
    this.name = 'SignallingError';
    this.status = status;
    this.code = code;
  }
}

export async function postOffer(url: string, offer: string, bearer: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<SignalledSession> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await fetch(url, {
    method: 'POST',
    body: offer,
    headers: { 'content-type': 'application/sdp', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  const body = await res.text();
  if (res.status !== 201 && res.status !== 200) throw new SignallingError(res.status, body);
  const location = res.headers.get('location');
  return { answer: body, location: location ? new URL(location, url).toString() : undefined };
}

/** RFC 9725 §4.3: the client ends its session with DELETE; best effort (the server times out anyway). */
export async function deleteSession(location: string | undefined, bearer: string | undefined, timeoutMs: number): Promise<void> {
  if (!location) return;
  try {
    const res = await fetch(location, { method: 'DELETE', headers: bearer ? { authorization: `Bearer ${bearer}` } : {}, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
  } catch {
    // The server may already be gone; its media timeout reclaims the session.
  }
}

/** Non-trickle: WHIP/WHEP here exchange one offer with every candidate in it. */
export function gatheredOffer(pc: ndc.PeerConnection): Promise<string> {
  return new Promise((resolve) => {
    const done = (): void => resolve(pc.localDescription()!.sdp);
    pc.onGatheringStateChange((state) => { if (state === 'complete') done(); });
    pc.setLocalDescription('offer');
    if (pc.gatheringState() === 'complete') done();
  });
}

/**
 * Resolves when the track opens. `cancel()` stops the timer and settles the wait quietly: a caller
 * whose offer was refused must not leave a timeout behind that rejects, unobserved, seconds later
 * (an unhandled rejection ends the process: a load test with one refused WHEP listener died of it).
 */
export function waitOpen(track: ndc.Track, pc: ndc.PeerConnection, timeoutMs: number, signal?: AbortSignal): { opened: Promise<void>; cancel: () => void } {
  let cancel = (): void => undefined;
  const opened = new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err); else resolve();
    };
    const onAbort = (): void => settle(new Error('aborted'));
    const timer = setTimeout(() => settle(new Error(`media did not connect within ${timeoutMs} ms`)), timeoutMs);
    cancel = () => settle();
    signal?.addEventListener('abort', onAbort, { once: true });
    pc.onStateChange((state) => { if (state === 'failed') settle(new Error('ICE/DTLS failed')); });
    if (track.isOpen()) { settle(); return; }
    track.onOpen(() => settle());
  });
  return { opened, cancel };
}

/**
 * A failure of our own peer rather than a refusal by the server: libdatachannel, with the CPU
 * contended, sometimes rejects a well-formed answer ("Got a remote candidate without ICE transport")
 * or lets ICE fail on loopback. A fresh peer then connects; a refusal (SignallingError) never does.
 */
export function isTransientPeerFailure(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof SignallingError) return false;
  return err.message.startsWith('libdatachannel error') || err.message === 'ICE/DTLS failed';
}

/**
 * The first session of a client: retried with a new peer on a transient peer failure, within the one
 * connect budget (a later loss is KeptSession's to handle).
 */
export async function firstSession<S>(connect: (connectTimeoutMs: number, signal?: AbortSignal) => Promise<S>, connectTimeoutMs: number, signal?: AbortSignal, attempts = 3): Promise<S> {
  const deadline = performance.now() + connectTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect(Math.max(1, Math.round(deadline - performance.now())), signal);
    } catch (err) {
      if (attempt >= attempts || !isTransientPeerFailure(err) || signal?.aborted || deadline - performance.now() < 500) throw err;
    }
  }
}

let peers = 0;
export function newPeer(kind: string): ndc.PeerConnection {
  return new ndc.PeerConnection(`${kind}-${++peers}`, { iceServers: [] });
}

export function closePeer(pc: ndc.PeerConnection): void {
  try { pc.close(); } catch { /* already torn down by libdatachannel */ }
}

/**
 * One WHIP/WHEP exchange: gathered offer, POST, answer, then wait for the track to open. On any
 * failure the peer is closed and the session (if one was created) DELETEd before the error travels on.
 * Returns the session URL.
 */
export async function negotiate(pc: ndc.PeerConnection, track: ndc.Track, request: {
  readonly url: string; readonly bearer: string | undefined; readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number; readonly signal?: AbortSignal | undefined;
}): Promise<string | undefined> {
  let location: string | undefined;
  const wait = waitOpen(track, pc, request.connectTimeoutMs, request.signal);
  try {
    const session = await postOffer(request.url, await gatheredOffer(pc), request.bearer, request.requestTimeoutMs, request.signal);
    location = session.location;
    pc.setRemoteDescription(session.answer, 'answer');
    await wait.opened;
    return location;
  } catch (err) {
    wait.cancel();
    closePeer(pc);
    await deleteSession(location, request.bearer, request.requestTimeoutMs);
    throw err;
  }
}
