import ndc from 'node-datachannel';
import { CLIENT_DEFAULTS } from '../../clients/index.js';
import { closePeer, gatheredOffer, newPeer } from '../../clients/signalling.js';

/**
 * A real SDP offer, as a browser's WHEP client would send, from a peer closed as soon as the offer
 * exists: every copy the flood sends makes the origin start a media session that can never connect.
 */
export async function deadWhepOffer(): Promise<string> {
  const pc = newPeer('flood-whep');
  try {
    const audio = new ndc.Audio('0', 'RecvOnly');
    audio.addOpusCodec(CLIENT_DEFAULTS.opusPayloadType);
    pc.addTrack(audio);
    return await gatheredOffer(pc);
  } finally {
    closePeer(pc);
  }
}
