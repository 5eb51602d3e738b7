import { readBoxes } from '../../src/audience/box-writer.js';

/**
 * The Opus packets of a CMAF chunk (moof + mdat), from trun's sample sizes. The trun's flags say which
 * fields each sample carries (ISO/IEC 14496-12 §8.8.8): the packager writes sizes only, with the
 * duration in tfhd, and older recordings carry a duration per sample too.
 */
export function opusPackets(chunk: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (const box of readBoxes(chunk)) {
    if (box.type !== 'moof') continue;
    const trun = chunk.indexOf(Buffer.from('trun', 'latin1'), box.start) - 4;
    const flags = chunk.readUInt32BE(trun + 8) & 0xffffff;
    const count = chunk.readUInt32BE(trun + 12);
    let field = trun + 16;
    let at = box.start;
    if (flags & 0x1) { at += chunk.readInt32BE(field); field += 4; }
    if (flags & 0x4) field += 4;
    const perSample = [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length * 4;
    const sizeAt = flags & 0x100 ? 4 : 0;
    if (!(flags & 0x200)) throw new Error('trun without sample sizes');
    for (let i = 0; i < count; i++) {
      const size = chunk.readUInt32BE(field + i * perSample + sizeAt);
      out.push(chunk.subarray(at, at + size));
      at += size;
    }
  }
  return out;
}
