import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

type Listener = (m: Extract<FromWorker, { seat: string }>) => void;

/** The main thread's handle on the captions worker thread. */
export class CaptionsWorkerClient {
  readonly #worker: Worker;
  readonly #ready: Promise<string>;
  readonly #seats = new Map<string, Listener>();
  readonly #supports = new Map<number, (ok: boolean) => void>();
  #nextId = 0;
  #closed = false;
  #onFatal: (err: Error) => void = () => {};

  constructor(init: WorkerInit) {
    // Under tsx (tests, benches) the worker is the .ts source, which a worker can only load once tsx's
    // hooks are registered inside it; once built it is the .js next to this file.
    const source = import.meta.url.endsWith('.ts');
    const url = new URL(`./captions-worker.${source ? 'ts' : 'js'}`, import.meta.url);
    this.#worker = source
      ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData: init })
      : new Worker(url, { workerData: init });
    this.#worker.unref();
    this.#ready = new Promise((resolve, reject) => {
      this.#worker.once('error', reject);
      this.#worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') resolve(m.engine);
        else if (m.type === 'fatal') reject(new Error(m.message));
        else if (m.type === 'supported') {
          this.#supports.get(m.id)?.(m.supported);
          this.#supports.delete(m.id);
        } else this.#seats.get(m.seat)?.(m);
      });
    });
    this.#ready.catch((err: Error) => this.#onFatal(err));
    this.#worker.on('error', (err) => this.#onFatal(err));
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
      this.#supports.set(id, resolve);
      this.#send({ type: 'supports', id, language });
    });
  }

  open(seat: string, language: string, listener: Listener): void {
    this.#seats.set(seat, listener);
    this.#send({ type: 'open', seat, language });
  }

  audio(seat: string, pcm: Float32Array, wallClock: number): void {
    this.#send({ type: 'audio', seat, pcm, wallClock, sentAt: performance.now() }, [pcm.buffer as ArrayBuffer]);
  }

  gap(seat: string): void {
    this.#send({ type: 'gap', seat });
  }

  close(seat: string): void {
    this.#send({ type: 'close', seat });
    // Acks and the last final may still come: keep listening briefly is not worth it; the seat is gone.
    this.#seats.delete(seat);
  }

  async terminate(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#worker.terminate();
  }

  #send(m: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (!this.#closed) this.#worker.postMessage(m, transfer);
  }
}
