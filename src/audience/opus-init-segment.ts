import { box, fullBox, fourcc, i16, u16, u32, u8, zeros, UNITY_MATRIX } from './box-writer.js';

/**
 * The CMAF init segment for one Opus track: ftyp + moov (mvhd, trak, mvex/trex), empty sample tables.
 * The Opus sample entry and its dOps box follow "Encapsulation of Opus in ISO Base Media File Format"
 * (opus-codec.org, v0.8.1) §4.3; everything else ISO/IEC 14496-12 and CMAF (ISO/IEC 23000-19) §7.
 */
export interface OpusTrackConfig {
  readonly trackId: number;
  /** Media timescale; 48000 so one 20 ms frame lasts 960 ticks. */
  readonly timescale: number;
  readonly channelCount: number;
  /** Samples the decoder discards at the start (the encoder's look-ahead; libopus: 312 at 48 kHz). */
  readonly preSkip: number;
  /** The rate of the audio given to the encoder; informative only, the decoder always runs at 48 kHz. */
  readonly inputSampleRate: number;
}

export const DEFAULT_OPUS_TRACK: OpusTrackConfig = Object.freeze({
  trackId: 1,
  timescale: 48_000,
  channelCount: 1,
  preSkip: 312,
  inputSampleRate: 48_000,
});

/** The RFC 6381 codecs value. The sample entry 4CC is 'Opus'; see codecsAttribute for why we write 'opus'. */
export const OPUS_SAMPLE_ENTRY = 'Opus';

/**
 * What goes into CODECS= and a MSE type. The 4CC is 'Opus', but Chromium's MSE accepts both 'opus'
 * and 'Opus' (checked in test/audience/browser-mse.test.ts), Firefox documents 'opus', and hls.js
 * rewrites either spelling to the one MediaSource.isTypeSupported() accepts ('opus' first). Lower
 * case is therefore the value every MSE player takes. Safari's native player was not checked here.
 */
export const OPUS_CODECS_ATTRIBUTE = 'opus';

function ftyp(): Buffer {
  // CMAF §7.2: 'cmfc' signals a CMAF track; 'iso6' covers tfdt v1 and default-base-is-moof. Opus in
  // ISOBMFF §4.1 defines the 'Opus' brand and needs a brand with roll groups ('iso2'; 'iso6' implies it).
  return box('ftyp', fourcc('iso6'), u32(0), fourcc('iso6'), fourcc('cmfc'), fourcc('iso2'), fourcc('Opus'));
}

function mvhd(c: OpusTrackConfig): Buffer {
  return fullBox('mvhd', 0, 0,
    u32(0), u32(0), // creation, modification: 0 is allowed and keeps the bytes deterministic
    u32(c.timescale), u32(0), // duration 0: fragmented, see mvex
    u32(0x00010000), u16(0x0100), zeros(10), // rate 1.0, volume 1.0, reserved
    UNITY_MATRIX, zeros(24), // pre_defined
    u32(c.trackId + 1)); // next_track_ID
}

function tkhd(c: OpusTrackConfig): Buffer {
  // flags 3: track_enabled | track_in_movie
  return fullBox('tkhd', 0, 3,
    u32(0), u32(0), u32(c.trackId), u32(0), u32(0), // creation, modification, id, reserved, duration
    zeros(8), u16(0), u16(0), u16(0x0100), u16(0), // reserved, layer, alternate_group, volume, reserved
    UNITY_MATRIX, u32(0), u32(0)); // width, height: audio
}

function mdhd(c: OpusTrackConfig): Buffer {
  // language 'und' packed as three 5-bit letters minus 0x60
  const und = ((('u'.charCodeAt(0) - 0x60) << 10) | (('n'.charCodeAt(0) - 0x60) << 5) | ('d'.charCodeAt(0) - 0x60));
  return fullBox('mdhd', 0, 0, u32(0), u32(0), u32(c.timescale), u32(0), u16(und), u16(0));
}

