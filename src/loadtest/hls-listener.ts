import { now, type HttpClient, type HttpResponse, type ResponseCallback } from './http-client.js';
import { scanResponse } from './playlist-scan.js';
import type { Scheduler } from './scheduler.js';
import type { Samples } from './stats.js';

export interface AudienceContext {
  readonly client: HttpClient;
  readonly scheduler: Scheduler;
  readonly spaceId: string;
  /** What the page's player does for this Space (its state's media.hlsDelivery). */
  readonly delivery: 'parts' | 'segment-streams';
  readonly collapse: boolean;
  readonly playerBufferMs: number;
  readonly heartbeats: boolean;
  readonly heartbeatIntervalMs: number;
  readonly spoofForwardedFor: boolean;
  /** Each listener's own loopback source address (the attack profile); undefined: the machine's. */
  readonly addressOf?: ((id: number) => string) | undefined;
  /** True while the attack's flood runs: listeners who join then are measured on their own. */
  readonly flooding?: (() => boolean) | undefined;
  readonly firstAudioDuringFloodMs?: Samples | undefined;
  readonly joinMs: Samples;
  readonly firstAudioMs: Samples;
  readonly stallMs: Samples;
}

export type ListenerState = 'joining' | 'playing' | 'ended' | 'left';

const RETRY_MS = 500;
const DEFAULT_PART_MS = 200;
/** The page asks the origin for the playlist opening every third segment (web/src/lib/segment-streams.ts). */
const REAL_RELOAD_EVERY = 3;

/**
 * One simulated LL-HLS player at the live edge (what hls.js does in low-latency mode): multivariant
 * then media playlist, then for each next part a blocking reload (_HLS_msn/_HLS_part) and the part.
 * With segment streams (the page's loaders, web/src/lib/segment-streams.ts): each segment in one
 * request read as it arrives, a part heard when its mdat is complete, the blocking reload only for
 * the playlist opening every third segment; a stream that fails leaves the rest of its segment to
 * parts, and the next segment is streamed again, as the page does.
 * Playback is modelled, not decoded: it starts `playerBufferMs` after the first part, consumes media
 * in real time, and a part that arrives after the buffer ran dry is a stall (rebuffer) of that gap.
 */
export class HlsListener {
  state: ListenerState = 'joining';
  stalls = 0;
  /** Joined while the flood was running. */
  readonly joinedDuringFlood: boolean;
  /** Heard its first part. */
  played = false;
  readonly #ctx: AudienceContext;
  readonly #joinAt = now();
  readonly #headers: Record<string, string>;
  readonly #localAddress: string | undefined;
  #msn = 0;
  #part = 0;
  #partMs = DEFAULT_PART_MS;
  #playStart = -1;
  #mediaMs = 0;
  #stalledMs = 0;
  #token: string | undefined;
  /** The last segment whose stream failed: its parts come one by one. */
  #failedStream = -1;

  constructor(ctx: AudienceContext, id: number) {
    this.#ctx = ctx;
    this.#headers = ctx.spoofForwardedFor ? { 'x-forwarded-for': `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}` } : {};
    this.#localAddress = ctx.addressOf?.(id);
    this.joinedDuringFlood = ctx.flooding?.() ?? false;
    this.#join();
  }

  get active(): boolean {
    return this.state === 'joining' || this.state === 'playing';
  }

  /** Playing but the modelled buffer is empty at `t`: the listener hears silence right now. */
  stalledAt(t: number): boolean {
    return this.state === 'playing' && this.#playStart >= 0 && t > this.#playStart && t - this.#playStart - this.#stalledMs > this.#mediaMs;
  }

  leave(): void {
    if (this.active) this.state = 'left';
  }

  #get(path: string, done: ResponseCallback): void {
    if (this.#ctx.collapse) this.#ctx.client.getShared(path, done);
    else this.#ctx.client.request(path, { headers: this.#headers, localAddress: this.#localAddress }, done);
  }

