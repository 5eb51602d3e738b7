import { negotiate, type MediaSession } from './webrtc.js';

/**
 * Listens over WHEP. Without a bearer: the program. With a speaker's stage bearer: their mix-minus
 * (everyone but themselves), so they hear the stage without their own echo; `asAccount` asks for the
 * logged-in account's seat the same way, by its session cookie.
 */
export async function listen(endpoint: string, bearer?: string, asAccount = false): Promise<MediaSession & { stream: MediaStream }> {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const stream = new MediaStream();
  pc.addEventListener('track', (e) => stream.addTrack(e.track));
  const session = await negotiate(pc, endpoint, bearer, asAccount);
  return Object.assign(session, { stream });
}
