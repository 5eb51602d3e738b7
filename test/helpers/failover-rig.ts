import { performance } from 'node:perf_hooks';
import { listenWhep, publishWhip, toneSource, type WhepListener, type WhipPublisher } from '../../src/clients/index.js';
import { FORWARDED_HEADER } from '../../src/cluster/media-forwarding.js';
import { until } from './cluster-engines.js';
import { toneAmplitude } from './goertzel.js';
import { parsePlaylist } from './hls-playlist.js';
import { LlHlsFollower, servedToneGapMs } from './ll-hls-follower.js';
import { call, startFailoverEdge, type Origin } from './origin-processes.js';

export const TONE_HZ = 880;
/** The tone is sent at 0.3 of full scale; silence and codec noise stay far below this. */
export const HEARD = 0.05;

/** What one failover cost each kind of listener, from the signal. */
export interface FailoverCost {
  /** Until GET /api/v1/cluster names the successor as the Space's primary (its lease; the media opens within a tick). */
  readonly tookOverMs: number;
  /** Until the speaker's WHIP session was back (a new session on the successor). */
  readonly speakerBackMs: number;
  /** The WHEP listener's longest stretch without the tone. */
  readonly whepGapMs: number;
  /** Seconds an LL-HLS player at the live edge would have waited for media. */
  readonly llHlsStallS: number;
  /** The longest stretch without the tone in what the LL-HLS listener was served around the failover (the audible gap). */
  readonly llHlsGapMs: number;
  /** Whether the speaker moved (a new session before the old one closed) rather than republished after a loss. */
  readonly speakerMoved: boolean;
}

/** From this long before a failover, the LL-HLS listener's parts are decoded to find the gap. */
const GAP_WINDOW_BEFORE_MS = 2_000;

/**
 * A Space on a cluster of `tribune serve` processes, as the chaos test and the failover bench see it:
 * an edge that skips dead origins, a WHIP speaker sending a tone through it, a WHEP listener and an
 * LL-HLS follower through it too. `fail` ends origins with a signal and measures what it cost.
 */
export class FailoverRig {
  readonly #origins: readonly Origin[];
  readonly #byId: Map<string, Origin>;
  readonly #token: string;
  readonly edge: { url: string; close: () => Promise<void> };
  readonly spaceId: string;
  readonly speaker: WhipPublisher;
  readonly whep: WhepListener;
  readonly follower: LlHlsFollower;
  /** The last GET /api/v1/cluster answer (for messages). */
  view: unknown;
  #lastTone = -1;
  #whepGapMs = 0;

  private constructor(init: {
    origins: readonly Origin[]; token: string; edge: FailoverRig['edge']; spaceId: string;
    speaker: WhipPublisher; whep: WhepListener; follower: LlHlsFollower;
  }) {
    this.#origins = init.origins;
    this.#byId = new Map(init.origins.map((o) => [o.id, o]));
    this.#token = init.token;
    this.edge = init.edge;
    this.spaceId = init.spaceId;
    this.speaker = init.speaker;
    this.whep = init.whep;
    this.follower = init.follower;
  }

