import type Hls from 'hls.js';
import { jitter, releaseLost, watchSession, type LossReason, type SessionWatch } from './session-watch.js';
import { SegmentStreams, streamingLoaders } from './segment-streams.js';
import { listen } from './whep.js';
import type { MediaSession } from './webrtc.js';

export type Via = 'hls' | 'whep';
export type PlayerStatus = 'idle' | 'loading' | 'playing' | 'blocked' | 'failed';

export interface LivePlayerOptions {
  readonly audio: HTMLAudioElement;
  readonly hlsUrl: string | null;
  readonly whepUrl: string | null;
  /** The path to try first; the other one is the fallback. */
  readonly prefer: Via;
  readonly onStatus: (status: PlayerStatus, via: Via | null) => void;
  /**
   * Whether the Space is still live, asked before WHEP is tried again after a lost session: a
   * session also ends with its Space, and the page may not know it yet (it polls the state).
   */
  readonly stillLive?: () => Promise<boolean>;
  /** Fetch each LL-HLS segment in one request while it is produced (segment-streams.ts). */
  readonly segmentStreams?: boolean;
}

/** How far behind hls.js's target latency a starting player may be before it jumps forward. */
const CATCH_UP_ABOVE_S = 0.2;
/** Only at the start: later, a jump would cut what the listener is hearing. */
const CATCH_UP_WITHIN_MS = 5_000;
/** A player whose start is this far into the stream joined it running (not waiting for the go-live). */
const CATCH_UP_FROM_S = 3;
/**
 * After a lost WHEP session, WHEP is asked again with these waits (jittered), for at most a minute.
 * The first outlasts the origin's state cache (500 ms), so a session that ended with its Space is
 * seen as such (stillLive) rather than asked for again.
 */
const WHEP_RETRY_MS = [1000, 1000, 2000, 3000];
const WHEP_RETURN_WITHIN_MS = 60_000;

type WhepSession = MediaSession & { stream: MediaStream };

/** hls.js is loaded on first play, so the listener page paints before the player's ~100 KB arrive. */
let hlsModule: Promise<typeof Hls> | undefined;
function loadHls(): Promise<typeof Hls> {
  hlsModule ??= import('hls.js').then((m) => m.default);
  return hlsModule;
}

/**
 * A page armed for the start fetches and compiles the player while it waits, not in the second the
 * Space goes live (on a slow phone, or a busy one, that is the difference between hearing the start
 * and a second or two of it lost).
 */
export function preloadPlayer(): void {
  void loadHls().catch(() => { hlsModule = undefined; });
}

/**
 * Plays a live Space into one <audio> element: LL-HLS through hls.js (or the browser's own HLS), or
 * WHEP; when the first path fails it falls back to the other, and back again, at most once each.
 * A WHEP session lost while playing (its origin died or drained: session-watch.ts) is not a failure
 * of the path: LL-HLS stands in while WHEP is asked again, and the player returns to WHEP when it answers.
 */
export class LivePlayer {
  readonly #o: LivePlayerOptions;
  #hls: Hls | null = null;
  #streams: SegmentStreams | null = null;
  #whep: WhepSession | null = null;
  #whepWatch: SessionWatch | null = null;
  #whepReturn: ReturnType<typeof setTimeout> | undefined;
  #via: Via | null = null;
  #stopped = false;
  #tried = new Set<Via>();

  constructor(options: LivePlayerOptions) {
    this.#o = options;
  }

  get via(): Via | null { return this.#via; }

  async start(): Promise<void> {
    this.#stopped = false;
    this.#tried.clear();
    await this.#try(this.#o.prefer);
  }

  async #try(via: Via): Promise<void> {
    if (this.#stopped) return;
    this.#tried.add(via);
    this.#o.onStatus('loading', via);
    try {
      if (via === 'hls') await this.#startHls();
      else await this.#startWhep();
      this.#via = via;
      await this.#play(via);
    } catch {
      await this.#fail(via);
    }
  }

  async #fail(via: Via): Promise<void> {
    this.#teardown();
    const other: Via = via === 'hls' ? 'whep' : 'hls';
    if (!this.#stopped && !this.#tried.has(other) && (other === 'hls' ? this.#o.hlsUrl : this.#o.whepUrl)) await this.#try(other);
    else this.#o.onStatus('failed', null);
  }

  async #play(via: Via): Promise<void> {
    try {
      await this.#o.audio.play();
      this.#o.onStatus('playing', via);
    } catch (err) {
      // Autoplay rules: without a gesture the browser refuses; the page shows its play button again.
      if ((err as DOMException).name === 'NotAllowedError') this.#o.onStatus('blocked', via);
      else throw err;
    }
  }

