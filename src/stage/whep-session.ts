import type ndc from 'node-datachannel';
import type { ListenGrant } from '../media/types.js';
import type { PeerSetup } from './rtc-engine.js';

/**
 * One WHEP listener. Receives nothing from the mixer itself: its FanoutStream hands it ready-made
 * RTP, so per listener the cost is SRTP and a send (done by libdatachannel).
 */
export class WhepSession {
  readonly id: string;
  readonly spaceId: string;
  readonly grant: ListenGrant;
  readonly payloadType: number;
  readonly #pc: ndc.PeerConnection;
  readonly #track: ndc.Track;
  #closed = false;
  /** Mirrors track.isOpen() without a native call per packet (the fan-out loop is hot). */
  #open: boolean;
  #onEnded: (() => void) | undefined;
  #onConnected: (() => void) | undefined;
  readonly #connectTimer: NodeJS.Timeout;

  /** A session whose media has not connected after `connectTimeoutMs` ends by itself. */
  constructor(id: string, spaceId: string, grant: ListenGrant, peer: PeerSetup, connectTimeoutMs: number) {
    this.id = id;
    this.spaceId = spaceId;
    this.grant = grant;
    this.payloadType = peer.offer.opusPayloadType;
    this.#pc = peer.pc;
    this.#track = peer.track;
    this.#open = peer.track.isOpen();
    this.#connectTimer = setTimeout(() => { if (!this.#open) this.#end(); }, connectTimeoutMs);
    this.#connectTimer.unref();
    this.#track.onOpen(() => {
      this.#open = true;
      clearTimeout(this.#connectTimer);
      this.#onConnected?.();
    });
    this.#track.onClosed(() => { this.#open = false; });
    this.#pc.onStateChange((state) => {
      if (state === 'failed' || state === 'closed' || state === 'disconnected') this.#end();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get connected(): boolean {
    return this.#open;
  }

  /** Called once when the media connects (at once if it already has). */
  onConnected(callback: () => void): void {
    this.#onConnected = callback;
    if (this.#open) callback();
  }

  /** Called once when the peer goes away by itself (not after close()). */
  onEnded(callback: () => void): void {
    this.#onEnded = callback;
  }

  /** Sends one RTP packet if the track is open; returns whether it was handed to libdatachannel. */
  send(packet: Buffer): boolean {
    if (this.#closed || !this.#open) return false;
    try {
      return this.#track.sendMessageBinary(packet);
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#connectTimer);
    try {
      this.#pc.close();
    } catch {
      // Already closed natively.
    }
  }

  #end(): void {
    if (this.#closed) return;
    this.close();
    this.#onEnded?.();
  }
}