  /**
   * `makeAdmin`: the cluster's way to promote the host (registration never makes an admin). `edge`:
   * the edge the clients go through (default: a relay that skips dead origins, closed with the rig).
   */
  static async start(origins: readonly Origin[], makeAdmin: (userId: string) => Promise<void>, edge?: FailoverRig['edge']): Promise<FailoverRig> {
    edge ??= await startFailoverEdge(origins);
    const host = (await call(origins[0]!, 'POST', '/api/v1/auth/register', { body: { handle: 'host', password: 'correct horse battery' } })).body;
    await makeAdmin(host.user.id);
    const space = (await call(origins[0]!, 'POST', '/api/v1/spaces', { token: host.token, body: { title: 'Deux chaînes' } })).body;
    const started = await call(origins[1 % origins.length]!, 'POST', `/api/v1/spaces/${space.id}/start`, { token: host.token });
    if (started.status !== 200) throw new Error(`start: ${JSON.stringify(started)}`);
    // The speaker publishes once an origin runs the Space's media (before, WHIP says SPACE_NOT_LIVE).
    const running = await until(async () => {
      const view = (await call(origins[0]!, 'GET', '/api/v1/cluster', { token: host.token })).body as { spaces?: Array<{ spaceId: string; origin: string | null }> };
      return view.spaces?.some((s) => s.spaceId === space.id && s.origin !== null) === true;
    }, 20_000, 100);
    if (!running) throw new Error('no origin runs the Space');
    const url = (path: string) => `${edge.url}/api/v1/spaces/${space.id}/${path}`;
    const speaker = await publishWhip({ url: url('whip'), bearer: host.token, source: toneSource(TONE_HZ, 0.3) });
    let rig: FailoverRig | undefined;
    const whep = await listenWhep({ url: url('whep'), onPcm: (frame) => { if (rig) rig.#heard(frame); } });
    const follower = new LlHlsFollower(`${edge.url}/hls/${space.id}/audio.m3u8`);
    rig = new FailoverRig({ origins, token: host.token, edge, spaceId: space.id, speaker, whep, follower });
    return rig;
  }

  get token(): string { return this.#token; }
  get alive(): Origin[] { return this.#origins.filter((o) => o.child.exitCode === null && o.child.signalCode === null); }
  /** performance.now() of the last 20 ms the WHEP listener heard the tone in. */
  get lastTone(): number { return this.#lastTone; }

  #heard(frame: Int16Array): void {
    if (toneAmplitude(frame, TONE_HZ) < HEARD) return;
    const now = performance.now();
    if (this.#lastTone > 0) this.#whepGapMs = Math.max(this.#whepGapMs, now - this.#lastTone);
    this.#lastTone = now;
  }

  /** Who runs the Space and who stands by, as the cluster view says through a living origin. */
  async placement(): Promise<{ primary?: Origin; standby?: Origin }> {
    for (const o of this.alive) {
      this.view = (await call(o, 'GET', '/api/v1/cluster', { token: this.#token }).catch(() => ({ body: null }))).body;
      const s = (this.view as { spaces?: Array<{ spaceId: string; origin: string | null; standby: string | null }> } | null)?.spaces?.find((x) => x.spaceId === this.spaceId);
      if (s) return { primary: s.origin ? this.#byId.get(s.origin) : undefined, standby: s.standby ? this.#byId.get(s.standby) : undefined };
    }
    return {};
  }

  /** An origin's own answer (not forwarded): what it serves of the Space from its own stream. */
  async local(origin: Origin, name: string): Promise<Buffer | null> {
    const res = await fetch(`${origin.url}/hls/${this.spaceId}/${name}`, { headers: { [FORWARDED_HEADER]: 'test' } });
    return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : null;
  }

  /** Until the Space has a standby that lists at least two segments of its own. */
  async standbyReady(timeoutMs = 30_000): Promise<{ primary: Origin; standby: Origin } | undefined> {
    let found: { primary: Origin; standby: Origin } | undefined;
    await until(async () => {
      const { primary, standby } = await this.placement();
      if (!primary || !standby) return false;
      const body = await this.local(standby, 'audio.m3u8');
      if (body === null || parsePlaylist(body.toString()).segments.length < 2) return false;
      found = { primary, standby };
      return true;
    }, timeoutMs, 200);
    return found;
  }

  /**
   * Ends `victims` with `signal` and waits until `successor` runs the Space, the speaker and the WHEP
   * listener are back and the tone is heard again, and the LL-HLS follower has eight parts more.
   * Throws with what it saw when one of these does not happen.
   */
  async fail(victims: readonly Origin[], signal: 'SIGKILL' | 'SIGTERM', successor: (o: Origin) => boolean): Promise<FailoverCost> {
    // Back: a new session after a loss (reconnects), or one made before the old closed (moves).
    const back = (stats: { reconnects: number; moves: number }): number => stats.reconnects + stats.moves;
    const speakerBefore = this.speaker.stats();
    const whepBefore = back(this.whep.stats());
    this.#whepGapMs = 0;
    const at = performance.now();
    for (const v of victims) v.child.kill(signal);
    const check = async (what: string, ok: () => boolean | Promise<boolean>, ms: number): Promise<number> => {
      if (!(await until(ok, ms, 20))) throw new Error(`${what}: ${JSON.stringify(this.view)}; speaker ${JSON.stringify(this.speaker.stats())}; WHEP ${JSON.stringify(this.whep.stats())}; LL-HLS ${this.follower.errors.slice(-3).join('; ')}`);
      return Math.round(performance.now() - at);
    };
    const tookOverMs = await check('a successor runs the Space', async () => {
      const { primary } = await this.placement();
      return primary !== undefined && !victims.includes(primary) && successor(primary);
    }, 30_000);
    const speakerBackMs = await check('the speaker is back', () => back(this.speaker.stats()) > back(speakerBefore), 30_000);
    await check('the WHEP listener hears the tone again', () => back(this.whep.stats()) > whepBefore && performance.now() - this.#lastTone < 100, 30_000);
    const want = this.follower.parts.length + 8;
    await check('the LL-HLS listener goes on', () => this.follower.parts.length >= want, 30_000);
    return {
      tookOverMs, speakerBackMs, whepGapMs: Math.round(this.#whepGapMs), llHlsStallS: Math.round(this.follower.stallAfter(at, 0) * 1000) / 1000,
      llHlsGapMs: servedToneGapMs(this.follower.parts, at - GAP_WINDOW_BEFORE_MS, TONE_HZ, HEARD), speakerMoved: this.speaker.stats().moves > speakerBefore.moves,
    };
  }

  async close(): Promise<void> {
    await this.follower.stop();
    await this.speaker.close().catch(() => {});
    await this.whep.close().catch(() => {});
    await this.edge.close();
  }
}
