import { Worker } from 'node:worker_threads';
import type { FloodSecond } from './flood-stats.js';
import type { FloodReport } from './junk-flood.js';
import type { FloodWorkerData } from './flood-worker.js';

/** The parent's handle on the flood's thread: start, the latest second, stop, the report. */
export class FloodThread {
  latest: FloodSecond | undefined;
  #worker: Worker | undefined;
  #report: Promise<FloodReport> | undefined;
  #running = false;

  get running(): boolean {
    return this.#running;
  }

  /** Resolves with the flood's report when it has ended (its duration, or stop()). */
  start(data: FloodWorkerData): Promise<FloodReport> {
    // Under tsx (tests, running from source) the worker is the .ts file; built, the .js beside this one.
    const fromSource = import.meta.url.endsWith('.ts');
    const entry = new URL(fromSource ? './flood-worker.ts' : './flood-worker.js', import.meta.url);
    // Run from source (tests, tsx), the thread registers tsx itself: Node 20 threads do not
    // inherit the main thread's module hooks.
    const worker = fromSource
      ? new Worker(`(async () => { (await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})).register(); await import(${JSON.stringify(entry.href)}); })()`, { eval: true, workerData: data })
      : new Worker(entry, { workerData: data });
    this.#worker = worker;
    this.#running = true;
    this.#report = new Promise<FloodReport>((resolve, reject) => {
      worker.on('message', (m: { type: 'second'; second: FloodSecond } | { type: 'report'; report: FloodReport }) => {
        if (m.type === 'second') this.latest = m.second;
        else { this.#running = false; resolve(m.report); }
      });
      worker.on('error', (err) => { this.#running = false; reject(err); });
      worker.on('exit', (code) => { this.#running = false; reject(new Error(`the flood's thread exited (${code}) before its report`)); });
    });
    return this.#report;
  }

  stop(): void {
    this.#worker?.postMessage({ type: 'stop' });
  }
}
