import net from 'node:net';
import { floodAddress } from './addresses.js';
import { FloodStats } from './flood-stats.js';
import { junkRequest, pickKind, type FloodKind, type JunkContext } from './junk-requests.js';
import { seededRandom } from './random.js';
import { ResponseParser } from './response-parser.js';
import { SlowSockets, type SlowSocketReport } from './slow-sockets.js';

export interface FloodOptions {
  /** Requests per second the flood aims at (it reports what it achieved). */
  readonly rate: number;
  readonly durationS: number;
  /** Distinct loopback source addresses the flood rotates through. */
  readonly addresses: number;
  /** Slow sockets in all: half slowloris headers, half never-ending bodies. */
  readonly slowSockets: number;
  readonly seed: number;
  /** Requests written back to back on one connection before waiting for their answers. */
  readonly pipeline: number;
}

export interface FloodReport {
  readonly targetRate: number;
  readonly durationS: number;
  readonly addresses: number;
  readonly seed: number;
  readonly sent: number;
  readonly answered: number;
  /** Requests sent / answered per second over the flood's wall time: what was achieved, not asked. */
  readonly achievedSentPerSecond: number;
  readonly achievedAnsweredPerSecond: number;
  readonly peakSentPerSecond: number;
  readonly byLayer: Record<string, number>;
  readonly kinds: Record<string, { sent: number; answered: number; forgedXff: number; outcomes: Record<string, number> }>;
  readonly slow: readonly SlowSocketReport[];
  readonly connectErrors: Record<string, number>;
  readonly timeline: ReadonlyArray<{ t: number; sent: number; answered: number; accepted: number; refusedAtEdge: number; refusedAtOrigin: number; noAnswer: number }>;
}

/** Budget refill period; the budget never holds more than BURST_MS of the rate (no catch-up bursts). */
const REFILL_MS = 5;
const BURST_MS = 50;
/** A connection moves to another source address after this many requests (thousands get used). */
const REQUESTS_PER_CONNECTION = 64;
const MAX_CONNECTIONS = 1024;

/**
 * The junk flood: many keep-alive connections, each from a loopback address of its own, each writing
 * `pipeline` requests at once and waiting for their answers, paced by one shared budget. Bounded in
 * time (durationS) and in count (rate x duration).
 */
export class JunkFlood {
  readonly stats = new FloodStats();
  readonly #o: FloodOptions;
  readonly #ctx: JunkContext;
  readonly #target: { host: string; port: number };
  readonly #random: () => number;
  readonly #waiting: FloodConnection[] = [];
  readonly #connections: FloodConnection[] = [];
  readonly #connectErrors: Record<string, number> = {};
  #budget = 0;
  #maxRequests = 0;
  #running = false;
  #refill: NodeJS.Timeout | undefined;
  #stopTimer: NodeJS.Timeout | undefined;
  #lastRefill = 0;
  #startedAt = 0;
  #endedAt = 0;
  #nextAddress = 0;
  #slow: SlowSockets[] = [];
  #done: (() => void) | undefined;

