import { performance } from 'node:perf_hooks';
import opus from '@discordjs/opus';
import ndc from 'node-datachannel';
import { isRtcp, parseRtp } from '../stage/rtp.js';
import type { SessionEventSource } from './client-events.js';
import { CLIENT_DEFAULTS, RECONNECT_DEFAULTS } from './defaults.js';
import { KeptSession, type ReconnectCounters, type ReconnectOption } from './kept-session.js';
import { firstSession, negotiate, newPeer } from './signalling.js';

export interface ListenWhepOptions {
  /** The WHEP endpoint, e.g. http://127.0.0.1:8080/api/v1/spaces/<id>/whep */
  readonly url: string;
  /** A session or stage token: a speaker gets their mix-minus, anyone else the program. */
  readonly bearer?: string;
  /** Decoded 960-sample 48 kHz mono frames. Without it nothing is decoded (cheap for load tests). */
  readonly onPcm?: (frame: Int16Array) => void;
  readonly signal?: AbortSignal;
  readonly connectTimeoutMs?: number;
  /**
   * Listen again by itself when the session is lost, as the WHIP publisher does. `false`: no probe of
   * the session resource (a load test's thousand listeners would be a thousand requests a second), only
   * the peer's own state, and a lost session stays lost.
   */
  readonly reconnect?: ReconnectOption;
}

export interface ListenerStats extends ReconnectCounters {
  readonly state: 'connected' | 'reconnecting' | 'closed' | 'failed';
  readonly connectMs: number;
  /** From the POST to the first RTP packet, ms; -1 before it arrives. */
  readonly firstPacketMs: number;
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  /** Sequence gaps (packets never seen) within a session; reordering counts as a gap then is not undone. */
  readonly packetsLost: number;
  readonly decodeErrors: number;
  /** When the last RTP packet arrived (performance.now()), -1 before any: how a test times the gap heard. */
  readonly lastPacketAt: number;
}

export interface WhepListener extends SessionEventSource {
  /** The current session resource; it changes when the listener reconnects. */
  readonly location: string | undefined;
  stats(): ListenerStats;
  close(): Promise<void>;
}

/** Listens to a Space's program (or a speaker's mix-minus) over WHEP from node. */
export async function listenWhep(options: ListenWhepOptions): Promise<WhepListener> {
  const d = CLIENT_DEFAULTS;
  const started = performance.now();
  const decoder = options.onPcm ? new opus.OpusEncoder(d.sampleRate, 1) : undefined;
  let firstPacketMs = -1;
  let lastPacketAt = -1;
  let packetsReceived = 0;
  let bytesReceived = 0;
  let packetsLost = 0;
  let decodeErrors = 0;
  let kept: KeptSession<{ pc: ndc.PeerConnection; location: string | undefined }> | undefined;
  const connect = async (connectTimeoutMs: number, signal?: AbortSignal) => {
    const pc = newPeer('whep');
    const audio = new ndc.Audio('0', 'RecvOnly');
    audio.addOpusCodec(d.opusPayloadType);
    const track = pc.addTrack(audio);
    // A new session starts a new RTP sequence: gaps are counted within one session only.
    let lastSequence = -1;
    // Registered before the answer is applied: the first packets can arrive before connect resolves.
    track.onMessage((message) => {
      if (kept?.state === 'closed' || isRtcp(message)) return;
      // Only the current session is heard: a next one (a move, a republish) from when it takes over.
      if (kept && kept.current?.pc !== pc) return;
      const packet = parseRtp(message);
      if (typeof packet === 'string') return;
      lastPacketAt = performance.now();
      if (firstPacketMs < 0) firstPacketMs = lastPacketAt - started;
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
    const location = await negotiate(pc, track, {
      url: options.url, bearer: options.bearer, connectTimeoutMs, requestTimeoutMs: d.requestTimeoutMs, signal,
    });
    return { pc, location };
  };
  kept = new KeptSession(await firstSession(connect, options.connectTimeoutMs ?? d.connectTimeoutMs, options.signal), connect, {
    bearer: options.bearer, reconnect: options.reconnect, signal: options.signal,
  });
  const session = kept;
  const connectMs = performance.now() - started;
  // The programme sends a frame every 20 ms, silence included: when none has come for a while its
  // origin may be gone, and the session is probed at once rather than at the next second.
  let checkedAfter = -1;
  const silence = options.reconnect === false ? undefined : setInterval(() => {
    if (session.state !== 'connected' || lastPacketAt < 0 || lastPacketAt === checkedAfter) return;
    if (performance.now() - lastPacketAt < RECONNECT_DEFAULTS.mediaSilentMs) return;
    checkedAfter = lastPacketAt;
    session.check();
  }, RECONNECT_DEFAULTS.mediaSilentMs / 3);
  silence?.unref();
  options.signal?.addEventListener('abort', () => clearInterval(silence), { once: true });
  return {
    get location() { return session.location; },
    stats: () => ({
      state: session.state, connectMs, firstPacketMs, packetsReceived, bytesReceived, packetsLost, decodeErrors, lastPacketAt,
      ...session.counters(),
    }),
    close: () => { clearInterval(silence); return session.close(); },
    on: (event, listener) => session.events.on(event, listener),
    off: (event, listener) => session.events.off(event, listener),
  };
}
