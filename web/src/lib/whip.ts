import { negotiate, type MediaSession } from './webrtc.js';

/** Publishes a microphone track to the stage: as the logged-in account (cookie), or with a stage invite token. */
export async function publish(endpoint: string, track: MediaStreamTrack, bearer?: string): Promise<MediaSession> {
  const pc = new RTCPeerConnection();
  pc.addTransceiver(track, { direction: 'sendonly' });
  return negotiate(pc, endpoint, bearer, true);
}
