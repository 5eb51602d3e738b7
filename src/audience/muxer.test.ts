import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { box, fullBox, readBoxes, u32 } from './box-writer.js';
import { buildFragment, fragmentOverhead } from './fragment.js';
import { buildInitSegment, dOps, DEFAULT_OPUS_TRACK } from './opus-init-segment.js';
import { OPUS_SILENCE } from './live-stream.js';
import { requireProgram } from '../../test/helpers/require-program.js';

/** Finds a box by path (e.g. 'moov/trak/mdia/minf/stbl/stsd') in a buffer of top-level boxes. */
function find(buf: Buffer, path: string): Buffer | undefined {
  const [head, ...rest] = path.split('/');
  const containers: Record<string, number> = { moov: 8, trak: 8, mdia: 8, minf: 8, stbl: 8, mvex: 8, moof: 8, traf: 8, edts: 8, dinf: 8 };
  for (const b of readBoxes(buf)) {
    if (b.type !== head) continue;
    const body = buf.subarray(b.start, b.start + b.size);
    if (rest.length === 0) return body;
    const skip = containers[head!];
    if (skip === undefined) return undefined;
    return find(body.subarray(skip), rest.join('/'));
  }
  return undefined;
}

test('box() and fullBox() write size, type, version and flags', () => {
  const b = fullBox('test', 1, 0x020304, u32(7));
  assert.equal(b.length, 16);
  assert.equal(b.readUInt32BE(0), 16);
  assert.equal(b.toString('latin1', 4, 8), 'test');
  assert.equal(b.readUInt32BE(8), 0x01020304);
  assert.equal(box('free').length, 8);
  assert.throws(() => box('toolong'), TypeError);
});

test('init segment: ftyp brands, Opus sample entry with dOps, trex default duration 960', () => {
  const init = buildInitSegment();
  assert.deepEqual([...readBoxes(init)].map((b) => b.type), ['ftyp', 'moov']);
  const ftyp = find(init, 'ftyp')!;
  assert.equal(ftyp.toString('latin1', 8, 12), 'iso6');
  assert.match(ftyp.toString('latin1', 16), /cmfc.*Opus/);
  const stsd = find(init, 'moov/trak/mdia/minf/stbl/stsd')!;
  // stsd: header 8 + version/flags 4 + entry_count 4, then the 'Opus' entry
  assert.equal(stsd.readUInt32BE(12), 1);
  const entry = stsd.subarray(16);
  assert.equal(entry.toString('latin1', 4, 8), 'Opus');
  assert.equal(entry.readUInt16BE(24), 1, 'channelcount');
  assert.equal(entry.readUInt16BE(26), 16, 'samplesize');
  assert.equal(entry.readUInt32BE(32), 48_000 * 65_536, 'samplerate 16.16');
  const d = entry.subarray(36);
  assert.equal(d.toString('latin1', 4, 8), 'dOps');
  assert.deepEqual(d, dOps(DEFAULT_OPUS_TRACK));
  assert.equal(d.length, 19);
  assert.equal(d.readUInt8(8), 0, 'Version');
  assert.equal(d.readUInt8(9), 1, 'OutputChannelCount');
  assert.equal(d.readUInt16BE(10), 312, 'PreSkip');
  assert.equal(d.readUInt32BE(12), 48_000, 'InputSampleRate');
  assert.equal(d.readUInt8(18), 0, 'ChannelMappingFamily');
  const trex = find(init, 'moov/mvex/trex')!;
  assert.equal(trex.readUInt32BE(12), 1, 'track_ID');
  assert.equal(trex.readUInt32BE(20), 960, 'default_sample_duration');
  const mdhd = find(init, 'moov/trak/mdia/mdhd')!;
  assert.equal(mdhd.readUInt32BE(20), 48_000, 'timescale');
  assert.ok(find(init, 'moov/trak/edts/elst'), 'edit list (Opus in ISOBMFF 4.4)');
  assert.ok(find(init, 'moov/trak/mdia/minf/stbl/sgpd'), 'roll group description');
});

