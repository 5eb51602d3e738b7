import type {
  FragmentLoaderConstructor, HlsConfig, Loader, LoaderCallbacks, LoaderConfiguration, LoaderContext, LoaderStats,
  PlaylistLoaderConstructor,
} from 'hls.js';

/**
 * LL-HLS with one request per segment instead of two per part (docs/edge.md, segment streams).
 *
 * hls.js in low-latency mode asks, for every part, a blocking playlist reload and then the part: two
 * requests and ~1 KB of headers and playlist for ~1.6 KB of audio. The origin can instead send a
 * segment in one response while it produces it, part by part (an edge that shares such a response
 * among its clients is needed in front: Varnish or a CDN, not nginx alone). These loaders keep hls.js
 * and everything it does (buffering, live sync, errors), and answer its requests from that one response:
 * - a part is read out of the segment's stream when its bytes have arrived (a moof and its mdat);
 * - a blocking reload for a part of the segment being streamed is answered from the last playlist the
 *   origin sent, with the parts that arrived since appended (what the origin would have answered);
 * - the reload past a segment's last part is answered too, once the next segment's stream has its
 *   first part and that part follows on the media timeline, except where the next segment's number
 *   is a multiple of REAL_RELOAD_EVERY: there a real reload carries what only the origin knows (the
 *   end of the Space, a discontinuity, the window moving on). The same segments for every page, so
 *   an edge collapses their reloads into one origin request;
 * - anything else, and anything the streams cannot answer (one failed, was cut, did not follow on),
 *   goes to the network as before.
 * The origin's names (seg-N.m4s, part-N.K.m4s) and playlist layout are this module's contract.
 */

const PART_URI = /\/part-(\d+)\.(\d+)\.m4s(?:$|\?)/;
const PLAYLIST_URI = /\/audio\.m3u8(?:\?|$)/;
/** Opus in ISOBMFF counts time at 48 kHz (Opus in ISOBMFF §4.3.2). */
const OPUS_TIMESCALE = 48_000;
/** Streams of older segments are let go: hls.js asks for the open segment's parts only. */
const KEEP_SEGMENTS = 3;
/** The origin is asked for the playlist that opens every third segment (one every 6 s with 2 s segments). */
const REAL_RELOAD_EVERY = 3;

interface PartRange {
  readonly start: number;
  readonly end: number;
  /** Seconds. */
  readonly duration: number;
  /** The first sample's decode time and the samples' total duration, in the track's ticks. */
  readonly decodeTime: number;
  readonly ticks: number;
}

/** One segment read as the origin produces it: its parts, each complete once its mdat is. */
class SegmentStream {
  readonly parts: PartRange[] = [];
  /** 'open' while bytes come; 'done' once the response ended; 'failed' when it did not end cleanly. */
  state: 'open' | 'done' | 'failed' = 'open';
  #bytes = new Uint8Array(64 * 1024);
  #length = 0;
  #parsed = 0;
  #partStart = 0;
  #moof = { decodeTime: 0, ticks: 0 };
  #waiters = new Set<() => void>();
  readonly #abort = new AbortController();

  constructor(url: string) {
    void this.#read(url);
  }

  /** Bytes [start, end) of what arrived, copied (hls.js transfers the buffer to its worker). */
  slice(range: PartRange): ArrayBuffer {
    return this.#bytes.slice(range.start, range.end).buffer as ArrayBuffer;
  }

