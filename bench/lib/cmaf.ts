import { readBoxes } from '../../src/audience/box-writer.js';

/** The Opus packets of a CMAF chunk (moof + mdat), from trun's sample sizes. */
export function opusPackets(chunk: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (const box of readBoxes(chunk)) {
    if (box.type !== 'moof') continue;
    const trun = chunk.indexOf(Buffer.from('trun', 'latin1'), box.start) - 4;
    const count = chunk.readUInt32BE(trun + 12);
    let at = box.start + chunk.readUInt32BE(trun + 16);
    for (let i = 0; i < count; i++) {
      const size = chunk.readUInt32BE(trun + 20 + i * 8 + 4);
      out.push(chunk.subarray(at, at + size));
      at += size;
    }
  }
  return out;
}
