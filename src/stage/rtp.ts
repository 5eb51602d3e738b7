/** Minimal RTP (RFC 3550) parsing and writing: what the receive path and the WHEP fan-out need. */
export interface RtpPacket {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Buffer;
}

export type RtpParseError = 'too-short' | 'version' | 'csrc' | 'extension' | 'padding' | 'empty';

/** RFC 5761 §4: with rtcp-mux, a second byte in 192..223 (PT 64..95 with the marker bit) is RTCP. */
export function isRtcp(packet: Uint8Array): boolean {
  if (packet.length < 2) return false;
  const pt = packet[1]! ;
  return pt >= 192 && pt <= 223;
}

export function parseRtp(buf: Buffer): RtpPacket | RtpParseError {
  if (buf.length < 12) return 'too-short';
  const b0 = buf[0]!;
  if (b0 >> 6 !== 2) return 'version';
  let offset = 12 + (b0 & 0x0f) * 4;
  if (offset > buf.length) return 'csrc';
  if (b0 & 0x10) {
    if (offset + 4 > buf.length) return 'extension';
    offset += 4 + buf.readUInt16BE(offset + 2) * 4;
    if (offset > buf.length) return 'extension';
  }
  let end = buf.length;
  if (b0 & 0x20) {
    const padding = buf[buf.length - 1]!;
    if (padding === 0 || end - padding < offset) return 'padding';
    end -= padding;
  }
  if (end <= offset) return 'empty';
  const b1 = buf[1]!;
  return {
    payloadType: b1 & 0x7f,
    marker: (b1 & 0x80) !== 0,
    sequence: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    // A copy: the native layer may reuse its buffer, and the packet waits in the jitter buffer.
    payload: Buffer.from(buf.subarray(offset, end)),
  };
}

/** One RTP packet with a 12-byte header and no extensions. */
export function writeRtp(
  payloadType: number, sequence: number, timestamp: number, ssrc: number, payload: Buffer, marker = false,
): Buffer {
  const packet = Buffer.allocUnsafe(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  packet.writeUInt16BE(sequence & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
  payload.copy(packet, 12);
  return packet;
}