  /** Resolves once `ready()` holds or the stream stops changing (ended, failed, or `signal` aborted). */
  until(ready: () => boolean, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (ready() || this.state !== 'open' || signal.aborted) {
          this.#waiters.delete(check);
          signal.removeEventListener('abort', check);
          resolve();
        }
      };
      this.#waiters.add(check);
      signal.addEventListener('abort', check);
      check();
    });
  }

  close(): void {
    this.#abort.abort();
  }

  async #read(url: string): Promise<void> {
    try {
      const res = await fetch(url, { signal: this.#abort.signal });
      if (res.status !== 200 || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.#append(value);
      }
      this.state = 'done';
    } catch {
      this.state = 'failed';
    }
    this.#notify();
  }

  #append(chunk: Uint8Array): void {
    if (this.#length + chunk.length > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + chunk.length));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    this.#bytes.set(chunk, this.#length);
    this.#length += chunk.length;
    const before = this.parts.length;
    this.#parse();
    if (this.parts.length > before) this.#notify();
  }

  /** Walks the top-level boxes: a moof gives the part its duration, the mdat after it completes it. */
  #parse(): void {
    const view = new DataView(this.#bytes.buffer, 0, this.#length);
    while (this.#parsed + 8 <= this.#length) {
      const size = view.getUint32(this.#parsed);
      if (size < 8) throw new Error('a box shorter than its header');
      if (this.#parsed + size > this.#length) return;
      const type = String.fromCharCode(...this.#bytes.subarray(this.#parsed + 4, this.#parsed + 8));
      if (type === 'moof') this.#moof = readMoof(view, this.#parsed + 8, this.#parsed + size);
      this.#parsed += size;
      if (type === 'mdat') {
        const { decodeTime, ticks } = this.#moof;
        this.parts.push({ start: this.#partStart, end: this.#parsed, duration: ticks / OPUS_TIMESCALE, decodeTime, ticks });
        this.#partStart = this.#parsed;
      }
    }
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }
}

/** A moof's first decode time (tfdt) and its samples' total duration (tfhd default, or trun's own). */
function readMoof(view: DataView, from: number, to: number): { decodeTime: number; ticks: number } {
  let total = 0;
  let decodeTime = 0;
  let defaultDuration = 0;
  const walk = (start: number, end: number): void => {
    for (let at = start; at + 8 <= end;) {
      const size = view.getUint32(at);
      if (size < 8) return;
      const type = String.fromCharCode(view.getUint8(at + 4), view.getUint8(at + 5), view.getUint8(at + 6), view.getUint8(at + 7));
      if (type === 'traf') walk(at + 8, at + size);
      else if (type === 'tfhd') {
        const flags = view.getUint32(at + 8) & 0xffffff;
        let field = at + 16; // after version/flags and track_ID
        if (flags & 0x01) field += 8; // base_data_offset
        if (flags & 0x02) field += 4; // sample_description_index
        if (flags & 0x08) defaultDuration = view.getUint32(field);
      } else if (type === 'tfdt') {
        decodeTime = view.getUint8(at + 8) === 1 ? Number(view.getBigUint64(at + 12)) : view.getUint32(at + 12);
      } else if (type === 'trun') {
        const flags = view.getUint32(at + 8) & 0xffffff;
        const count = view.getUint32(at + 12);
        if (!(flags & 0x100)) total += count * defaultDuration;
        else {
          let field = at + 16 + (flags & 0x01 ? 4 : 0) + (flags & 0x04 ? 4 : 0);
          const stride = 4 * [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length;
          for (let i = 0; i < count; i++, field += stride) total += view.getUint32(field);
        }
      }
      at += size;
    }
  };
  walk(from, to);
  return { decodeTime, ticks: total };
}

interface LastPlaylist {
  /** The text without its preload hint. */
  readonly head: string;
  readonly skip: string | null;
  /** The segment the playlist shows open (parts listed, no EXTINF yet), and how many of its parts. */
  readonly openMsn: number;
  readonly listed: number;
}

/** What the last playlist says of the segment being produced; null when it shows none (ended). */
function readPlaylist(text: string, skip: string | null): LastPlaylist | null {
  if (text.includes('#EXT-X-ENDLIST')) return null;
  const lines = text.trimEnd().split('\n');
  let openMsn = -1;
  let listed = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.startsWith('#EXTINF') || (!line.startsWith('#') && line !== '')) break;
    const part = /^#EXT-X-PART:.*URI="part-(\d+)\.(\d+)\.m4s"/.exec(line);
    if (!part) continue;
    const msn = Number(part[1]);
    if (openMsn === -1) { openMsn = msn; listed = Number(part[2]) + 1; }
    else if (msn !== openMsn) break;
  }
  if (openMsn === -1) return null;
  const head = lines.filter((l) => !l.startsWith('#EXT-X-PRELOAD-HINT')).join('\n') + '\n';
  return { head, skip, openMsn, listed };
}

/** A segment's URL, beside the playlist or part at `near` (the origin's names, one directory). */
const segmentUrl = (msn: number, near: string): string => new URL(`seg-${msn}.m4s`, near).href;

const partLine = (msn: number, index: number, part: PartRange): string =>
  `#EXT-X-PART:DURATION=${part.duration.toFixed(3)},URI="part-${msn}.${index}.m4s",INDEPENDENT=YES`;

/** The origin's answer to a blocking reload for part `upTo` of the open segment, had it been asked. */
function extendPlaylist(last: LastPlaylist, parts: readonly PartRange[], upTo: number): string {
  const lines = [last.head.trimEnd()];
  for (let k = last.listed; k <= upTo; k++) lines.push(partLine(last.openMsn, k, parts[k]!));
  lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-${last.openMsn}.${upTo + 1}.m4s"`);
  return lines.join('\n') + '\n';
}

/** The origin's answer once the open segment is complete and the next one has its first part. */
function closeSegment(last: LastPlaylist, parts: readonly PartRange[], first: PartRange): string {
  const msn = last.openMsn;
  const lines = [last.head.trimEnd()];
  for (let k = last.listed; k < parts.length; k++) lines.push(partLine(msn, k, parts[k]!));
  const seconds = parts.reduce((n, p) => n + p.ticks, 0) / OPUS_TIMESCALE;
  lines.push(`#EXTINF:${seconds.toFixed(3)},`, `seg-${msn}.m4s`, partLine(msn + 1, 0, first));
  lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-${msn + 1}.1.m4s"`);
  return lines.join('\n') + '\n';
}

/** The segment streams of one player; the loaders below read from it. */
export class SegmentStreams {
  readonly #streams = new Map<number, SegmentStream>();
  #last: LastPlaylist | null = null;

  /** A playlist the origin sent (the loader saw it go by). */
  notePlaylist(url: string, text: string): void {
    this.#last = readPlaylist(text, new URL(url).searchParams.get('_HLS_skip'));
  }

  /** The part's bytes from its segment's stream; null: ask the network. */
  async part(url: string, signal: AbortSignal): Promise<ArrayBuffer | null> {
    const m = PART_URI.exec(url);
    if (!m) return null;
    const msn = Number(m[1]);
    const index = Number(m[2]);
    const s = this.#stream(msn, segmentUrl(msn, url));
    if (!s) return null;
    await s.until(() => s.parts.length > index, signal);
    const range = s.parts[index];
    if (!range || signal.aborted) return null;
    return s.slice(range);
  }

  /** A blocking reload answered from the open segment's stream; null: ask the network. */
  async playlist(url: string, signal: AbortSignal): Promise<string | null> {
    const last = this.#last;
    const q = new URL(url).searchParams;
    const msn = q.get('_HLS_msn');
    const part = q.get('_HLS_part');
    if (!last || msn === null || part === null || q.get('_HLS_skip') !== last.skip) return null;
    const open = last.openMsn;
    // The first part of the next segment: answered as the reload past the open one's last part.
    const index = Number(msn) === open + 1 && Number(part) === 0 ? Infinity : Number(part);
    if ((Number(msn) !== open && index !== Infinity) || index < last.listed) return null;
    // hls.js asks for the next reload before the part it has just learnt of: the stream may start here.
    const stream = this.#stream(open, segmentUrl(open, url));
    if (!stream) return null;
    await stream.until(() => stream.parts.length > index, signal);
    if (signal.aborted) return null;
    if (stream.parts.length > index) {
      // Another playlist may have come meanwhile: extend the latest, if it still shows this segment open.
      const now = this.#last;
      if (!now || now.openMsn !== open || now.skip !== last.skip || now.listed > index) return null;
      return extendPlaylist(now, stream.parts, index);
    }
    // The segment is complete: the next one opens (RFC 8216bis §6.2.5.2, a part past the last one).
    if (stream.state !== 'done' || (index !== Infinity && index !== stream.parts.length)) return null;
    if ((open + 1) % REAL_RELOAD_EVERY === 0) return null;
    const next = this.#stream(open + 1, segmentUrl(open + 1, url));
    if (!next) return null;
    await next.until(() => next.parts.length > 0, signal);
    const end = stream.parts.at(-1);
    const first = next.parts[0];
    // Not right after the last sample (a discontinuity: only the origin's playlist can say so).
    if (signal.aborted || !end || !first || first.decodeTime !== end.decodeTime + end.ticks || this.#last !== last) return null;
    const text = closeSegment(last, stream.parts, first);
    this.#last = { ...last, head: text.replace(/^#EXT-X-PRELOAD-HINT.*\n/m, ''), openMsn: open + 1, listed: 1 };
    return text;
  }

  /** The segment's stream, started if it is the one being produced (or the next); null for older ones. */
  #stream(msn: number, url: string): SegmentStream | null {
    const known = this.#streams.get(msn);
    if (known) return known;
    // Older parts are complete, and cached at the edge: asked for one by one, as before.
    const open = this.#last?.openMsn;
    if (open === undefined || (msn !== open && msn !== open + 1)) return null;
    const stream = new SegmentStream(url);
    this.#streams.set(msn, stream);
    for (const [old, s] of this.#streams) {
      if (old <= msn - KEEP_SEGMENTS) { s.close(); this.#streams.delete(old); }
    }
    return stream;
  }

  close(): void {
    for (const s of this.#streams.values()) s.close();
    this.#streams.clear();
  }
}

type AnyLoader = Loader<LoaderContext>;
type LoaderClass = new (config: HlsConfig) => AnyLoader;

/**
 * hls.js loader classes (config.pLoader, config.fLoader) over `streams`; `Network` is hls.js's own
 * loader (Hls.DefaultConfig.loader), used for everything the streams do not answer.
 */
export function streamingLoaders(streams: SegmentStreams, Network: LoaderClass): { pLoader: PlaylistLoaderConstructor; fLoader: FragmentLoaderConstructor } {
  class StreamingLoader implements AnyLoader {
    context: LoaderContext | null = null;
    /** hls.js keeps a reference to this object from the start: it is filled in place. */
    stats: LoaderStats = {
      aborted: false, loaded: 0, retry: 0, total: 0, chunkCount: 0, bwEstimate: 0,
      loading: { start: 0, first: 0, end: 0 }, parsing: { start: 0, end: 0 }, buffering: { start: 0, first: 0, end: 0 },
    };
    readonly #config: HlsConfig;
    #network: AnyLoader | null = null;
    #abort: AbortController | null = null;
    #callbacks: LoaderCallbacks<LoaderContext> | null = null;
    readonly #kind: 'playlist' | 'fragment';

    constructor(config: HlsConfig, kind: 'playlist' | 'fragment') {
      this.#config = config;
      this.#kind = kind;
    }

    load(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      this.context = context;
      this.#callbacks = callbacks;
      const stream = this.#kind === 'fragment' && PART_URI.test(context.url) && !context.rangeEnd; // 0 or absent: the whole part
      const playlist = this.#kind === 'playlist' && PLAYLIST_URI.test(context.url);
      if (!stream && !playlist) { this.#fromNetwork(context, config, callbacks); return; }
      const abort = (this.#abort = new AbortController());
      this.stats.loading.start = performance.now();
      const answer: Promise<ArrayBuffer | string | null> = stream ? streams.part(context.url, abort.signal) : streams.playlist(context.url, abort.signal);
      void answer.then((data) => {
        if (abort.signal.aborted) return;
        if (data === null) { this.#fromNetwork(context, config, callbacks); return; }
        const now = performance.now();
        const size = typeof data === 'string' ? data.length : data.byteLength;
        Object.assign(this.stats, { loaded: size, total: size, chunkCount: 1 });
        this.stats.loading.first = now;
        this.stats.loading.end = now;
        callbacks.onSuccess({ url: context.url, data }, this.stats, context, null);
      });
    }

    #fromNetwork(context: LoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
      const network = (this.#network = new Network(this.#config));
      const same = (stats: LoaderStats): LoaderStats => Object.assign(this.stats, stats);
      network.load(context, config, {
        ...callbacks,
        onSuccess: (response, stats, ctx, details) => {
          if (this.#kind === 'playlist' && PLAYLIST_URI.test(ctx.url) && typeof response.data === 'string') streams.notePlaylist(response.url || ctx.url, response.data);
          callbacks.onSuccess(response, same(stats), ctx, details);
        },
        onError: (error, ctx, details, stats) => callbacks.onError(error, ctx, details, same(stats)),
        onTimeout: (stats, ctx, details) => callbacks.onTimeout(same(stats), ctx, details),
        ...(callbacks.onAbort ? { onAbort: (stats: LoaderStats, ctx: LoaderContext, details: unknown) => callbacks.onAbort!(same(stats), ctx, details as null) } : {}),
        ...(callbacks.onProgress ? { onProgress: (stats: LoaderStats, ctx: LoaderContext, data: string | ArrayBuffer, details: unknown) => callbacks.onProgress!(same(stats), ctx, data, details as null) } : {}),
      });
    }

    abort(): void {
      if (this.#abort && !this.#abort.signal.aborted) {
        this.#abort.abort();
        this.stats.aborted = true;
        if (!this.#network && this.context) this.#callbacks?.onAbort?.(this.stats, this.context, null);
      }
      this.#network?.abort();
    }

    destroy(): void {
      this.#abort?.abort();
      this.#network?.destroy();
      this.#network = null;
      this.#callbacks = null;
      this.context = null;
    }

    getCacheAge(): number | null {
      return this.#network?.getCacheAge?.() ?? null;
    }

    getResponseHeader(name: string): string | null {
      return this.#network?.getResponseHeader?.(name) ?? null;
    }
  }
  // The contexts hls.js passes are LoaderContexts with more fields, which these loaders pass on untouched.
  return {
    pLoader: class extends StreamingLoader { constructor(config: HlsConfig) { super(config, 'playlist'); } } as unknown as PlaylistLoaderConstructor,
    fLoader: class extends StreamingLoader { constructor(config: HlsConfig) { super(config, 'fragment'); } } as unknown as FragmentLoaderConstructor,
  };
}