function hdlr(): Buffer {
  return fullBox('hdlr', 0, 0, u32(0), fourcc('soun'), zeros(12), Buffer.from('SoundHandler\0', 'latin1'));
}

/** Opus-in-ISOBMFF §4.3.2: OpusSpecificBox. A plain Box (not a FullBox) whose first byte is Version 0. */
export function dOps(c: OpusTrackConfig): Buffer {
  return box('dOps',
    u8(0), // Version
    u8(c.channelCount), // OutputChannelCount
    u16(c.preSkip), // PreSkip, in 48 kHz samples
    u32(c.inputSampleRate), // InputSampleRate
    i16(0), // OutputGain (Q7.8 dB)
    u8(0)); // ChannelMappingFamily 0: mono or stereo, no mapping table
}

/** §4.3.1: the 'Opus' AudioSampleEntry; samplerate 48000 in 16.16 and samplesize 16 as the spec asks. */
function opusSampleEntry(c: OpusTrackConfig): Buffer {
  return box(OPUS_SAMPLE_ENTRY,
    zeros(6), u16(1), // reserved, data_reference_index
    zeros(8), // reserved (AudioSampleEntry v0)
    u16(c.channelCount), u16(16), u16(0), u16(0), // channelcount, samplesize, pre_defined, reserved
    u32(48_000 * 65_536), // samplerate 16.16: Opus always decodes at 48 kHz
    dOps(c));
}

/** Opus needs 80 ms of pre-roll after a random access (Opus in ISOBMFF §4.3.6.2): 4 frames of 20 ms. */
export const OPUS_ROLL_DISTANCE = -4;

function stbl(c: OpusTrackConfig): Buffer {
  return box('stbl',
    fullBox('stsd', 0, 0, u32(1), opusSampleEntry(c)),
    fullBox('stts', 0, 0, u32(0)),
    fullBox('stsc', 0, 0, u32(0)),
    fullBox('stsz', 0, 0, u32(0), u32(0)),
    fullBox('stco', 0, 0, u32(0)),
    // §4.3.6.2: a 'roll' sample group description (AudioRollRecoveryEntry); each traf's sbgp points at it.
    fullBox('sgpd', 1, 0, fourcc('roll'), u32(2), u32(1), i16(OPUS_ROLL_DISTANCE)));
}

/**
 * §4.4: an edit list shall be present. Live, the total duration is unknown, so segment_duration 0
 * ("the sum of all samples", ISO/IEC 14496-12 §8.6.6 for fragmented files), and media_time 0: the
 * presentation timeline is the decode timeline, so every part sits exactly where the playlist says.
 * With media_time = pre-skip, browsers shift every appended part 6.5 ms earlier than its playlist
 * time; hls.js then finds the buffered end inside the segment's last part and fetches that part
 * again, hundreds of times a second, until a stall nudges it (a listener who joins a live Space
 * never hears the stream's first 6.5 ms anyway). dOps still carries the pre-skip for decoders that
 * start at the very beginning.
 */
function edts(): Buffer {
  return box('edts', fullBox('elst', 0, 0, u32(1), u32(0), u32(0), u16(1), u16(0)));
}

function minf(c: OpusTrackConfig): Buffer {
  return box('minf',
    fullBox('smhd', 0, 0, u16(0), u16(0)), // balance, reserved
    box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))), // flag 1: media in this file
    stbl(c));
}

function trex(c: OpusTrackConfig): Buffer {
  // default duration 960 (one 20 ms frame); default flags 0: every sample is a sync sample
  return fullBox('trex', 0, 0, u32(c.trackId), u32(1), u32(960), u32(0), u32(0));
}

export function buildInitSegment(config: Partial<OpusTrackConfig> = {}): Buffer {
  const c: OpusTrackConfig = { ...DEFAULT_OPUS_TRACK, ...config };
  const trak = box('trak', tkhd(c), edts(), box('mdia', mdhd(c), hdlr(), minf(c)));
  return Buffer.concat([ftyp(), box('moov', mvhd(c), trak, box('mvex', trex(c)))]);
}
