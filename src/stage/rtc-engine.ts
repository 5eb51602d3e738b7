import ndc from 'node-datachannel';
import { TribuneError } from '../errors/catalogue.js';
import { advertiseCandidates, parseAudioOffer, type AudioOffer } from './sdp.js';
import { stageMetrics } from './metrics.js';

export interface PeerSetup {
  readonly pc: ndc.PeerConnection;
  readonly track: ndc.Track;
  readonly offer: AudioOffer;
  readonly answer: string;
}

export interface AnswerRequest {
  readonly offer: string;
  /** 'recv' for WHIP (we receive the speaker), 'send' for WHEP (we send a mix). */
  readonly role: 'recv' | 'send';
  /** For 'send': the SSRC and stream ids announced in the answer. */
  readonly ssrc?: number;
  readonly streamId?: string;
}

export interface RtcEngineOptions {
  readonly udpPort: number;
  readonly bindAddress: string | undefined;
  readonly advertisedAddresses: readonly string[];
  readonly gatheringTimeoutMs: number;
}

const OPUS_FMTP = 'minptime=10;useinbandfec=1';
/** Where to look for a free port when udpPort is 0 (IceUdpMuxListener cannot bind port 0). */
const PICK_RANGE: readonly [number, number] = [40_000, 59_999];

/**
 * The adapter over libdatachannel. Every PeerConnection shares one UDP port (ICE UDP mux): a
 * single firewall rule, and one socket for the kernel to service however many sessions there are.
 * Answers are non-trickle: we wait for gathering to complete so the answer carries the candidate.
 */
export class RtcEngine {
  readonly #options: RtcEngineOptions;
  readonly #listener: ndc.IceUdpMuxListener;
  readonly #port: number;
  #closed = false;
  #peers = 0;

  constructor(options: RtcEngineOptions) {
    this.#options = options;
    const { listener, port } = openMux(options.udpPort, options.bindAddress);
    this.#listener = listener;
    this.#port = port;
    // STUN for a ufrag no session owns: stray, stale or forged traffic on the shared port.
    this.#listener.onUnhandledStunRequest(() => stageMetrics.packetsDropped.inc({ reason: 'stun-unknown' }));
  }

  get port(): number {
    return this.#port;
  }

  async answer(request: AnswerRequest): Promise<PeerSetup> {
    if (this.#closed) throw new TribuneError('NOT_READY', { reason: 'stage media is shutting down' });
    const offer = parseAudioOffer(request.offer);
    const pc = new ndc.PeerConnection(`tribune-${++this.#peers}`, {
      iceServers: [],
      enableIceUdpMux: true,
      portRangeBegin: this.#port,
      portRangeEnd: this.#port,
      ...(this.#options.bindAddress ? { bindAddress: this.#options.bindAddress } : {}),
      disableAutoNegotiation: true,
    });
    try {
      const gathered = waitForGathering(pc, this.#options.gatheringTimeoutMs);
      try {
        pc.setRemoteDescription(request.offer, 'offer');
      } catch (err) {
        throw new TribuneError('SDP_INVALID', { detail: String((err as Error).message ?? err) }, { cause: err });
      }
      // Our own description for the audio mid: Opus only, whatever else the offer listed.
      const audio = new ndc.Audio(offer.mid, request.role === 'recv' ? 'RecvOnly' : 'SendOnly');
      audio.addOpusCodec(offer.opusPayloadType, OPUS_FMTP);
      if (request.role === 'send' && request.ssrc !== undefined) {
        const stream = request.streamId ?? 'tribune';
        audio.addSSRC(request.ssrc, 'tribune', stream, `${stream}-audio`);
      }
      const track = pc.addTrack(audio);
      pc.setLocalDescription('answer');
      await gathered;
      const local = pc.localDescription();
      if (!local) throw new TribuneError('INTERNAL');
      const answer = advertiseCandidates(local.sdp, this.#options.advertisedAddresses, this.#port);
      return { pc, track, offer, answer };
    } catch (err) {
      pc.close();
      throw err;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listener.stop();
  }
}

function openMux(port: number, address: string | undefined): { listener: ndc.IceUdpMuxListener; port: number } {
  if (port !== 0) return { listener: new ndc.IceUdpMuxListener(port, address), port };
  let lastError: unknown;
  for (let attempt = 0; attempt < 32; attempt++) {
    const candidate = PICK_RANGE[0] + Math.floor(Math.random() * (PICK_RANGE[1] - PICK_RANGE[0]));
    try {
      return { listener: new ndc.IceUdpMuxListener(candidate, address), port: candidate };
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error('could not bind a UDP port for the ICE mux', { cause: lastError });
}

function waitForGathering(pc: ndc.PeerConnection, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    // On timeout we answer with what we have; host candidates on the mux port come first anyway.
    const timer = setTimeout(resolve, timeoutMs);
    pc.onGatheringStateChange((state) => {
      if (state === 'complete') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}