  async #startHls(): Promise<void> {
    const url = this.#o.hlsUrl;
    if (!url) throw new Error('no LL-HLS url');
    const audio = this.#o.audio;
    const Hls = await loadHls();
    if (!Hls.isSupported()) {
      if (!audio.canPlayType('application/vnd.apple.mpegurl')) throw new Error('no HLS support');
      audio.src = url; // Safari plays LL-HLS natively
      return;
    }
    // Until the first segment is complete the origin answers 404 (cached a second by any edge):
    // wait for it here rather than let hls.js treat the early 404 as fatal and fall back to WHEP.
    await waitForPlaylist(url, () => this.#stopped);
    // Standing in for a lost WHEP session that came back meanwhile: nothing to do.
    if (this.#whep) throw new Error('WHEP is back');
    const streams = this.#o.segmentStreams ? new SegmentStreams() : null;
    const hls = new Hls({
      lowLatencyMode: true, backBufferLength: 30,
      ...(streams ? streamingLoaders(streams, Hls.DefaultConfig.loader) : {}),
    });
    this.#hls = hls;
    this.#streams = streams;
    // hls.js joining a running stream starts on a part boundary, up to a part (400 ms) further back
    // than PART-HOLD-BACK, and stays there: once the first audio is buffered, jump to its target,
    // before the listener has heard anything (docs/benchmarks.md, glass to glass in the browser:
    // ~1.3 s -> under 1 s). Not at the very start of a stream: a page that waited for the go-live
    // plays from its first seconds, and a jump there costs a burst of part requests.
    const catchUp = (): void => {
      if (hls.latency === null || hls.targetLatency === null || audio.currentTime < CATCH_UP_FROM_S) return;
      const late = hls.latency - hls.targetLatency;
      if (late < CATCH_UP_ABOVE_S) return;
      const { buffered } = audio;
      const to = audio.currentTime + late;
      if (buffered.length > 0 && to < buffered.end(buffered.length - 1) - 0.05) {
        hls.off(Hls.Events.FRAG_BUFFERED, catchUp);
        audio.currentTime = to;
      }
    };
    hls.on(Hls.Events.FRAG_BUFFERED, catchUp);
    setTimeout(() => hls.off(Hls.Events.FRAG_BUFFERED, catchUp), CATCH_UP_WITHIN_MS);
    await new Promise<void>((resolve, reject) => {
      hls.on(Hls.Events.MANIFEST_PARSED, () => resolve());
      hls.on(Hls.Events.ERROR, (_e, data) => {
        if (!data.fatal) return;
        reject(new Error(data.details));
        if (this.#hls === hls && this.#via === 'hls') void this.#fail('hls');
      });
      hls.loadSource(url);
      hls.attachMedia(audio);
    });
  }

  async #startWhep(): Promise<void> {
    if (!this.#o.whepUrl) throw new Error('no WHEP url');
    this.#attachWhep(await listen(this.#o.whepUrl));
  }

  #attachWhep(session: WhepSession): void {
    this.#whep = session;
    this.#whepWatch = watchSession(session, (reason) => void this.#whepLost(session, reason), () => void this.#whepMove(session));
    this.#o.audio.srcObject = session.stream;
  }

  /**
   * The origin hands the Space over (session-watch.ts): listen through the same URL (now the next
   * origin, which carries the same timeline on) and switch the element to it once it answers, then
   * let the old session go. Not answered: the old one ends with the hand-over, and that loss is handled.
   */
  async #whepMove(session: WhepSession): Promise<void> {
    let next: WhepSession;
    try {
      next = await listen(this.#o.whepUrl!);
    } catch {
      if (this.#whep === session && !this.#stopped) this.#whepWatch = watchSession(session, (reason) => void this.#whepLost(session, reason));
      return;
    }
    if (this.#whep !== session || this.#stopped) { void next.close(); return; }
    this.#attachWhep(next);
    await this.#o.audio.play().catch(() => {});
    void session.close();
  }

  /** The WHEP session is gone: LL-HLS meanwhile (any origin serves it), and WHEP again in the background. */
  async #whepLost(session: WhepSession, reason: LossReason): Promise<void> {
    if (this.#whep !== session || this.#stopped) return;
    this.#whep = null;
    this.#teardown();
    void releaseLost(session, reason);
    this.#o.onStatus('loading', 'whep');
    const since = Date.now();
    this.#retryWhep(since, 0);
    if (!this.#o.hlsUrl) return;
    try {
      await this.#startHls();
      if (this.#stopped || this.#via === 'whep') return;
      this.#via = 'hls';
      await this.#play('hls');
    } catch { /* WHEP may still come back */ }
  }

  #retryWhep(since: number, attempt: number): void {
    const wait = jitter(WHEP_RETRY_MS[Math.min(attempt, WHEP_RETRY_MS.length - 1)]!);
    this.#whepReturn = setTimeout(async () => {
      if (this.#stopped) return;
      if (this.#o.stillLive && !(await this.#o.stillLive().catch(() => true))) return;
      if (this.#stopped) return;
      let session: WhepSession;
      try {
        session = await listen(this.#o.whepUrl!);
      } catch {
        if (Date.now() - since < WHEP_RETURN_WITHIN_MS) this.#retryWhep(since, attempt + 1);
        else if (this.#via === null) this.#o.onStatus('failed', null);
        return;
      }
      if (this.#stopped) { void session.close(); return; }
      this.#teardown(); // the LL-HLS stand-in, if it played
      this.#attachWhep(session);
      this.#via = 'whep';
      await this.#play('whep').catch(() => this.#fail('whep'));
    }, wait);
  }

  #teardown(notifyServer = true): void {
    clearTimeout(this.#whepReturn);
    this.#hls?.destroy();
    this.#hls = null;
    this.#streams?.close();
    this.#streams = null;
    this.#whepWatch?.stop();
    this.#whepWatch = null;
    void this.#whep?.close(notifyServer);
    this.#whep = null;
    this.#via = null;
    const audio = this.#o.audio;
    audio.pause();
    audio.srcObject = null;
    audio.removeAttribute('src');
  }

  /** `ended`: the Space is over and the server closed every session already. */
  stop(ended = false): void {
    this.#stopped = true;
    this.#teardown(!ended);
    this.#o.onStatus('idle', null);
  }
}

const PLAYLIST_WAIT_MS = 30_000;

/**
 * Asks for the multivariant playlist until it exists. The origin holds the request while the Space's
 * first segment is being made and answers the moment it is (a 404 only after several seconds), so
 * this loop turns only when the audio is late. The answer stays in the browser's cache for hls.js.
 */
async function waitForPlaylist(url: string, stopped: () => boolean): Promise<void> {
  const deadline = Date.now() + PLAYLIST_WAIT_MS;
  for (;;) {
    const res = await fetch(url).catch(() => null);
    if (res?.ok) return;
    if (res && res.status !== 404 && res.status !== 503) throw new Error(`playlist: HTTP ${res.status}`);
    if (stopped() || Date.now() > deadline) throw new Error('the live playlist did not appear');
    await new Promise((resolve) => setTimeout(resolve, 350 + Math.random() * 300));
  }
}

/** Replay (VOD) of an ended Space: seekable, through the same player stack. */
export async function playReplay(audio: HTMLAudioElement, url: string): Promise<() => void> {
  const Hls = await loadHls();
  if (!Hls.isSupported()) {
    audio.src = url;
    return () => audio.removeAttribute('src');
  }
  const hls = new Hls();
  hls.loadSource(url);
  hls.attachMedia(audio);
  return () => hls.destroy();
}
