import { keepTicket, spaceOfPath, TICKET_HEADER, ticketFor } from './waiting-room.js';

/**
 * WHIP/WHEP signalling, non-trickle: Tribune answers once, with every candidate, and refuses PATCH,
 * so the offer is sent only when ICE gathering is complete (RFC 9725 allows either).
 */
export interface MediaSession {
  readonly pc: RTCPeerConnection;
  /** The session resource (absolute): DELETE ends it, GET says whether the origin still holds it. */
  readonly location: string;
  /**
   * Close the peer connection and DELETE the session resource. Idempotent. `notifyServer` false when
   * the server already ended it (the Space ended, the seat was removed): a DELETE would only 404.
   */
  close(notifyServer?: boolean): Promise<void>;
  /**
   * The page is going away (reload, tab closed): free the server's seat at once with a keepalive
   * DELETE, so the next page's WHIP is not refused while the server waits for the media to time out.
   */
  abandon(): void;
  /**
   * A move (the origin hands the Space over, the next session carries the media already): DELETE the
   * resource, which tells that origin this publisher moved, but keep sending to it until it closes
   * the peer at the end of its hand-over, or `lingerMs` at most, so that its mix has the voice to the end.
   */
  letGo(lingerMs: number): void;
}

const GATHER_TIMEOUT_MS = 3000;
const DELETE_WAIT_MS = 2000;

function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    // Loopback and LAN candidates come at once; a slow STUN server must not hold the call forever.
    const timer = setTimeout(done, GATHER_TIMEOUT_MS);
    function done() {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    function check() { if (pc.iceGatheringState === 'complete') done(); }
    pc.addEventListener('icegatheringstatechange', check);
  });
}

export class SignallingError extends Error {
  constructor(readonly status: number, readonly code: string) {
    super(`${code} (${status})`);
  }
}

/**
 * `bearer` is the whole credential when given; otherwise `asAccount` sends the session cookie (same
 * origin): the WHIP of a logged-in host, or the mix-minus of a seat. A listener's WHEP sends neither.
 */
export async function negotiate(pc: RTCPeerConnection, endpoint: string, bearer?: string, asAccount = false): Promise<MediaSession> {
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const headers: Record<string, string> = { 'content-type': 'application/sdp' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const credentials: RequestCredentials = !bearer && asAccount ? 'same-origin' : 'omit';
  // A listener admitted by the waiting room shows its pass (same origin only: a custom header
  // elsewhere would need a CORS preflight). Held, the offer fails and the player plays LL-HLS.
  const target = new URL(endpoint, document.baseURI);
  const pass = target.origin === window.location.origin ? ticketFor(spaceOfPath(target.pathname)) : undefined;
  if (pass) headers[TICKET_HEADER] = pass;
  let res: Response;
  try {
    res = await fetch(endpoint, { method: 'POST', headers, body: pc.localDescription!.sdp, credentials });
  } catch (err) {
    pc.close();
    throw err;
  }
  const handed = res.headers.get(TICKET_HEADER);
  if (handed) keepTicket(handed);
  if (res.status !== 201) {
    let code = `HTTP_${res.status}`;
    try { code = ((await res.json()) as { error?: { code?: string } }).error?.code ?? code; } catch { /* not JSON */ }
    pc.close();
    throw new SignallingError(res.status, code);
  }
  const location = new URL(res.headers.get('location') ?? target.pathname, target).toString();
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  let closed = false;
  const remove = (keepalive: boolean) => fetch(location, { method: 'DELETE', credentials, keepalive, ...(bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {}) });
  return {
    pc,
    location,
    async close(notifyServer = true) {
      if (closed) return;
      closed = true;
      // The DELETE first: closing the peer first lets the server see the media go and forget the
      // session before the DELETE arrives, which then 404s. Bounded, so a dead network cannot hold the peer.
      if (notifyServer) await Promise.race([remove(false).catch(() => {}), new Promise((r) => setTimeout(r, DELETE_WAIT_MS))]);
      pc.close();
    },
    abandon() {
      if (closed) return;
      closed = true;
      void remove(true).catch(() => {});
      pc.close();
    },
    letGo(lingerMs) {
      if (closed) return;
      closed = true;
      void remove(false).catch(() => {});
      const timer = setTimeout(done, lingerMs);
      function done() {
        clearTimeout(timer);
        pc.removeEventListener('connectionstatechange', check);
        pc.close();
      }
      function check() { if (pc.connectionState === 'closed' || pc.connectionState === 'failed' || pc.connectionState === 'disconnected') done(); }
      pc.addEventListener('connectionstatechange', check);
    },
  };
}
