import { buildFragment, type Sample } from './fragment.js';

/** Samples per rebuilt fragment: one second of 20 ms Opus packets. */
const SAMPLES_PER_FRAGMENT = 50;
const TICKS_PER_MS = 48;

function boxes(buf: Buffer, start = 0, end = buf.length): Array<{ type: string; at: number; size: number }> {
  const out: Array<{ type: string; at: number; size: number }> = [];
  let at = start;
  while (at + 8 <= end) {
    const size = buf.readUInt32BE(at);
    if (size < 8 || at + size > end) throw new Error(`torn box at ${at}`);
    out.push({ type: buf.toString('latin1', at + 4, at + 8), at, size });
    at += size;
  }
  return out;
}

/** tfhd's default-sample-duration (ISO/IEC 14496-12 §8.8.7), if the fragment gives one. */
function defaultSampleDuration(segment: Buffer, tfhd: { at: number }): number | undefined {
  const flags = segment.readUInt32BE(tfhd.at + 8) & 0xffffff;
  if (!(flags & 0x000008)) return undefined;
  let at = tfhd.at + 16; // after version, flags and track_ID
  if (flags & 0x000001) at += 8; // base-data-offset
  if (flags & 0x000002) at += 4; // sample-description-index
  return segment.readUInt32BE(at);
}

/**
 * The Opus packets of a recorded CMAF segment (moof + mdat pairs, written by fragment.ts), with
 * their durations: from the trun (a duration per sample, as recordings made before 400 ms parts
 * have them) or from the tfhd's default, sizes from the trun, data from the mdat.
 */
export function segmentSamples(segment: Buffer): Sample[] {
  const samples: Sample[] = [];
  const top = boxes(segment);
  for (let i = 0; i < top.length; i++) {
    const moof = top[i]!;
    if (moof.type !== 'moof') continue;
    const traf = boxes(segment, moof.at + 8, moof.at + moof.size).find((b) => b.type === 'traf');
    const children = traf ? boxes(segment, traf.at + 8, traf.at + traf.size) : [];
    const trun = children.find((b) => b.type === 'trun');
    const tfhd = children.find((b) => b.type === 'tfhd');
    if (!trun || !tfhd) throw new Error('fragment without tfhd or trun');
    const flags = segment.readUInt32BE(trun.at + 8) & 0xffffff;
    const fallback = defaultSampleDuration(segment, tfhd);
    // data-offset and sample-size are always there; durations per sample or one default.
    if ((flags & 0x000201) !== 0x000201 || (!(flags & 0x000100) && fallback === undefined)) throw new Error(`unexpected trun flags ${flags.toString(16)}`);
    const count = segment.readUInt32BE(trun.at + 12);
    let data = moof.at + segment.readInt32BE(trun.at + 16);
    let entry = trun.at + 20 + (flags & 0x000004 ? 4 : 0); // first-sample-flags
    const fields = [0x000100, 0x000200, 0x000400, 0x000800].filter((f) => flags & f).length;
    for (let s = 0; s < count; s++) {
      let field = entry;
      const duration = flags & 0x000100 ? segment.readUInt32BE(field) : fallback!;
      if (flags & 0x000100) field += 4;
      const size = segment.readUInt32BE(field);
      samples.push({ duration, data: segment.subarray(data, data + size) });
      data += size;
      entry += 4 * fields;
    }
  }
  return samples;
}

export interface ClipPlan { readonly msn: number; readonly startMs: number; readonly durationMs: number }

/**
 * Which recorded segments hold [fromMs, fromMs + durationMs) of the replay's timeline (segments end
 * to end, as the replay playlist plays them), and where the clip starts inside the first one.
 */
export function planClip(segments: ReadonlyArray<{ msn: number; duration: number }>, fromMs: number, durationMs: number): { msns: number[]; offsetMs: number; recordedMs: number } {
  let at = 0;
  const msns: number[] = [];
  let offsetMs = 0;
  for (const s of segments) {
    const ms = s.duration / TICKS_PER_MS;
    if (at + ms > fromMs && at < fromMs + durationMs) {
      if (msns.length === 0) offsetMs = fromMs - at;
      msns.push(s.msn);
    }
    at += ms;
  }
  return { msns, offsetMs, recordedMs: at };
}

/**
 * A clip as a file of its own: the recording's init segment, then the same Opus packets re-wrapped
 * in fragments whose decode times start at zero, cut at packet boundaries (20 ms). No re-encoding.
 */
export function buildClip(init: Buffer, samples: readonly Sample[], offsetMs: number, durationMs: number): { data: Buffer; durationMs: number } {
  let skip = offsetMs * TICKS_PER_MS;
  let i = 0;
  // Start at the packet that holds the first wanted instant.
  while (i < samples.length && skip >= samples[i]!.duration) skip -= samples[i++]!.duration;
  const wanted = durationMs * TICKS_PER_MS;
  const taken: Sample[] = [];
  let ticks = 0;
  while (i < samples.length && ticks < wanted) {
    taken.push(samples[i]!);
    ticks += samples[i++]!.duration;
  }
  const parts: Buffer[] = [initWithDuration(init, ticks)];
  let decodeTime = 0;
  for (let f = 0; f * SAMPLES_PER_FRAGMENT < taken.length; f++) {
    const chunk = taken.slice(f * SAMPLES_PER_FRAGMENT, (f + 1) * SAMPLES_PER_FRAGMENT);
    parts.push(buildFragment({ trackId: 1, sequenceNumber: f + 1, baseMediaDecodeTime: decodeTime, samples: chunk }));
    decodeTime += chunk.reduce((n, s) => n + s.duration, 0);
  }
  return { data: Buffer.concat(parts), durationMs: ticks / TICKS_PER_MS };
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

/**
 * The live init segment says "duration unknown" (fragmented, mvhd duration 0); a clip is a whole
 * file, so its init carries its length: mvhd's duration and an mehd in mvex (ISO/IEC 14496-12
 * §8.8.2), which players read to show a length without scanning every fragment.
 */
export function initWithDuration(init: Buffer, ticks: number): Buffer {
  const out: Buffer[] = [];
  for (const top of boxes(init)) {
    if (top.type !== 'moov') {
      out.push(init.subarray(top.at, top.at + top.size));
      continue;
    }
    const children: Buffer[] = [];
    for (const child of boxes(init, top.at + 8, top.at + top.size)) {
      const bytes = Buffer.from(init.subarray(child.at, child.at + child.size));
      if (child.type === 'mvhd') {
        if (bytes[8] !== 0) throw new Error('mvhd version 1 is not written by this muxer');
        const timescale = bytes.readUInt32BE(20);
        bytes.writeUInt32BE(Math.round((ticks * timescale) / 48_000), 24);
        children.push(bytes);
      } else if (child.type === 'mvex') {
        const mvhdScale = boxes(init, top.at + 8, top.at + top.size).find((b) => b.type === 'mvhd');
        const timescale = mvhdScale ? init.readUInt32BE(mvhdScale.at + 20) : 48_000;
        const mehd = Buffer.alloc(8);
        mehd.writeUInt32BE(0, 0); // version 0, flags 0
        mehd.writeUInt32BE(Math.round((ticks * timescale) / 48_000), 4);
        children.push(box('mvex', box('mehd', mehd), bytes.subarray(8)));
      } else children.push(bytes);
    }
    out.push(box('moov', ...children));
  }
  return Buffer.concat(out);
}
