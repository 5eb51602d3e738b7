/**
 * Simulated LL-HLS listeners per core of load generator (`tribune loadtest`'s own efficiency).
 * The origin runs as `tribune serve` in a child process; the load generator runs here, so
 * process.cpuUsage() is the generator's alone. Listeners per core = mean listeners playing over the
 * mean cores this process used, in the seconds at >= 95% of the peak (after the join storm).
 *
 *   npx tsx bench/loadtest-capacity.ts [--listeners 20000] [--ramp 2000] [--hold 20] [--uncollapsed 300]
 *
 * Two runs: with request collapsing (the default; what 20k listeners behind an edge cost the
 * generator) and --uncollapsed N listeners without it (each listener's 10 req/s on the wire).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ndc from 'node-datachannel';
import { LOADTEST_DEFAULTS, rampProfile, runLoadtest, type LoadtestOptions, type LoadtestReport } from '../src/loadtest/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const listeners = arg('listeners', 20_000);
const ramp = arg('ramp', 2000);
const hold = arg('hold', 20);
// Not --direct: @discordjs/opus's node-pre-gyp reads process.argv and takes it for --directory.
const direct = arg('uncollapsed', 300);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
  });
}

async function startOrigin(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tribune-lt-bench-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./lib/tribune-cli.ts', import.meta.url).pathname, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dir, '--udp-port', '0', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, TRIBUNE_WRITES_PER_SECOND: '100000' },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try { if ((await fetch(`${url}/readyz`)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async stop() {
      // Ask nicely, then insist: a graceful shutdown that hangs must not hang the benchmark.
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      if (await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]) === false) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function options(target: string, n: number, collapse: boolean): LoadtestOptions {
  return {
    target, allowRemote: false, spaceId: undefined, create: true, handle: undefined, password: undefined,
    profile: rampProfile(n, ramp, n / ramp + hold), whepListeners: 0, speakers: 1, speech: undefined,
    askers: 0, voters: 0, tappers: 0, tapIntervalMs: 1000, heartbeats: false, collapse, spoofForwardedFor: false,
    maxSockets: LOADTEST_DEFAULTS.maxSockets, playerBufferMs: LOADTEST_DEFAULTS.playerBufferMs, requestTimeoutMs: 10_000,
    metricsIntervalMs: 1000, reportDir: undefined,
  };
}

function row(r: LoadtestReport, collapse: boolean) {
  const s = r.summary;
  const steady = r.timeline.filter((p) => p.playing >= 0.95 * s.peakPlaying);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    collapse,
    listeners: s.peakPlaying,
    listenersPerCore: s.generator.listenersPerCore,
    // A loaded machine slows simulated players below a real one's pace (10 req/s: a blocking reload
    // and a part every 200 ms); counting listener requests / 10 per core does not flatter that case.
    realPaceListenersPerCore: Math.round(mean(steady.map((p) => p.listenerRequestsPerSecond)) / 10 / Math.max(0.001, mean(steady.map((p) => p.generatorCores)))),
    steadyGeneratorCores: Math.round(mean(steady.map((p) => p.generatorCores)) * 1000) / 1000,
    steadyRequestsPerSecondOnWire: Math.round(mean(steady.map((p) => p.requestsPerSecond))),
    steadyListenerRequestsPerSecond: Math.round(mean(steady.map((p) => p.listenerRequestsPerSecond))),
    joinMs: s.joinMs, firstAudioMs: s.firstAudioMs, stalls: s.stalls.count, listenersWithStalls: s.stalls.listenersWithStalls,
    errors: s.errors, originCpuCoresMean: s.origin.cpuCoresMean, generatorPeakRssMB: s.generator.peakRssMB,
  };
}

const origin = await startOrigin();
const rows = [];
try {
  console.error(`loadtest-capacity: ${listeners} listeners, collapsing on`);
  rows.push(row(await runLoadtest(options(origin.url, listeners, true)), true));
  if (direct > 0) {
    console.error(`loadtest-capacity: ${direct} listeners, collapsing off`);
    rows.push(row(await runLoadtest(options(origin.url, direct, false)), false));
  }
} finally {
  await origin.stop();
}
const collapsed = rows[0]!;
const uncollapsed = rows[1];
const result = {
  bench: 'loadtest-capacity',
  cores: (await import('node:os')).cpus().length,
  listenersPerCore: collapsed.listenersPerCore,
  realPaceListenersPerCore: collapsed.realPaceListenersPerCore,
  listenersPerCoreWithoutCollapsing: uncollapsed?.realPaceListenersPerCore ?? null,
  runs: rows,
  target: '>= 10000 simulated LL-HLS listeners per core (20k on a 2-core machine)',
  note: 'collapsing on: listeners at the same part share one request (as behind an edge); joins are per listener. Off: every listener sends its 10 req/s.',
};
console.log(JSON.stringify(result, null, 2));
console.log(`loadtest-capacity: ${collapsed.listeners} LL-HLS listeners at ${collapsed.steadyGeneratorCores} cores of load generator = ${collapsed.listenersPerCore} listeners per core (collapsing); ${uncollapsed ? `${uncollapsed.listeners} listeners without collapsing = ${uncollapsed.listenersPerCore} per core` : ''}`);
ndc.cleanup();
process.exit(0);
