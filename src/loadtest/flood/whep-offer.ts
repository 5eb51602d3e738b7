import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { CLIENT_DEFAULTS } from '../../clients/index.js';

/**
 * A real SDP offer, as a WHEP client sends it, from a libdatachannel peer that is closed at once:
 * every copy the flood sends makes the origin start a media session that can never connect.
 *
 * Made in a short-lived child process: in this one, libdatachannel crashed (SIGSEGV) in its cleanup
 * at exit once such a peer had existed, whether closed at once or at the end of the run.
 */
export async function deadWhepOffer(): Promise<string> {
  const ndcPath = createRequire(import.meta.url).resolve('node-datachannel');
  const script = `
    const ndc = require(${JSON.stringify(ndcPath)});
    const pc = new ndc.PeerConnection('flood-whep', { iceServers: [] });
    const audio = new ndc.Audio('0', 'RecvOnly');
    audio.addOpusCodec(${CLIENT_DEFAULTS.opusPayloadType});
    pc.addTrack(audio);
    const done = () => { process.stdout.write(pc.localDescription().sdp, () => { try { pc.close(); } catch {} process.exit(0); }); };
    pc.onGatheringStateChange((s) => { if (s === 'complete') done(); });
    pc.setLocalDescription('offer');
    if (pc.gatheringState() === 'complete') done();
    setTimeout(() => process.exit(2), 10000);
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15_000 });
  if (!stdout.startsWith('v=0')) throw new Error('no SDP offer from libdatachannel');
  return stdout;
}
