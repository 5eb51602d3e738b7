import { randomInt } from 'node:crypto';
import type { EncodedFrame } from '../media/types.js';
import { writeRtp } from './rtp.js';
import type { WhepSession } from './whep-session.js';
import { stageMetrics } from './metrics.js';

/**
 * One encoded output (the program, or one seat's mix-minus) fanned out to its WHEP listeners.
 * The frame is encoded once by the mixer and packetized once here: every listener of the stream
 * gets the same RTP packet (same SSRC, sequence and timestamp; each has its own SRTP context), one
 * packet per payload type in use (browsers differ: 111, 109...).
 */
export class FanoutStream {
  readonly ssrc = randomInt(1, 0xffff_fffe);
  readonly streamId: string;
  readonly #listeners = new Set<WhepSession>();
  readonly #packets = new Map<number, Buffer>();
  readonly #timestampOffset = randomInt(0, 0xffff_ffff);
  #sequence = randomInt(0, 0xffff);
  #sent = 0;

  constructor(streamId: string) {
    this.streamId = streamId;
  }

  get size(): number {
    return this.#listeners.size;
  }

  get packetsSent(): number {
    return this.#sent;
  }

  get listeners(): ReadonlySet<WhepSession> {
    return this.#listeners;
  }

  add(session: WhepSession): void {
    this.#listeners.add(session);
  }

  delete(session: WhepSession): void {
    this.#listeners.delete(session);
  }

  push(frame: EncodedFrame): void {
    const sequence = this.#sequence;
    this.#sequence = (this.#sequence + 1) & 0xffff;
    if (this.#listeners.size === 0) return;
    const timestamp = (this.#timestampOffset + frame.pts) >>> 0;
    this.#packets.clear();
    let sent = 0;
    for (const listener of this.#listeners) {
      let packet = this.#packets.get(listener.payloadType);
      if (!packet) {
        packet = writeRtp(listener.payloadType, sequence, timestamp, this.ssrc, frame.opus);
        this.#packets.set(listener.payloadType, packet);
      }
      if (listener.send(packet)) sent += 1;
    }
    this.#sent += sent;
    stageMetrics.packetsSent.inc(sent);
  }
}