test('fragment: mfhd sequence, tfdt v1, one default duration in tfhd, sizes in trun, data_offset to the first sample', () => {
  const samples = [Buffer.from([1, 2, 3]), Buffer.from([4, 5]), Buffer.from([6])].map((data) => ({ data, duration: 960 }));
  const frag = buildFragment({ trackId: 1, sequenceNumber: 42, baseMediaDecodeTime: 2 ** 33, samples });
  assert.deepEqual([...readBoxes(frag)].map((b) => b.type), ['moof', 'mdat']);
  assert.equal(find(frag, 'moof/mfhd')!.readUInt32BE(12), 42);
  const tfhd = find(frag, 'moof/traf/tfhd')!;
  assert.equal(tfhd.readUInt32BE(8) & 0xffffff, 0x020008, 'default-base-is-moof | default-sample-duration-present');
  assert.equal(tfhd.readUInt32BE(16), 960, 'default_sample_duration');
  const tfdt = find(frag, 'moof/traf/tfdt')!;
  assert.equal(tfdt.readUInt8(8), 1);
  assert.equal(tfdt.readBigUInt64BE(12), 2n ** 33n);
  const trun = find(frag, 'moof/traf/trun')!;
  assert.equal(trun.readUInt32BE(8) & 0xffffff, 0x000201, 'data-offset | sample-size, no per-sample duration');
  assert.equal(trun.readUInt32BE(12), 3, 'sample_count');
  const dataOffset = trun.readUInt32BE(16);
  assert.deepEqual([...frag.subarray(dataOffset, dataOffset + 6)], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([trun.readUInt32BE(20), trun.readUInt32BE(24), trun.readUInt32BE(28)], [3, 2, 1], 'sample sizes');
  assert.equal(frag.length - 6, fragmentOverhead(3), 'the overhead the bandwidth arithmetic counts');
  assert.throws(() => buildFragment({ trackId: 1, sequenceNumber: 1, baseMediaDecodeTime: 0, samples: [] }), RangeError);
});

test('fragment: samples of different durations carry a duration each', () => {
  const samples = [{ data: Buffer.from([1]), duration: 960 }, { data: Buffer.from([2]), duration: 480 }];
  const frag = buildFragment({ trackId: 1, sequenceNumber: 1, baseMediaDecodeTime: 0, samples });
  assert.equal(find(frag, 'moof/traf/tfhd')!.readUInt32BE(8) & 0xffffff, 0x020000);
  const trun = find(frag, 'moof/traf/trun')!;
  assert.equal(trun.readUInt32BE(8) & 0xffffff, 0x000301);
  assert.deepEqual([trun.readUInt32BE(20), trun.readUInt32BE(24), trun.readUInt32BE(28), trun.readUInt32BE(32)], [960, 1, 480, 1]);
  assert.equal(frag.length - 2, fragmentOverhead(2, false));
  const dataOffset = trun.readUInt32BE(16);
  assert.deepEqual([...frag.subarray(dataOffset)], [1, 2]);
});

test('ffprobe parses init + fragments: sample count and duration are right', { skip: !requireProgram('ffprobe') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tribune-mux-'));
  try {
    const parts: Buffer[] = [buildInitSegment()];
    let dts = 0;
    for (let seq = 1; seq <= 25; seq++) {
      const samples = Array.from({ length: 10 }, () => ({ data: OPUS_SILENCE, duration: 960 }));
      parts.push(buildFragment({ trackId: 1, sequenceNumber: seq, baseMediaDecodeTime: dts, samples }));
      dts += 9600;
    }
    const file = join(dir, 'probe.mp4');
    writeFileSync(file, Buffer.concat(parts));
    const r = spawnSync('ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=codec_name,sample_rate,channels,nb_read_packets,duration_ts', '-of', 'json', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const s = (JSON.parse(r.stdout) as { streams: Array<Record<string, unknown>> }).streams[0]!;
    assert.equal(s.codec_name, 'opus');
    assert.equal(s.sample_rate, '48000');
    assert.equal(s.channels, 1);
    assert.equal(s.nb_read_packets, '250');
    assert.equal(s.duration_ts, 250 * 960, '5 s at 48 kHz');
    const dec = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 's16le', '-'], { maxBuffer: 1 << 24 });
    assert.equal(dec.status, 0, String(dec.stderr));
    assert.equal(dec.stdout.length / 2, 250 * 960 - 312, 'every sample decoded, pre-skip trimmed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