  #join(): void {
    const base = `/hls/${this.#ctx.spaceId}`;
    // The multivariant playlist, then the media playlist: each listener's own (the join storm is
    // what an origin or edge sees first; collapsing it would hide the storm).
    this.#ctx.client.request(`${base}/index.m3u8`, { headers: this.#headers, localAddress: this.#localAddress }, (multi) => {
      if (!this.active) return;
      if (multi.status !== 200) return this.#retry(() => this.#join());
      this.#ctx.client.request(`${base}/audio.m3u8`, { headers: this.#headers, localAddress: this.#localAddress }, (media) => {
        if (!this.active) return;
        const scan = media.status === 200 ? scanResponse(media) : undefined;
        if (!scan?.hint) return this.#retry(() => this.#join());
        this.#ctx.joinMs.add(now() - this.#joinAt);
        if (scan.partTargetMs) this.#partMs = scan.partTargetMs;
        this.#msn = scan.hint.msn;
        this.#part = scan.hint.part;
        if (this.#ctx.heartbeats) this.#startHeartbeats();
        if (this.#ctx.delivery === 'segment-streams') this.#stream(scan.hint.msn);
        else this.#reload();
      });
    });
  }

  #retry(fn: () => void): void {
    this.#ctx.scheduler.after(RETRY_MS, () => { if (this.active) fn(); });
  }

  #reload(): void {
    const msn = this.#msn;
    const part = this.#part;
    this.#get(`/hls/${this.#ctx.spaceId}/audio.m3u8?_HLS_msn=${msn}&_HLS_part=${part}`, (res) => this.#onPlaylist(res, msn, part));
  }

  #onPlaylist(res: HttpResponse, msn: number, part: number): void {
    if (!this.active) return;
    // 503: the blocking request timed out at the origin; a player asks again at once.
    if (res.status === 503) return this.#reload();
    if (res.status !== 200) return this.#retry(() => this.#reload());
    const scan = scanResponse(res);
    let next: [number, number] | undefined;
    if (scan.parts.has(`${msn}.${part}`)) next = [msn, part];
    else if (scan.parts.has(`${msn + 1}.0`)) next = [msn + 1, 0];
    if (!next) {
      if (scan.ended) { this.state = 'ended'; return; }
      // Fell out of the window (a long stall): resynchronise at the live edge, like a player.
      this.#ctx.client.errors.add('resync');
      if (scan.hint) { this.#msn = scan.hint.msn; this.#part = scan.hint.part; }
      return this.#retry(() => this.#reload());
    }
    const [m, p] = next;
    if (this.#ctx.delivery === 'segment-streams' && p === 0 && m !== this.#failedStream) return this.#stream(m);
    this.#get(`/hls/${this.#ctx.spaceId}/part-${m}.${p}.m4s`, (partRes) => {
      if (!this.active) return;
      if (partRes.status !== 200) return this.#retry(() => this.#reload());
      this.#onMedia(now());
      this.#msn = m;
      this.#part = p + 1;
      this.#reload();
    });
  }

  /**
   * Segment `msn` from its first byte, each part heard as its mdat completes. Never collapsed: a
   * shared answer would come whole at the end, which is what an edge without a streaming cache does
   * and what segment streams must not meet.
   */
  #stream(msn: number): void {
    let pending: Buffer = Buffer.alloc(0);
    let parts = 0;
    const onData = (chunk: Buffer, status: number): void => {
      if (status !== 200 || !this.active) return;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        if (pending.length < 8) break;
        const size = pending.readUInt32BE(0);
        if (size < 8 || pending.length < size) break;
        const type = pending.toString('latin1', 4, 8);
        pending = pending.subarray(size);
        if (type === 'mdat') { parts++; this.#onMedia(now()); }
      }
    };
    this.#ctx.client.request(`/hls/${this.#ctx.spaceId}/seg-${msn}.m4s`, { headers: this.#headers, localAddress: this.#localAddress, onData }, (res) => {
      if (!this.active) return;
      if (res.status !== 200 || res.error) {
        // As the page: the rest of this segment part by part, from the next one streams again.
        this.#ctx.client.errors.add('segment-stream-failed');
        this.#failedStream = msn;
        this.#msn = msn;
        this.#part = parts;
        return this.#reload();
      }
      if ((msn + 1) % REAL_RELOAD_EVERY !== 0) return this.#stream(msn + 1);
      this.#get(`/hls/${this.#ctx.spaceId}/audio.m3u8?_HLS_msn=${msn}&_HLS_part=${parts}`, (list) => {
        if (!this.active) return;
        const scan = list.status === 200 ? scanResponse(list) : undefined;
        if (scan?.ended) { this.state = 'ended'; return; }
        if (!scan?.parts.has(`${msn + 1}.0`)) {
          this.#msn = msn + 1;
          this.#part = 0;
          return this.#retry(() => this.#reload());
        }
        this.#stream(msn + 1);
      });
    });
  }

  #onMedia(t: number): void {
    if (this.#playStart < 0) {
      this.state = 'playing';
      this.played = true;
      this.#ctx.firstAudioMs.add(t - this.#joinAt);
      if (this.joinedDuringFlood) this.#ctx.firstAudioDuringFloodMs?.add(t - this.#joinAt);
      this.#playStart = t + this.#ctx.playerBufferMs;
      this.#mediaMs = this.#partMs;
      return;
    }
    const playhead = t - this.#playStart - this.#stalledMs;
    if (playhead > this.#mediaMs) {
      const gap = playhead - this.#mediaMs;
      this.#stalledMs += gap;
      this.stalls += 1;
      this.#ctx.stallMs.add(gap);
    }
    this.#mediaMs += this.#partMs;
  }

  #startHeartbeats(): void {
    const client = this.#ctx.client;
    client.request(`/api/v1/spaces/${this.#ctx.spaceId}/listener-token`, { method: 'POST', body: '{}', headers: this.#headers, localAddress: this.#localAddress }, (res) => {
      if (!this.active || res.status !== 201) return;
      try { this.#token = (JSON.parse(res.body.toString()) as { listenerToken: string }).listenerToken; } catch { return; }
      const beat = (): void => {
        if (!this.active) return;
        client.request(`/api/v1/spaces/${this.#ctx.spaceId}/heartbeat`, { method: 'POST', body: JSON.stringify({ listenerToken: this.#token }), headers: this.#headers, localAddress: this.#localAddress }, () => {});
        this.#ctx.scheduler.after(this.#ctx.heartbeatIntervalMs, beat);
      };
      beat();
    });
  }
}
