import { Redis } from 'ioredis';
import type { EncodedFrame } from '../media/types.js';
import { closeRedis } from '../bus/redis/close-redis.js';

/** The timeline of a Space's stream (the audience plane's StreamEpoch): a standby joins on it. */
export interface ProgrammeEpoch {
  readonly pts: number;
  readonly msn: number;
  readonly decodeTime: number;
  readonly fragmentSequence: number;
}

export interface RelayedFrame {
  readonly epoch: ProgrammeEpoch;
  readonly frame: EncodedFrame;
}

/**
 * The primary's last word on a hand-over: it relayed its last frame (pts `end`) and stops. The standby,
 * holding the lease by then, mixes from the next frame on with no silence between.
 */
export interface RelayEnd {
  readonly end: number;
}

/** The primary passed the lease to the standby and keeps relaying while its speakers move: promote now. */
export interface RelayPassing {
  readonly passing: true;
}

export type RelayMessage = RelayedFrame | RelayEnd | RelayPassing;

const VERSION = 1;
/** A message of its own version: version u8 | last pts float64. */
const END_VERSION = 2;
const END_LENGTH = 1 + 8;
/** version u8 alone. */
const PASSING_VERSION = 3;
/** version u8 | epoch pts, msn, decodeTime, fragmentSequence | frame pts, wallClock: six float64. */
const HEADER = 1 + 6 * 8;
/** An Opus packet of 20 ms at any bitrate this programme uses fits in far less (RFC 6716: 1275 bytes per frame). */
const MAX_OPUS = 1_275;

export function encodeRelayedFrame({ epoch, frame }: RelayedFrame): Buffer {
  const out = Buffer.allocUnsafe(HEADER + frame.opus.length);
  out.writeUInt8(VERSION, 0);
  let o = 1;
  for (const v of [epoch.pts, epoch.msn, epoch.decodeTime, epoch.fragmentSequence, frame.pts, frame.wallClock]) {
    out.writeDoubleBE(v, o);
    o += 8;
  }
  frame.opus.copy(out, HEADER);
  return out;
}

export function encodeRelayEnd({ end }: RelayEnd): Buffer {
  const out = Buffer.allocUnsafe(END_LENGTH);
  out.writeUInt8(END_VERSION, 0);
  out.writeDoubleBE(end, 1);
  return out;
}

/** null for anything that is not a message of these versions (another deployment's, a stray publish). */
export function decodeRelayMessage(data: Buffer): RelayMessage | null {
  if (data.length === 1 && data.readUInt8(0) === PASSING_VERSION) return { passing: true };
  if (data.length === END_LENGTH && data.readUInt8(0) === END_VERSION) {
    const end = data.readDoubleBE(1);
    return Number.isInteger(end) && end >= 0 ? { end } : null;
  }
  if (data.length <= HEADER || data.length > HEADER + MAX_OPUS || data.readUInt8(0) !== VERSION) return null;
  const v: number[] = [];
  for (let o = 1; o < HEADER; o += 8) v.push(data.readDoubleBE(o));
  if (!v.every(Number.isFinite) || !v.slice(0, 4).every((x) => Number.isInteger(x) && x >= 0)) return null;
  const [pts, msn, decodeTime, fragmentSequence, framePts, wallClock] = v as [number, number, number, number, number, number];
  return {
    epoch: { pts, msn, decodeTime, fragmentSequence },
    frame: { pts: framePts, wallClock, opus: Buffer.from(data.subarray(HEADER)) },
  };
}

/**
 * Carries each live Space's encoded programme from the origin mixing it to its hot standby, 50 frames a
 * second of a few hundred bytes (Redis pub/sub on `<prefix>:prog:{<space>}`). Lossy by nature: a frame
 * that does not arrive is concealed with silence by the standby's stream; on loopback and a LAN none is
 * lost. The publisher writes before it packages the frame itself, so every part the primary has
 * served was sent to the standby before the primary could die.
 */
export class ProgrammeRelay {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #prefix: string;
  readonly #handlers = new Map<string, (message: RelayMessage) => void>();

  constructor(url: string, prefix: string, onError: (err: unknown) => void) {
    this.#prefix = prefix;
    // No offline queue: a frame that cannot go now is worthless a second later.
    this.#pub = new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
    this.#sub = new Redis(url, { maxRetriesPerRequest: null });
    this.#pub.on('error', onError);
    this.#sub.on('error', onError);
    this.#sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const spaceId = this.#spaceOf(channel.toString());
      const handler = spaceId === undefined ? undefined : this.#handlers.get(spaceId);
      const relayed = handler && decodeRelayMessage(message);
      if (handler && relayed) handler(relayed);
    });
  }

  #channel(spaceId: string): string { return `${this.#prefix}:prog:{${spaceId}}`; }
  #spaceOf(channel: string): string | undefined {
    const head = `${this.#prefix}:prog:{`;
    return channel.startsWith(head) && channel.endsWith('}') ? channel.slice(head.length, -1) : undefined;
  }

  publish(spaceId: string, relayed: RelayedFrame): void {
    if (this.#pub.status !== 'ready') return;
    this.#pub.publish(this.#channel(spaceId), encodeRelayedFrame(relayed)).catch(() => { /* the standby conceals it */ });
  }

  /** After the last frame of a hand-over; awaited, so that the primary closes only once it is sent. */
  async publishEnd(spaceId: string, end: RelayEnd): Promise<void> {
    await this.#send(spaceId, encodeRelayEnd(end));
  }

  /** At the start of a hand-over, once the lease is the standby's. */
  async publishPassing(spaceId: string): Promise<void> {
    await this.#send(spaceId, Buffer.from([PASSING_VERSION]));
  }

  async #send(spaceId: string, message: Buffer): Promise<void> {
    if (this.#pub.status !== 'ready') return;
    // Lost, the standby still notices: its reconciler ticks every second, and the relay falls silent.
    await this.#pub.publish(this.#channel(spaceId), message).catch(() => {});
  }

  /** One handler per Space on this origin; returns the function that unsubscribes. */
  subscribe(spaceId: string, handler: (message: RelayMessage) => void): () => void {
    this.#handlers.set(spaceId, handler);
    void this.#sub.subscribe(this.#channel(spaceId)).catch(() => {});
    return () => {
      if (this.#handlers.get(spaceId) !== handler) return;
      this.#handlers.delete(spaceId);
      void this.#sub.unsubscribe(this.#channel(spaceId)).catch(() => {});
    };
  }

  async close(): Promise<void> {
    this.#handlers.clear();
    await Promise.all([closeRedis(this.#pub), closeRedis(this.#sub)]);
  }
}
