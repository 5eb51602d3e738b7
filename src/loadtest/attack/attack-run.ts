import type { HttpClient } from '../http-client.js';
import type { HlsListener } from '../hls-listener.js';
import type { Interactions } from '../interactions.js';
import type { AttackOptions } from '../options.js';
import type { TimelinePoint } from '../report.js';
import { summarize, type Percentiles, type Samples } from '../stats.js';
import { honestAddress } from '../flood/addresses.js';
import type { FloodReport } from '../flood/junk-flood.js';
import { FloodThread } from '../flood/flood-thread.js';
import type { FloodWorkerData } from '../flood/flood-worker.js';
import { deadWhepOffer } from '../flood/whep-offer.js';
import { evaluateGoals, type GoalVerdict } from './goals.js';
import { HostProbe, type ProbeResult } from './host-probe.js';

export interface AttackReport {
  readonly flood: FloodReport;
  /** The flood's window in run seconds. */
  readonly floodStartS: number | null;
  readonly floodEndS: number | null;
  readonly listeners: {
    readonly playingAtFloodStart: number;
    readonly stallsBeforeFlood: number;
    readonly stallsSinceFlood: number;
    readonly listenersWithStallsSinceFlood: number;
    readonly joinedDuringFlood: number;
    readonly joinedDuringFloodPlayed: number;
    readonly firstAudioDuringFloodMs: Percentiles;
  };
  readonly honestWrites: {
    readonly attempted: number; readonly accepted: number; readonly acceptedPct: number | null; readonly refusals: Record<string, number>;
    readonly duringFlood: { readonly attempted: number; readonly accepted: number; readonly acceptedPct: number | null; readonly refusals: Record<string, number> };
  };
  readonly host: { readonly secondsOffAir: number; readonly speakersBeforeFlood: number; readonly probes: readonly ProbeResult[]; readonly probesOk: number; readonly probesFailed: number };
  readonly origin: { readonly rssMBBeforeFlood: number | null; readonly rssMBPeak: number | null; readonly rssLimitMB: number; readonly eventLoopP99MsPeak: number | null; readonly eventLoopP99MsMedianDuringFlood: number | null };
  readonly goals: readonly GoalVerdict[];
}

/** Where the honest audience comes from: 127.10.0.0/16, one address per listener or account. */
export const honestListenerAddress = (id: number): string => honestAddress(1000 + id);
export const honestAccountAddress = (i: number): string => honestAddress(i);

/** The flood switched off (--flood-rate 0), or its thread failed: nothing sent, said so. */
function emptyFloodReport(o: AttackOptions, error: string | undefined): FloodReport {
  return {
    targetRate: o.floodRate, durationS: 0, addresses: o.floodAddresses, seed: o.seed, sent: 0, answered: 0,
    achievedSentPerSecond: 0, achievedAnsweredPerSecond: 0, peakSentPerSecond: 0,
    byLayer: { edge: 0, origin: 0, accepted: 0, 'no-answer': 0 }, kinds: {}, slow: [], connectErrors: error ? { [`flood thread: ${error}`]: 1 } : {}, timeline: [],
  };
}

const pctOf = (a: number, b: number): number | null => (b > 0 ? Math.round((1000 * a) / b) / 10 : null);

/**
 * The night of the attack, around an ordinary run: after the warm-up, the junk flood starts, the
 * host's WHIP probe runs throughout, and the report says how the honest side fared against goals.
 */
export class AttackRun {
  readonly #o: AttackOptions;
  readonly #flood = new FloodThread();
  readonly #floodData: FloodWorkerData;
  #floodReport: FloodReport | undefined;
  #floodError: string | undefined;
  readonly #probe: HostProbe | undefined;
  #startTimer: NodeJS.Timeout | undefined;
  #floodStartS: number | null = null;
  #floodEndS: number | null = null;
  #floodDone: Promise<void> = Promise.resolve();
  #stallsAtStart = 0;
  #playingAtStart = 0;
  #speakersAtStart = 0;
  #rssBefore: number | null = null;
  #secondsOffAir = 0;
  #stopped = false;
  #inWindow = false;
  #windowTimer: NodeJS.Timeout | undefined;
  #endWindow: (() => void) | undefined;
  readonly #stallsBefore = new Map<HlsListener, number>();

