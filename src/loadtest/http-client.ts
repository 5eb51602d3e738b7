import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { Counter } from './stats.js';
import { powChallenge, solveProofOfWork } from './proof-of-work-solver.js';

export interface HttpResponse {
  readonly status: number;
  readonly body: Buffer;
  readonly headers: http.IncomingHttpHeaders;
  /** Set when the request failed without a status: 'timeout', 'refused', 'reset', 'network'. */
  readonly error?: string;
  /** Memo for whoever parses the body first (shared responses are parsed once, not per listener). */
  parsed?: unknown;
}

export type ResponseCallback = (res: HttpResponse) => void;

export interface RequestOptions {
  readonly method?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly timeoutMs?: number;
  /** A loopback source address (127.x.y.z): the target sees this simulated client as its own address. */
  readonly localAddress?: string;
  /** Each chunk of the body as it arrives (a segment streamed while it is produced), besides the whole at the end. */
  readonly onData?: (chunk: Buffer, status: number) => void;
}

/**
 * The load generator's one HTTP client: a single keep-alive pool for every simulated client (a new
 * TCP connection per request would measure the kernel, not Tribune), callbacks rather than promises
 * on the hot path, and optional request collapsing for GETs.
 */
export class HttpClient {
  readonly errors = new Counter();
  /** Requests actually sent on the wire. */
  sent = 0;
  /** Requests the simulated clients made (collapsed ones included). */
  logical = 0;
  inFlight = 0;
  /** Proofs of work solved for writes refused with 428 (the origin under attack), and the time spent. */
  powSolved = 0;
  powFailed = 0;
  powMs = 0;
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #lib: typeof http | typeof https;
  readonly #timeoutMs: number;
  readonly #shared = new Map<string, ResponseCallback[]>();
  #closed = false;

  constructor(base: string, options: { maxSockets: number; timeoutMs: number }) {
    this.#base = new URL(base);
    this.#lib = this.#base.protocol === 'https:' ? https : http;
    this.#agent = new this.#lib.Agent({ keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, scheduling: 'lifo' });
    this.#timeoutMs = options.timeoutMs;
  }

  /**
   * One request; the callback runs exactly once, with a status or an `error`. A write refused with
   * 428 POW_REQUIRED is solved and sent again once, as the web app's worker does.
   */
  request(path: string, options: RequestOptions, done: ResponseCallback): void {
    this.logical += 1;
    this.#send(path, options, (res) => {
      const pow = powChallenge(res.status, res.body);
      if (!pow || options.headers?.[pow.header] !== undefined) { done(res); return; }
      const started = now();
      void solveProofOfWork(pow.challenge, pow.difficulty).then((proof) => {
        if (proof === undefined) { this.powFailed += 1; done(res); return; }
        this.powSolved += 1;
        this.powMs += now() - started;
        this.#send(path, { ...options, headers: { ...options.headers, [pow.header]: proof } }, done);
      });
    });
  }

  requestAsync(path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return new Promise((resolve) => this.request(path, options, resolve));
  }

  /** A GET that joins an identical one already in flight, as an edge's cache lock would. */
  getShared(path: string, done: ResponseCallback): void {
    this.logical += 1;
    const waiting = this.#shared.get(path);
    if (waiting) { waiting.push(done); return; }
    const callbacks = [done];
    this.#shared.set(path, callbacks);
    this.#send(path, {}, (res) => {
      this.#shared.delete(path);
      for (const cb of callbacks) cb(res);
    });
  }

  close(): void {
    this.#closed = true;
    this.#agent.destroy();
  }

  #send(path: string, options: RequestOptions, done: ResponseCallback): void {
    if (this.#closed) { done({ status: 0, body: EMPTY, headers: {}, error: 'closed' }); return; }
    this.sent += 1;
    this.inFlight += 1;
    let finished = false;
    const finish = (res: HttpResponse): void => {
      if (finished) return;
      finished = true;
      this.inFlight -= 1;
      if (res.error) this.errors.add(res.error);
      else if (res.status === 429) this.errors.add('rate-limited');
      else if (res.status === 428) this.errors.add('proof-of-work-asked');
      else if (res.status >= 400) this.errors.add(`http-${res.status}`);
      done(res);
    };
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const req = this.#lib.request({
      host: this.#base.hostname.replace(/^\[|\]$/g, ''),
      port: this.#base.port || (this.#base.protocol === 'https:' ? 443 : 80),
      path,
      method: options.method ?? 'GET',
      headers,
      agent: this.#agent,
      // The agent pools keep-alive sockets per source address, so each simulated client keeps its own.
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      const onData = options.onData;
      res.on('data', (c: Buffer) => { chunks.push(c); onData?.(c, res.statusCode ?? 0); });
      res.on('end', () => finish({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), headers: res.headers }));
      res.on('error', () => finish({ status: 0, body: EMPTY, headers: {}, error: 'reset' }));
    });
    req.setTimeout(options.timeoutMs ?? this.#timeoutMs, () => {
      req.destroy();
      finish({ status: 0, body: EMPTY, headers: {}, error: 'timeout' });
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ status: 0, body: EMPTY, headers: {}, error: errorKind(err) }));
    req.end(options.body);
  }
}

const EMPTY = Buffer.alloc(0);

function errorKind(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED': return 'refused';
    case 'ECONNRESET': case 'EPIPE': return 'reset';
    case 'EMFILE': case 'ENFILE': return 'out-of-sockets';
    case 'EADDRNOTAVAIL': return 'out-of-ports';
    default: return 'network';
  }
}

/** For latency: one clock everywhere in the load generator. */
export const now = (): number => performance.now();
