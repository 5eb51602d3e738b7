import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

type Listener = (m: Extract<FromWorker, { seat: string }>) => void;

/** Niceness of the captions process: under CPU contention the scheduler serves the mixer first. */
const CAPTIONS_NICENESS = 10;

/**
 * The origin's handle on the captions process. A child process rather than a thread: the OS can give
 * it a lower priority than the process that clocks the mixer (threads share the process's), and a
 * fault in the native engine ends captions, not the server.
 */
export class CaptionsWorkerClient {
  readonly #child: ChildProcess;
  readonly #ready: Promise<string>;
  readonly #seats = new Map<string, Listener>();
  readonly #supports = new Map<number, (ok: boolean) => void>();
  #nextId = 0;
  #closed = false;
  #settled = false;
  #onFatal: (err: Error) => void = () => {};

  constructor(init: WorkerInit) {
    // Under tsx (tests, benches) the worker is the .ts source; once built, the .js next to this file.
    const source = import.meta.url.endsWith('.ts');
    const path = fileURLToPath(new URL(`./captions-worker.${source ? 'ts' : 'js'}`, import.meta.url));
    this.#child = fork(path, [], {
      serialization: 'advanced',
      execArgv: source ? ['--import', 'tsx'] : [],
      env: { ...process.env, TRIBUNE_CAPTIONS_INIT: JSON.stringify(init) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      if (this.#child.pid) setPriority(this.#child.pid, CAPTIONS_NICENESS);
    } catch { /* not permitted here: captions still work, at the same priority */ }
    this.#child.unref();
    this.#ready = new Promise((resolve, reject) => {
      this.#child.once('error', reject);
      this.#child.once('exit', (code) => reject(new Error(`captions process exited (${code})`)));
      this.#child.on('message', (m: FromWorker) => {
        if (m.type === 'ready') resolve(m.engine);
        else if (m.type === 'fatal') reject(new Error(m.message));
        else if (m.type === 'supported') {
          this.#supports.get(m.id)?.(m.supported);
          this.#supports.delete(m.id);
        } else this.#seats.get(m.seat)?.(m);
      });
    });
    this.#ready.catch((err: Error) => this.#onFatal(err));
    void this.#ready.then(() => { this.#settled = true; this.#updateRef(); }, () => {});
    this.#child.on('exit', (code, signal) => {
      if (!this.#closed) this.#onFatal(new Error(`captions process exited (${code ?? signal})`));
      this.#closed = true;
    });
  }

  /** The engine's name once it is loaded; rejects if it could not be. */
  get ready(): Promise<string> {
    return this.#ready;
  }

  onFatal(handler: (err: Error) => void): void {
    this.#onFatal = handler;
  }

  async supports(language: string): Promise<boolean> {
    await this.#ready;
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#supports.set(id, (ok) => { resolve(ok); this.#updateRef(); });
      this.#updateRef();
      this.#send({ type: 'supports', id, language });
    });
  }

  open(seat: string, language: string, listener: Listener): void {
    this.#seats.set(seat, listener);
    this.#updateRef();
    this.#send({ type: 'open', seat, language });
  }

  audio(seat: string, pcm: Float32Array, wallClock: number): void {
    this.#send({ type: 'audio', seat, pcm, wallClock, sentAt: performance.now() });
  }

  gap(seat: string): void {
    this.#send({ type: 'gap', seat });
  }

  close(seat: string): void {
    this.#send({ type: 'close', seat });
    // Acks and the last final may still come: keep listening briefly is not worth it; the seat is gone.
    this.#seats.delete(seat);
    this.#updateRef();
  }

  /** The channel keeps the origin's event loop alive only while captions have work (not at shutdown). */
  #updateRef(): void {
    if (this.#closed) return;
    if (!this.#settled || this.#seats.size > 0 || this.#supports.size > 0) this.#child.channel?.ref();
    else this.#child.channel?.unref();
  }

  async terminate(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    // Held until it is gone, or the caller's await would outlive an empty event loop.
    this.#child.ref();
    this.#child.kill();
    await exited;
  }

  #send(m: ToWorker): void {
    // A full pipe or a dead process must not throw into the mixer's tick: captions lose, nothing else.
    if (!this.#closed && this.#child.connected) this.#child.send(m, (err) => { if (err) this.#onFatal(err); });
  }
}
