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
// (CMAF §7.5.15 requires it and forbids base_data_offset); default-sample-duration-present when every
// sample lasts the same (the program's 20 ms frames always do): 4 bytes per sample fewer in the trun,
// which every listener downloads several times a second.
const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
const TFHD_DEFAULT_SAMPLE_DURATION = 0x000008;
// trun flags (§8.8.8): data-offset-present | sample-size-present, and sample-duration-present when
// the durations differ.
const TRUN_DATA_OFFSET = 0x000001;
const TRUN_SAMPLE_DURATION = 0x000100;
const TRUN_SAMPLE_SIZE = 0x000200;

/** Bytes of a fragment besides its samples' data: what each part costs on top of the audio. */
export function fragmentOverhead(sampleCount: number, uniformDuration = true): number {
  const tfhd = uniformDuration ? 20 : 16;
  const trun = 20 + (uniformDuration ? 4 : 8) * sampleCount;
  return 8 + 16 + 8 + tfhd + 20 + trun + 28 + 8;
}

/**
 * A CMAF chunk: moof (mfhd, traf(tfhd, tfdt v1, trun, sbgp)) + mdat, written into one buffer.
 * This runs for every part of every live Space, so it writes the fixed layout directly instead of
 * concatenating small boxes (box-writer.ts builds the init segment, where clarity wins); the layout
 * is checked box by box in muxer.test.ts and by ffprobe.
 *
 *   moof 8 | mfhd 16 | traf 8 | tfhd 20 | tfdt 20 | trun 20 + 4n | sbgp 28 | mdat 8 + payload
 *   (tfhd 16 and trun 20 + 8n when the samples' durations differ)
 */
export function buildFragment(input: FragmentInput): Buffer {
  const n = input.samples.length;
  if (n === 0) throw new RangeError('a fragment needs at least one sample');
  let payload = 0;
  for (const s of input.samples) payload += s.data.length;
  const duration0 = input.samples[0]!.duration;
  const uniform = input.samples.every((s) => s.duration === duration0);
  const tfhdSize = uniform ? 20 : 16;
  const trunSize = 20 + (uniform ? 4 : 8) * n;
  const trafSize = 8 + tfhdSize + 20 + trunSize + 28;
  const moofSize = 8 + 16 + trafSize;
  const buf = Buffer.allocUnsafe(moofSize + 8 + payload);
  let at = 0;
  const u32 = (v: number): void => { buf.writeUInt32BE(v >>> 0, at); at += 4; };
  const type = (t: string): void => { buf.write(t, at, 4, 'latin1'); at += 4; };
  u32(moofSize); type('moof');
  u32(16); type('mfhd'); u32(0); u32(input.sequenceNumber);
  u32(trafSize); type('traf');
  if (uniform) { u32(20); type('tfhd'); u32(TFHD_DEFAULT_BASE_IS_MOOF | TFHD_DEFAULT_SAMPLE_DURATION); u32(input.trackId); u32(duration0); }
  else { u32(16); type('tfhd'); u32(TFHD_DEFAULT_BASE_IS_MOOF); u32(input.trackId); }
  u32(20); type('tfdt'); u32(0x01000000); buf.writeBigUInt64BE(BigInt(input.baseMediaDecodeTime), at); at += 8;
  u32(trunSize); type('trun'); u32(TRUN_DATA_OFFSET | TRUN_SAMPLE_SIZE | (uniform ? 0 : TRUN_SAMPLE_DURATION)); u32(n);
  u32(moofSize + 8); // data_offset: first byte after the mdat header
  if (uniform) for (const s of input.samples) u32(s.data.length);
  else for (const s of input.samples) { u32(s.duration); u32(s.data.length); }
  // Opus in ISOBMFF §4.3.6.2: every traf maps its samples to the init segment's 'roll' group (index 1).
  u32(28); type('sbgp'); u32(0); type('roll'); u32(1); u32(n); u32(1);
  u32(8 + payload); type('mdat');
  for (const s of input.samples) { s.data.copy(buf, at); at += s.data.length; }
  return buf;
}

export function fragmentDuration(samples: readonly Sample[]): number {
  return samples.reduce((n, s) => n + s.duration, 0);
}
