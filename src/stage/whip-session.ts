import { performance } from 'node:perf_hooks';
import type ndc from 'node-datachannel';
import type { PeerSetup } from './rtc-engine.js';
import { isRtcp, parseRtp, type RtpPacket } from './rtp.js';
import { stageMetrics } from './metrics.js';

export type LostReason = 'ice' | 'media-timeout' | 'never-connected';

export interface WhipSessionHandlers {
  onPacket(packet: RtpPacket, now: number): void;
  onConnected(): void;
  /** The network went away (not called after close()). */
  onLost(reason: LostReason): void;
}

/** How long a new session may take to connect before it counts as lost. */
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * One speaker's publishing session (WHIP). Owns the PeerConnection; hands valid Opus RTP to the
 * seat's receive path and reports when media stops (ICE failure, or no RTP for mediaTimeoutMs:
 * a browser with DTX still sends a packet every 400 ms).
 */
export class WhipSession {
  readonly id: string;
  readonly spaceId: string;
  readonly participantId: string;
  readonly #pc: ndc.PeerConnection;
  readonly #track: ndc.Track;
  readonly #payloadType: number;
  readonly #handlers: WhipSessionHandlers;
  readonly #mediaTimeoutMs: number;
  readonly #watchdog: NodeJS.Timeout;
  readonly #createdAt = performance.now();
  #lastPacketAt = 0;
  #connected = false;
  #closed = false;

  constructor(id: string, spaceId: string, participantId: string, peer: PeerSetup, mediaTimeoutMs: number, handlers: WhipSessionHandlers) {
    this.id = id;
    this.spaceId = spaceId;
    this.participantId = participantId;
    this.#pc = peer.pc;
    this.#track = peer.track;
    this.#payloadType = peer.offer.opusPayloadType;
    this.#handlers = handlers;
    this.#mediaTimeoutMs = mediaTimeoutMs;
    this.#track.onMessage((message) => this.#onMessage(message));
    this.#pc.onStateChange((state) => this.#onState(state));
    this.#watchdog = setInterval(() => this.#checkMedia(), Math.min(1000, mediaTimeoutMs / 2));
    this.#watchdog.unref();
  }

  get closed(): boolean {
    return this.#closed;
  }

  get connected(): boolean {
    return this.#connected;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#watchdog);
    try {
      this.#pc.close();
    } catch {
      // Already torn down by libdatachannel: nothing left to release.
    }
  }

  /** Packet path; runs for every inbound RTP/RTCP message, so it must never throw. */
  #onMessage(message: Buffer): void {
    if (this.#closed) return;
    try {
      if (isRtcp(message)) return; // Sender reports: nothing we need for audio-only mixing.
      const packet = parseRtp(message);
      if (typeof packet === 'string') {
        stageMetrics.packetsDropped.inc({ reason: 'malformed' });
        return;
      }
      if (packet.payloadType !== this.#payloadType) {
        stageMetrics.packetsDropped.inc({ reason: 'payload-type' });
        return;
      }
      this.#lastPacketAt = performance.now();
      this.#handlers.onPacket(packet, this.#lastPacketAt);
    } catch {
      stageMetrics.packetsDropped.inc({ reason: 'malformed' });
    }
  }

  #onState(state: string): void {
    if (this.#closed) return;
    if (state === 'connected' && !this.#connected) {
      this.#connected = true;
      this.#lastPacketAt = performance.now();
      this.#handlers.onConnected();
    } else if (state === 'failed' || state === 'closed' || (state === 'disconnected' && this.#connected)) {
      this.#lose('ice');
    }
  }

  #checkMedia(): void {
    if (this.#closed) return;
    const now = performance.now();
    if (!this.#connected) {
      if (now - this.#createdAt > CONNECT_TIMEOUT_MS) this.#lose('never-connected');
    } else if (now - this.#lastPacketAt > this.#mediaTimeoutMs) {
      this.#lose('media-timeout');
    }
  }

  #lose(reason: LostReason): void {
    this.close();
    stageMetrics.seatTimeouts.inc();
    this.#handlers.onLost(reason);
  }
}
