import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLoadtestReport } from '../loadtest/report.js';
import { DEFAULT_CAPACITIES, type Capacities, type Figure } from './capacities.js';

type Json = Record<string, any>;

function readJson(path: string): Json | undefined {
  try { return JSON.parse(readFileSync(path, 'utf8')) as Json; } catch { return undefined; }
}

const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/**
 * Replaces defaults with figures measured on this deployment's hardware: `bench/results/*.json`
 * (written by `npm run bench`) and, when given, a `tribune loadtest` report. Each replaced figure
 * names the file it came from.
 */
export function measuredCapacities(options: { resultsDir?: string; report?: string } = {}): { capacities: Capacities; used: string[] } {
  const out: { -readonly [K in keyof Capacities]: Figure } = { ...DEFAULT_CAPACITIES };
  const used: string[] = [];
  const set = (key: keyof Capacities, value: number, source: string): void => {
    out[key] = { value: Math.round(value * 1000) / 1000, unit: out[key].unit, source };
    used.push(`${key} <- ${source}`);
  };
  const dir = options.resultsDir;
  if (dir && existsSync(dir)) {
    const files = new Map(readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f.replace(/\.json$/, ''), join(dir, f)]));
    const fanout = files.has('stage-fanout') ? readJson(files.get('stage-fanout')!) : undefined;
    const tribune = (fanout?.results as Json[] | undefined)?.filter((r) => r.target === 'tribune' && positive(r.packetsPerSecondPerCore)).at(-1);
    // 50 packets/s per WHEP listener (20 ms Opus); one process uses one core for its fan-out.
    if (tribune) set('whepListenersPerOrigin', tribune.packetsPerSecondPerCore / 50, `${files.get('stage-fanout')} (${tribune.packetsPerSecondPerCore} packets/s per core)`);
    const mixer = files.has('stage-mixer') ? readJson(files.get('stage-mixer')!) : undefined;
    if (positive(mixer?.programPlusMixMinus?.spacesPerCore)) set('spacesPerMixerCore', mixer!.programPlusMixMinus.spacesPerCore, `${files.get('stage-mixer')}`);
    const origin = files.has('audience-origin-load') ? readJson(files.get('audience-origin-load')!) : undefined;
    const viaEdge = (origin?.rowsViaEdge as Json[] | undefined)?.[0];
    if (positive(viaEdge?.edgeCpuPercentPer1kRequestsPerSecond)) set('edgeRequestsPerCoreSecond', 1000 / (viaEdge!.edgeCpuPercentPer1kRequestsPerSecond / 100), `${files.get('audience-origin-load')} (edge CPU per 1k req/s)`);
    if (positive(viaEdge?.originRequestsPerPart)) set('originRequestsPerPartPerEdge', viaEdge!.originRequestsPerPart, `${files.get('audience-origin-load')}`);
    const direct = (origin?.rowsDirectToOriginNoEdge as Json[] | undefined)?.[0];
    if (positive(direct?.originRequestsPerSecond) && positive(direct?.originCpuPercent)) {
      set('originRequestsPerCoreSecond', direct!.originRequestsPerSecond / (direct!.originCpuPercent / 100), `${files.get('audience-origin-load')} (no edge)`);
    }
    const writes = files.has('cluster-writes') ? readJson(files.get('cluster-writes')!) : undefined;
    const three = writes?.threeOrigins as Json | undefined;
    if (positive(three?.writesPerCoreSecondMedian)) set('clusterWritesPerOriginCoreSecond', three!.writesPerCoreSecondMedian, `${files.get('cluster-writes')} (three origins)`);
    if (positive(three?.redisCommandsPerWrite)) set('redisCommandsPerWrite', three!.redisCommandsPerWrite, `${files.get('cluster-writes')} (three origins)`);
    if (positive(three?.postgresQueriesPerWrite)) set('postgresQueriesPerWrite', three!.postgresQueriesPerWrite, `${files.get('cluster-writes')} (three origins)`);
    const capacity = files.has('loadtest-capacity') ? readJson(files.get('loadtest-capacity')!) : undefined;
    if (positive(capacity?.listenersPerCore)) set('loadtestListenersPerCore', capacity!.listenersPerCore, `${files.get('loadtest-capacity')}`);
  }
  if (options.report) {
    const report = readJson(options.report);
    if (!isLoadtestReport(report)) throw new TypeError(`${options.report} is not a tribune loadtest report`);
    // Origin requests per core from the busiest second with a meaningful CPU reading.
    const best = report.timeline
      .map((p, i) => ({ rps: p.requestsPerSecond, cores: report.originSamples[i]?.cpuCores ?? p.originCpuCores }))
      .filter((x): x is { rps: number; cores: number } => positive(x.cores) && x.cores > 0.2 && positive(x.rps))
      .sort((a, b) => b.rps - a.rps)[0];
    if (best && report.options['collapse'] === false) set('originRequestsPerCoreSecond', best.rps / best.cores, `${options.report} (loadtest, no collapsing)`);
    if (positive(report.summary.generator.listenersPerCore)) set('loadtestListenersPerCore', report.summary.generator.listenersPerCore, `${options.report} (loadtest)`);
  }
  return { capacities: out, used };
}
