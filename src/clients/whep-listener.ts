import { performance } from 'node:perf_hooks';
import opus from '@discordjs/opus';
import ndc from 'node-datachannel';
import { isRtcp, parseRtp } from '../stage/rtp.js';
import { CLIENT_DEFAULTS } from './defaults.js';
import { closePeer, deleteSession, negotiate, newPeer } from './signalling.js';

export interface ListenWhepOptions {
  /** The WHEP endpoint, e.g. http://127.0.0.1:8080/api/v1/spaces/<id>/whep */
  readonly url: string;
  /** A session or stage token: a speaker gets their mix-minus, anyone else the program. */
  readonly bearer?: string;
  /** Decoded 960-sample 48 kHz mono frames. Without it nothing is decoded (cheap for load tests). */
  readonly onPcm?: (frame: Int16Array) => void;
  readonly signal?: AbortSignal;
  readonly connectTimeoutMs?: number;
}

export interface ListenerStats {
  readonly state: 'connected' | 'closed' | 'failed';
  readonly connectMs: number;
  /** From the POST to the first RTP packet, ms; -1 before it arrives. */
  readonly firstPacketMs: number;
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  /** Sequence gaps (packets never seen); reordering counts as a gap then is not undone. */
  readonly packetsLost: number;
  readonly decodeErrors: number;
}

export interface WhepListener {
  readonly location: string | undefined;
  stats(): ListenerStats;
  close(): Promise<void>;
}

/** Listens to a Space's program (or a speaker's mix-minus) over WHEP from node. */
export async function listenWhep(options: ListenWhepOptions): Promise<WhepListener> {
  const d = CLIENT_DEFAULTS;
  const started = performance.now();
  const pc = newPeer('whep');
  const audio = new ndc.Audio('0', 'RecvOnly');
  audio.addOpusCodec(d.opusPayloadType);
  const track = pc.addTrack(audio);
  const decoder = options.onPcm ? new opus.OpusEncoder(d.sampleRate, 1) : undefined;
  let state: ListenerStats['state'] = 'connected';
  let firstPacketMs = -1;
  let packetsReceived = 0;
  let bytesReceived = 0;
  let packetsLost = 0;
  let decodeErrors = 0;
  let lastSequence = -1;
  // Registered before the answer is applied: the first packets can arrive before connect resolves.
  track.onMessage((message) => {
    if (state !== 'connected' || isRtcp(message)) return;
    const packet = parseRtp(message);
    if (typeof packet === 'string') return;
    if (firstPacketMs < 0) firstPacketMs = performance.now() - started;
    packetsReceived += 1;
    bytesReceived += message.length;
    if (lastSequence >= 0) {
      const gap = (packet.sequence - lastSequence - 1) & 0xffff;
      if (gap < 0x8000) packetsLost += gap;
    }
    lastSequence = packet.sequence;
    if (!decoder || !options.onPcm) return;
    try {
      const pcm = decoder.decode(packet.payload);
      options.onPcm(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2));
    } catch {
      decodeErrors += 1;
    }
  });
  let location: string | undefined;
  try {
    location = await negotiate(pc, track, {
      url: options.url, bearer: options.bearer, connectTimeoutMs: options.connectTimeoutMs ?? d.connectTimeoutMs,
      requestTimeoutMs: d.requestTimeoutMs, signal: options.signal,
    });
  } catch (err) {
    state = 'failed';
    throw err;
  }
  const connectMs = performance.now() - started;
  pc.onStateChange((s) => { if ((s === 'failed' || s === 'closed') && state === 'connected') state = 'failed'; });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (state === 'connected') state = 'closed';
      await deleteSession(location, options.bearer, d.requestTimeoutMs);
      closePeer(pc);
    })();
    return closing;
  };
  options.signal?.addEventListener('abort', () => void close(), { once: true });
  return {
    location,
    stats: () => ({ state, connectMs, firstPacketMs, packetsReceived, bytesReceived, packetsLost, decodeErrors }),
    close,
  };
}
