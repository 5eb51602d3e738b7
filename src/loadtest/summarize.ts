import type { HttpClient } from './http-client.js';
import type { AudienceContext, HlsListener } from './hls-listener.js';
import type { Interactions } from './interactions.js';
import type { LoadtestOptions } from './options.js';
import type { OriginMetrics } from './origin-metrics.js';
import type { LoadtestSummary, TimelinePoint } from './report.js';
import type { StagePeers } from './stage-peers.js';
import { round, summarize } from './stats.js';

export interface RunTotals {
  readonly timeline: readonly TimelinePoint[];
  readonly ctx: AudienceContext;
  readonly all: readonly HlsListener[];
  readonly peakTarget: number;
  readonly client: HttpClient;
  readonly peers: StagePeers;
  readonly stageFinal: ReturnType<StagePeers['stats']>;
  readonly interactions: Interactions;
  readonly origin: OriginMetrics;
  readonly options: LoadtestOptions;
  readonly generatorCpuSeconds: number;
  readonly wallSeconds: number;
  readonly peakRssMB: number;
}

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function summarizeRun(r: RunTotals): LoadtestSummary {
  const peakPlaying = Math.max(0, ...r.timeline.map((p) => p.playing));
  // The steady state: seconds with the audience at >= 95% of its peak. Listeners per core is the
  // mean audience there over the mean cores the load generator burnt there.
  const steady = r.timeline.filter((p) => peakPlaying > 0 && p.playing >= 0.95 * peakPlaying);
  const steadyCores = mean(steady.map((p) => p.generatorCores));
  const steadyPlaying = mean(steady.map((p) => p.playing));
  const cpu = r.origin.samples.map((s) => s.cpuCores).filter((x): x is number => x !== null);
  const rss = r.origin.samples.map((s) => s.rssMB).filter((x): x is number => x !== null);
  return {
    peakTarget: r.peakTarget,
    peakPlaying,
    listenersStarted: r.all.length,
    delivery: r.ctx.delivery,
    joinMs: summarize(r.ctx.joinMs.all),
    firstAudioMs: summarize(r.ctx.firstAudioMs.all),
    stalls: {
      count: r.all.reduce((s, l) => s + l.stalls, 0),
      listenersWithStalls: r.all.filter((l) => l.stalls > 0).length,
      stallMs: summarize(r.ctx.stallMs.all),
    },
    requests: {
      sent: r.client.sent, simulated: r.client.logical, peakPerSecond: Math.max(0, ...r.timeline.map((p) => p.requestsPerSecond)),
      proofsOfWork: { solved: r.client.powSolved, givenUp: r.client.powFailed, meanMs: r.client.powSolved ? Math.round(r.client.powMs / r.client.powSolved) : 0 },
    },
    errors: { ...r.client.errors.toJSON(), ...r.peers.errors.toJSON() },
    stage: {
      speakersRequested: r.options.speakers, speakersConnected: r.stageFinal.speakers,
      whepRequested: r.options.whepListeners, whepConnected: r.stageFinal.whep,
      whipConnectMs: summarize(r.peers.whipConnectMs.all), whepConnectMs: summarize(r.peers.whepConnectMs.all),
      whepFirstPacketMs: summarize(r.peers.whepFirstPacketMs.all),
      packetsSent: r.stageFinal.packetsSent, packetsReceived: r.stageFinal.packetsReceived, packetsLost: r.stageFinal.packetsLost,
    },
    interactions: {
      questions: r.interactions.questions, approved: r.interactions.approved, votes: r.interactions.votes, reactions: r.interactions.reactions, accountsFailed: r.interactions.accountsFailed,
      writesAttempted: r.interactions.writesAttempted, writesAccepted: r.interactions.writesAccepted, writeRefusals: r.interactions.refusals.toJSON(),
    },
    origin: {
      cpuCoresMean: cpu.length ? round(mean(cpu)!, 3) : null,
      cpuCoresPeak: cpu.length ? round(Math.max(...cpu), 3) : null,
      rssMBPeak: rss.length ? Math.max(...rss) : null,
      scrapeFailures: r.origin.failures,
    },
    generator: {
      cpuSeconds: round(r.generatorCpuSeconds, 2),
      coresMean: round(r.generatorCpuSeconds / Math.max(0.001, r.wallSeconds), 3),
      peakRssMB: round(r.peakRssMB),
      listenersPerCore: steadyCores && steadyPlaying ? Math.round(steadyPlaying / steadyCores) : null,
    },
  };
}