  private constructor(o: AttackOptions, floodData: FloodWorkerData, probe: HostProbe | undefined) {
    this.#o = o;
    this.#floodData = floodData;
    this.#probe = probe;
  }

  /** Mints what the flood replays (a real listener token, a real SDP offer) before anything starts. */
  static async prepare(o: AttackOptions, target: string, spaceId: string, client: HttpClient, hostToken: string | undefined, elapsedS: () => number): Promise<AttackRun> {
    const url = new URL(target);
    const minted = await client.requestAsync(`/api/v1/spaces/${spaceId}/listener-token`, { method: 'POST', body: '{}', localAddress: honestAddress(60_000) });
    let replayed: string | undefined;
    try { replayed = (JSON.parse(minted.body.toString()) as { listenerToken?: string }).listenerToken; } catch { /* the flood forges one then */ }
    const floodData: FloodWorkerData = {
      target: { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) },
      ctx: { host: url.host, spaceId, replayedListenerToken: replayed, whepOffer: await deadWhepOffer() },
      options: { rate: o.floodRate, durationS: o.floodDurationS, addresses: o.floodAddresses, slowSockets: o.slowSockets, seed: o.seed, pipeline: o.pipeline },
      runStartEpochMs: 0,
    };
    const probe = hostToken ? new HostProbe(`${target.replace(/\/$/, '')}/api/v1/spaces/${spaceId}/whip`, hostToken, o.probeIntervalMs, elapsedS) : undefined;
    return new AttackRun(o, floodData, probe);
  }

  /** Inside the flood's window (also with --flood-rate 0: the same run with the flood switched off). */
  get flooding(): boolean {
    return this.#inWindow;
  }

  /** Starts the probe now and the flood after the warm-up. */
  start(state: { listeners: () => readonly HlsListener[]; speakers: () => number; rssMB: () => number | null; elapsedS: () => number }): void {
    this.#probe?.start();
    this.#startTimer = setTimeout(() => {
      const all = state.listeners();
      for (const l of all) this.#stallsBefore.set(l, l.stalls);
      this.#stallsAtStart = all.reduce((s, l) => s + l.stalls, 0);
      this.#playingAtStart = all.filter((l) => l.state === 'playing').length;
      this.#speakersAtStart = state.speakers();
      this.#rssBefore = state.rssMB();
      this.#floodStartS = state.elapsedS();
      this.#inWindow = true;
      const ended = (): void => { this.#inWindow = false; this.#floodEndS = state.elapsedS(); };
      // Flood switched off (--flood-rate 0): the window passes with nothing sent, for a side-by-side run.
      const runStartEpochMs = Date.now() - state.elapsedS() * 1000;
      this.#floodDone = this.#o.floodRate > 0
        ? this.#flood.start({ ...this.#floodData, runStartEpochMs }).then((report) => { this.#floodReport = report; ended(); }, (err: Error) => { this.#floodError = err.message; ended(); })
        : new Promise<void>((resolve) => {
          this.#endWindow = () => { if (this.#inWindow) ended(); resolve(); };
          this.#windowTimer = setTimeout(() => this.#endWindow?.(), this.#o.floodDurationS * 1000);
        });
    }, this.#o.warmupS * 1000);
  }

  /** Once a second: the flood's timeline, and whether the speakers are still on air. */
  tick(point: TimelinePoint): Partial<TimelinePoint> {
    // After stop() the run is winding down (peers closing): nothing more counts against the goals.
    if (this.#floodStartS === null || this.#stopped) return {};
    if (point.speakers < this.#speakersAtStart) this.#secondsOffAir += 1;
    // The flood counts in its own thread; the live view shows the latest second it reported.
    const s = this.#flood.latest;
    this.#flood.latest = undefined;
    if (!s) return {};
    return { floodSent: s.sent, floodAccepted: s.accepted, floodRefusedAtEdge: s.refusedAtEdge, floodRefusedAtOrigin: s.refusedAtOrigin, floodNoAnswer: s.noAnswer };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#startTimer);
    this.#flood.stop();
    clearTimeout(this.#windowTimer);
    this.#endWindow?.();
    await this.#floodDone.catch(() => undefined);
    await this.#probe?.stop();
  }

  report(inputs: { listeners: readonly HlsListener[]; firstAudioDuringFlood: Samples; interactions: Interactions; timeline: readonly TimelinePoint[] }): AttackReport {
    const all = inputs.listeners;
    const stallsNow = all.reduce((s, l) => s + l.stalls, 0);
    const withStalls = all.filter((l) => l.stalls > (this.#stallsBefore.get(l) ?? 0)).length;
    const joined = all.filter((l) => l.joinedDuringFlood);
    const i = inputs.interactions;
    const flood = this.#floodReport ?? emptyFloodReport(this.#o, this.#floodError);
    const during = inputs.timeline.filter((p) => this.#floodStartS !== null && p.t >= this.#floodStartS && (this.#floodEndS === null || p.t <= this.#floodEndS));
    const rss = inputs.timeline.map((p) => p.originRssMB).filter((x): x is number => x !== null);
    const lagAll = inputs.timeline.map((p) => p.originEventLoopP99Ms).filter((x): x is number => x !== null && x !== undefined);
    const lagDuring = during.map((p) => p.originEventLoopP99Ms).filter((x): x is number => x !== null && x !== undefined).sort((a, b) => a - b);
    const probes = this.#probe?.results ?? [];
    const probesOk = probes.filter((p) => p.ok).length;
    const rssPeak = rss.length ? Math.max(...rss) : null;
    const playing = all.filter((l) => l.played).length;
    return {
      flood, floodStartS: this.#floodStartS, floodEndS: this.#floodEndS,
      listeners: {
        playingAtFloodStart: this.#playingAtStart, stallsBeforeFlood: this.#stallsAtStart,
        stallsSinceFlood: stallsNow - this.#stallsAtStart, listenersWithStallsSinceFlood: withStalls,
        joinedDuringFlood: joined.length, joinedDuringFloodPlayed: joined.filter((l) => l.played).length,
        firstAudioDuringFloodMs: summarize(inputs.firstAudioDuringFlood.all),
      },
      honestWrites: {
        attempted: i.writesAttempted, accepted: i.writesAccepted, acceptedPct: pctOf(i.writesAccepted, i.writesAttempted), refusals: i.refusals.toJSON(),
        duringFlood: { attempted: i.duringFlood.attempted, accepted: i.duringFlood.accepted, acceptedPct: pctOf(i.duringFlood.accepted, i.duringFlood.attempted), refusals: i.duringFlood.refusals.toJSON() },
      },
      host: { secondsOffAir: this.#secondsOffAir, speakersBeforeFlood: this.#speakersAtStart, probes, probesOk, probesFailed: probes.length - probesOk },
      origin: {
        rssMBBeforeFlood: this.#rssBefore, rssMBPeak: rssPeak, rssLimitMB: this.#o.rssLimitMB,
        eventLoopP99MsPeak: lagAll.length ? Math.max(...lagAll) : null,
        eventLoopP99MsMedianDuringFlood: lagDuring.length ? lagDuring[Math.ceil(lagDuring.length / 2) - 1]! : null,
      },
      goals: evaluateGoals({
        stallsSinceFlood: stallsNow - this.#stallsAtStart, listenersWithStallsSinceFlood: withStalls, listenersPlaying: playing,
        honestAttempted: i.writesAttempted, honestAccepted: i.writesAccepted,
        secondsOffAir: this.#secondsOffAir, probesOk, probesFailed: probes.length - probesOk,
        rssMBPeak: rssPeak, rssLimitMB: this.#o.rssLimitMB,
      }),
    };
  }
}