  constructor(target: { host: string; port: number }, ctx: JunkContext, options: FloodOptions) {
    this.#target = target;
    this.#ctx = ctx;
    this.#o = options;
    this.#random = seededRandom(options.seed);
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts; the returned promise resolves when the flood has ended (duration or stop()). */
  start(): Promise<void> {
    const o = this.#o;
    this.#running = true;
    this.#startedAt = Date.now();
    this.#lastRefill = performance.now();
    this.#maxRequests = Math.ceil(o.rate * o.durationS * 1.05);
    this.#refill = setInterval(() => this.#refillBudget(), REFILL_MS);
    const half = Math.floor(o.slowSockets / 2);
    const slowTarget = { ...this.#target, hostHeader: this.#ctx.host, spaceId: this.#ctx.spaceId };
    // Slow sockets take the top of the address pool, the fast flood starts at its bottom.
    this.#slow = [
      new SlowSockets('slowloris', half, slowTarget, o.addresses),
      new SlowSockets('endless-body', o.slowSockets - half, slowTarget, o.addresses + half),
    ];
    // Open loop, as an attacker: enough connections that a slow answer does not slow the flood
    // (a connection keeps up to `pipeline` requests outstanding).
    const connections = Math.min(MAX_CONNECTIONS, Math.max(16, Math.ceil(o.rate / 40)));
    for (let i = 0; i < connections; i++) this.#connections.push(new FloodConnection(this));
    for (const c of this.#connections) c.open();
    return new Promise((resolve) => {
      this.#done = resolve;
      this.#stopTimer = setTimeout(() => this.stop(), o.durationS * 1000);
    });
  }

  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#endedAt = Date.now();
    clearInterval(this.#refill);
    clearTimeout(this.#stopTimer);
    for (const c of this.#connections) c.close();
    this.#done?.();
  }

  report(): FloodReport {
    const wallS = Math.max(0.001, ((this.#endedAt || Date.now()) - this.#startedAt) / 1000);
    const kinds: FloodReport['kinds'] = {};
    for (const [k, v] of this.stats.kinds) kinds[k] = { ...v, outcomes: sortDesc(v.outcomes) };
    const slow = this.#slow.map((s) => s.stop());
    return {
      targetRate: this.#o.rate, durationS: Math.round(wallS * 10) / 10, addresses: this.#o.addresses, seed: this.#o.seed,
      sent: this.stats.sent, answered: this.stats.answered,
      achievedSentPerSecond: Math.round(this.stats.sent / wallS), achievedAnsweredPerSecond: Math.round(this.stats.answered / wallS),
      peakSentPerSecond: Math.max(0, ...this.stats.timeline.map((s) => s.sent)),
      byLayer: { ...this.stats.byLayer }, kinds, slow, connectErrors: { ...this.#connectErrors }, timeline: this.stats.timeline,
    };
  }

  /** Up to `n` requests from the shared budget; 0 parks the connection until the next refill. */
  take(n: number, c: FloodConnection): number {
    if (!this.#running) return 0;
    const k = Math.min(n, Math.floor(this.#budget), this.#maxRequests - this.stats.sent);
    if (k <= 0) {
      if (!c.parked) { c.parked = true; this.#waiting.push(c); }
      return 0;
    }
    this.#budget -= k;
    return k;
  }

  nextRequest(): { kind: FloodKind; bytes: Buffer; xff: boolean } {
    const kind = pickKind(this.#random);
    return { kind, ...junkRequest(kind, this.#ctx, this.#random) };
  }

  nextAddress(): string {
    const a = floodAddress(this.#nextAddress % this.#o.addresses);
    this.#nextAddress += 1;
    return a;
  }

  get target(): { host: string; port: number } {
    return this.#target;
  }

  get pipeline(): number {
    return this.#o.pipeline;
  }

  onConnectError(code: string): void {
    this.#connectErrors[code] = (this.#connectErrors[code] ?? 0) + 1;
  }

  #refillBudget(): void {
    const now = performance.now();
    const rate = this.#o.rate / 1000;
    this.#budget = Math.min(this.#budget + (now - this.#lastRefill) * rate, Math.max(this.#o.pipeline, BURST_MS * rate));
    this.#lastRefill = now;
    while (this.#budget >= 1 && this.#waiting.length) {
      const c = this.#waiting.shift()!;
      c.parked = false;
      c.pump();
    }
  }
}

function sortDesc(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}

/** One pipelined keep-alive connection of the flood; reconnects from the next address when closed. */
class FloodConnection {
  /** Waiting in the flood's queue for budget (at most once). */
  parked = false;
  readonly #flood: JunkFlood;
  #socket: net.Socket | undefined;
  #parser = new ResponseParser();
  #outstanding: FloodKind[] = [];
  #onThisSocket = 0;
  #closed = false;
  #connected = false;

  constructor(flood: JunkFlood) {
    this.#flood = flood;
  }

  open(): void {
    if (this.#closed || !this.#flood.running) return;
    const { host, port } = this.#flood.target;
    const socket = net.connect({ host, port, localAddress: this.#flood.nextAddress() });
    this.#socket = socket;
    this.#parser = new ResponseParser();
    this.#onThisSocket = 0;
    this.#connected = false;
    socket.setNoDelay(true);
    socket.on('connect', () => { this.#connected = true; this.pump(); });
    socket.on('data', (d: Buffer) => this.#onData(d));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!this.#connected) this.#flood.onConnectError(err.code ?? 'error');
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      for (const kind of this.#outstanding) this.#flood.stats.onNoAnswer(kind, 'closed');
      this.#outstanding = [];
      this.#socket = undefined;
      // Refused or cut: come back from another address, a little later if we never got in.
      if (!this.#closed) setTimeout(() => this.open(), this.#connected ? 0 : 100).unref();
    });
  }

  close(): void {
    this.#closed = true;
    // Counted now, not on 'close' (which comes a tick later): the report is read right after stop().
    for (const kind of this.#outstanding) this.#flood.stats.onNoAnswer(kind, 'queued-at-end');
    this.#outstanding = [];
    this.#socket?.destroy();
  }

  /** Tops the pipeline up to `pipeline` outstanding requests, as far as the budget allows. */
  pump(): void {
    const socket = this.#socket;
    if (this.#closed || !socket || !this.#connected) return;
    const room = this.#flood.pipeline - this.#outstanding.length;
    if (room <= 0) return;
    if (this.#onThisSocket >= REQUESTS_PER_CONNECTION) {
      if (this.#outstanding.length === 0) socket.end();
      return;
    }
    const n = this.#flood.take(Math.min(room, REQUESTS_PER_CONNECTION - this.#onThisSocket), this);
    if (n === 0) return;
    const chunks: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const r = this.#flood.nextRequest();
      chunks.push(r.bytes);
      this.#outstanding.push(r.kind);
      this.#flood.stats.onSent(r.kind, r.xff);
    }
    this.#onThisSocket += n;
    socket.write(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  }

  #onData(d: Buffer): void {
    let responses;
    try {
      responses = this.#parser.push(d);
    } catch {
      this.#socket?.destroy();
      return;
    }
    for (const res of responses) {
      const kind = this.#outstanding.shift();
      if (kind) this.#flood.stats.onAnswer(kind, res);
      if (res.close) { this.#socket?.end(); return; }
    }
    this.pump();
  }
}
