/**
 * WHIP/WHEP signalling, non-trickle: Tribune answers once, with every candidate, and refuses PATCH,
 * so the offer is sent only when ICE gathering is complete (RFC 9725 allows either).
 */
export interface MediaSession {
  readonly pc: RTCPeerConnection;
  /**
   * Close the peer connection and DELETE the session resource. Idempotent. `notifyServer` false when
   * the server already ended it (the Space ended, the seat was removed): a DELETE would only 404.
   */
  close(notifyServer?: boolean): Promise<void>;
}

const GATHER_TIMEOUT_MS = 3000;

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

export async function negotiate(pc: RTCPeerConnection, endpoint: string, bearer?: string): Promise<MediaSession> {
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const headers: Record<string, string> = { 'content-type': 'application/sdp' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(endpoint, { method: 'POST', headers, body: pc.localDescription!.sdp, credentials: 'omit' });
  if (res.status !== 201) {
    let code = `HTTP_${res.status}`;
    try { code = ((await res.json()) as { error?: { code?: string } }).error?.code ?? code; } catch { /* not JSON */ }
    pc.close();
    throw new SignallingError(res.status, code);
  }
  const base = new URL(endpoint, document.baseURI);
  const location = new URL(res.headers.get('location') ?? base.pathname, base).toString();
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  let closed = false;
  return {
    pc,
    async close(notifyServer = true) {
      if (closed) return;
      closed = true;
      pc.close();
      if (notifyServer) await fetch(location, { method: 'DELETE', ...(bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {}) }).catch(() => {});
    },
  };
}
