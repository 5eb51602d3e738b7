import ndc from 'node-datachannel';
import { closePeer, gatheredOffer, newPeer } from '../../src/clients/signalling.js';

/** A WHEP offer from a peer that will never answer ICE (what an attacker's script sends): it stays pending on the origin. */
export async function deadOffer(): Promise<string> {
  const pc = newPeer('dead');
  const audio = new ndc.Audio('0', 'RecvOnly');
  audio.addOpusCodec(111);
  pc.addTrack(audio);
  const offer = await gatheredOffer(pc);
  closePeer(pc);
  return offer;
}
