/**
 * A tiny ISO BMFF (ISO/IEC 14496-12) box writer. Boxes are built bottom-up from Buffers, so a box's
 * size is known when its header is written; nothing is patched afterwards.
 */

/** A 4CC as four ASCII bytes. Throws TypeError on anything else: a typo here corrupts every file. */
export function fourcc(code: string): Buffer {
  if (code.length !== 4 || !/^[\x20-\x7e]{4}$/.test(code)) throw new TypeError(`not a 4CC: ${JSON.stringify(code)}`);
  return Buffer.from(code, 'latin1');
}

export function u8(value: number): Buffer {
  const b = Buffer.allocUnsafe(1);
  b.writeUInt8(value);
  return b;
}

export function u16(value: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(value);
  return b;
}

export function i16(value: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeInt16BE(value);
  return b;
}

export function u24(value: number): Buffer {
  const b = Buffer.allocUnsafe(3);
  b.writeUIntBE(value, 0, 3);
  return b;
}

export function u32(value: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

export function u64(value: number | bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(BigInt(value));
  return b;
}

export function zeros(length: number): Buffer {
  return Buffer.alloc(length);
}

/** A plain box: 32-bit size, type, payload. (No box we write comes near 4 GiB.) */
export function box(type: string, ...payload: readonly Buffer[]): Buffer {
  const size = 8 + payload.reduce((n, p) => n + p.length, 0);
  return Buffer.concat([u32(size), fourcc(type), ...payload], size);
}

/** A FullBox (§4.2): a box whose payload starts with version (8 bits) and flags (24 bits). */
export function fullBox(type: string, version: number, flags: number, ...payload: readonly Buffer[]): Buffer {
  return box(type, u8(version), u24(flags), ...payload);
}

/** The identity matrix of mvhd/tkhd (§8.2.2, §8.3.2), fixed-point 16.16 and 2.30. */
export const UNITY_MATRIX: Buffer = Buffer.concat(
  [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].map((v) => u32(v)),
);

/** Reads the top-level boxes of a buffer (tests and the recording concatenation use it). */
export function* readBoxes(buf: Buffer, start = 0, end = buf.length): Generator<{ type: string; start: number; size: number }> {
  let at = start;
  while (at + 8 <= end) {
    const size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (size < 8 || at + size > end) throw new RangeError(`bad box ${type} of size ${size} at ${at}`);
    yield { type, start: at, size };
    at += size;
  }
}
