import type { OriginSample } from './origin-metrics.js';
import type { Percentiles } from './stats.js';
import type { AttackReport } from './attack/attack-run.js';
import type { BrowserPlayerReport } from './browser-players.js';

/** One second of the run, as plotted. Latencies are of the joins/first audio completed in that second. */
export interface TimelinePoint {
  readonly t: number;
  readonly target: number;
  readonly joining: number;
  readonly playing: number;
  readonly stalledNow: number;
  readonly stallsTotal: number;
  readonly requestsPerSecond: number;
  readonly listenerRequestsPerSecond: number;
  readonly errorsPerSecond: number;
  readonly joinP50: number | null;
  readonly joinP99: number | null;
  readonly firstAudioP50: number | null;
  readonly firstAudioP99: number | null;
  readonly whep: number;
  readonly speakers: number;
  readonly generatorCores: number;
  /** The load generator's own event-loop delay (p99 over the second), ms: when high, its clients were late, not the target. */
  readonly generatorEventLoopP99Ms?: number;
  readonly originCpuCores: number | null;
  readonly originRssMB: number | null;
  /** The origin's event-loop delay p99 from /metrics, ms. */
  readonly originEventLoopP99Ms?: number | null;
  /** The attack profile's flood, per second (absent outside it). */
  readonly floodSent?: number;
  readonly floodAccepted?: number;
  readonly floodRefusedAtEdge?: number;
  readonly floodRefusedAtOrigin?: number;
  readonly floodNoAnswer?: number;
}

export interface LoadtestSummary {
  readonly peakTarget: number;
  readonly peakPlaying: number;
  readonly listenersStarted: number;
  /** How the simulated players fetched LL-HLS: what the page does for this Space (audience.delivery). */
  readonly delivery?: 'parts' | 'segment-streams';
  readonly joinMs: Percentiles;
  readonly firstAudioMs: Percentiles;
  readonly stalls: { readonly count: number; readonly listenersWithStalls: number; readonly stallMs: Percentiles };
  readonly requests: {
    readonly sent: number; readonly simulated: number; readonly peakPerSecond: number;
    /** Writes the origin under attack asked work for (428), solved as a browser would. */
    readonly proofsOfWork: { readonly solved: number; readonly givenUp: number; readonly meanMs: number };
  };
  readonly errors: Record<string, number>;
  readonly stage: {
    readonly speakersRequested: number; readonly speakersConnected: number; readonly whepRequested: number; readonly whepConnected: number;
    readonly whipConnectMs: Percentiles; readonly whepConnectMs: Percentiles; readonly whepFirstPacketMs: Percentiles;
    readonly packetsSent: number; readonly packetsReceived: number; readonly packetsLost: number;
  };
  readonly interactions: {
    readonly questions: number; readonly approved: number; readonly votes: number; readonly reactions: number; readonly accountsFailed: number;
    /** Honest writes (questions, votes, reactions): sent, accepted, and the reasons of the others. */
    readonly writesAttempted: number; readonly writesAccepted: number; readonly writeRefusals: Record<string, number>;
  };
  readonly origin: { readonly cpuCoresMean: number | null; readonly cpuCoresPeak: number | null; readonly rssMBPeak: number | null; readonly scrapeFailures: number };
  readonly generator: {
    readonly cpuSeconds: number; readonly coresMean: number; readonly peakRssMB: number;
    /** Mean listeners playing per core of load generator used, over the seconds at >= 95% of the peak. */
    readonly listenersPerCore: number | null;
  };
}

export interface LoadtestReport {
  readonly tool: 'tribune loadtest';
  readonly reportVersion: 1;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly target: string;
  readonly spaceId: string;
  readonly options: Record<string, unknown>;
  readonly durationS: number;
  readonly summary: LoadtestSummary;
  readonly timeline: readonly TimelinePoint[];
  readonly originSamples: readonly OriginSample[];
  /** What the numbers do and do not mean (collapsing, rate limits, the machine). */
  readonly notes: readonly string[];
  /** Failures of the load generator's own clients that it survived (e.g. an unhandled rejection), by message. */
  readonly clientFailures: Record<string, number>;
  /** --profile attack: the flood, the honest side, and the verdict against each goal. */
  readonly attack?: AttackReport;
  /** --browsers: real players beside the simulated ones, and the two side by side. */
  readonly browsers?: {
    readonly players: readonly BrowserPlayerReport[];
    readonly error: string | undefined;
    /** Requests per second per real page (mean), and per simulated listener playing (steady state, as the target saw them without collapsing). */
    readonly realRequestsPerSecond: number | null;
    readonly simulatedRequestsPerListenerSecond: number | null;
    readonly realStallsPerPlayer: number | null;
    readonly simulatedStallsPerListener: number | null;
  };
}

/** Checks the shape of a report read back from disk (preflight --from, tests). */
export function isLoadtestReport(value: unknown): value is LoadtestReport {
  const r = value as Partial<LoadtestReport> | null;
  return !!r && r.tool === 'tribune loadtest' && r.reportVersion === 1 && Array.isArray(r.timeline) && typeof r.summary === 'object';
}
