import { parentPort, workerData } from 'node:worker_threads';
import { JunkFlood, type FloodOptions } from './junk-flood.js';
import type { JunkContext } from './junk-requests.js';

/**
 * The junk flood in a thread of its own: parsing thousands of answers a second must not delay the
 * simulated listeners' callbacks (a player that runs late stalls because of us, not the target).
 * Messages: in 'stop'; out 'second' (once a second) and 'report' (once, after stop or the end).
 */
export interface FloodWorkerData {
  readonly target: { host: string; port: number };
  readonly ctx: JunkContext;
  readonly options: FloodOptions;
  /** Date.now() at the run's start: seconds in the flood's timeline are on the run's clock. */
  readonly runStartEpochMs: number;
}

const data = workerData as FloodWorkerData;
const flood = new JunkFlood(data.target, data.ctx, data.options);
let last = Date.now();
const ticker = setInterval(() => {
  const now = Date.now();
  const second = flood.stats.tick(Math.round((now - data.runStartEpochMs) / 10) / 100, (now - last) / 1000);
  last = now;
  parentPort!.postMessage({ type: 'second', second });
}, 1000);
parentPort!.on('message', (m: { type: string }) => { if (m.type === 'stop') flood.stop(); });
void flood.start().then(() => {
  clearInterval(ticker);
  const now = Date.now();
  flood.stats.tick(Math.round((now - data.runStartEpochMs) / 10) / 100, (now - last) / 1000);
  // Slow sockets and counts settle in report(); then the thread has nothing left to do.
  parentPort!.postMessage({ type: 'report', report: flood.report() });
  setTimeout(() => process.exit(0), 50);
});
