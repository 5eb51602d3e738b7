/** One Opus packet and its duration in timescale ticks (960 for 20 ms at 48 kHz). */
export interface Sample {
  readonly data: Buffer;
  readonly duration: number;
}

export interface FragmentInput {
  readonly trackId: number;
  /** mfhd sequence_number: strictly increasing across the whole track, restarts included. */
  readonly sequenceNumber: number;
  /** tfdt baseMediaDecodeTime of the first sample, in timescale ticks. */
  readonly baseMediaDecodeTime: number;
  readonly samples: readonly Sample[];
}

// tfhd flags (ISO/IEC 14496-12 §8.8.7): default-base-is-moof, so data_offset counts from this moof
// (CMAF §7.5.15 requires it and forbids base_data_offset).
const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
// trun flags (§8.8.8): data-offset-present | sample-duration-present | sample-size-present.
const TRUN_FLAGS = 0x000001 | 0x000100 | 0x000200;

/**
 * A CMAF chunk: moof (mfhd, traf(tfhd, tfdt v1, trun, sbgp)) + mdat, written into one buffer.
 * This runs for every part of every live Space, so it writes the fixed layout directly instead of
 * concatenating small boxes (box-writer.ts builds the init segment, where clarity wins); the layout
 * is checked box by box in muxer.test.ts and by ffprobe.
 *
 *   moof 8 | mfhd 16 | traf 8 | tfhd 16 | tfdt 20 | trun 20 + 8n | sbgp 28 | mdat 8 + payload
 */
export function buildFragment(input: FragmentInput): Buffer {
  const n = input.samples.length;
  if (n === 0) throw new RangeError('a fragment needs at least one sample');
  let payload = 0;
  for (const s of input.samples) payload += s.data.length;
  const trunSize = 20 + 8 * n;
  const trafSize = 8 + 16 + 20 + trunSize + 28;
  const moofSize = 8 + 16 + trafSize;
  const buf = Buffer.allocUnsafe(moofSize + 8 + payload);
  let at = 0;
  const u32 = (v: number): void => { buf.writeUInt32BE(v >>> 0, at); at += 4; };
  const type = (t: string): void => { buf.write(t, at, 4, 'latin1'); at += 4; };
  u32(moofSize); type('moof');
  u32(16); type('mfhd'); u32(0); u32(input.sequenceNumber);
  u32(trafSize); type('traf');
  u32(16); type('tfhd'); u32(TFHD_DEFAULT_BASE_IS_MOOF); u32(input.trackId);
  u32(20); type('tfdt'); u32(0x01000000); buf.writeBigUInt64BE(BigInt(input.baseMediaDecodeTime), at); at += 8;
  u32(trunSize); type('trun'); u32(TRUN_FLAGS); u32(n); u32(moofSize + 8); // data_offset: first byte after the mdat header
  for (const s of input.samples) { u32(s.duration); u32(s.data.length); }
  // Opus in ISOBMFF §4.3.6.2: every traf maps its samples to the init segment's 'roll' group (index 1).
  u32(28); type('sbgp'); u32(0); type('roll'); u32(1); u32(n); u32(1);
  u32(8 + payload); type('mdat');
  for (const s of input.samples) { s.data.copy(buf, at); at += s.data.length; }
  return buf;
}

export function fragmentDuration(samples: readonly Sample[]): number {
  return samples.reduce((n, s) => n + s.duration, 0);
}
