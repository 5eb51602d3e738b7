import type { Bus } from '../bus/bus.js';
import type { OutboxRepository, PendingEvent } from '../store/outbox.js';

export interface OutboxRelayOptions {
  readonly outbox: OutboxRepository;
  readonly bus: Bus;
  /** How often the outbox is looked at besides this origin's own commits (other origins' rows, a dead origin's, a failed publish's). */
  readonly pollMs?: number;
  /** Rows per transaction. */
  readonly batch?: number;
  /**
   * A publish that has not answered by then counts as failed: in PostgreSQL the round holds the lock
   * every origin's relay needs, and a bus that hangs (a silent network partition) must not keep it.
   * One that answers later does no harm: the row is published again and the bus drops it by event id.
   */
  readonly publishTimeoutMs?: number;
  readonly onError?: (err: unknown) => void;
}

/**
 * Publishes the outbox's rows to the bus, oldest first, and deletes them. It runs at once after each
 * commit of this process that appended events (so the embedded default adds no wait), and every
 * `pollMs` for the rows other origins left. A publish that fails (Redis away) stops the round: the row
 * and those after it wait for the next, so each Space's events go out in order once the bus is back.
 */
export class OutboxRelay {
  readonly #outbox: OutboxRepository;
  readonly #bus: Bus;
  readonly #pollMs: number;
  readonly #batch: number;
  readonly #onError: (err: unknown) => void;
  readonly #publishTimeoutMs: number;
  #running: Promise<void> | null = null;
  #again = false;
  #retry: NodeJS.Timeout | null = null;
  #poll: NodeJS.Timeout | null = null;
  #failures = 0;
  #closed = false;

  constructor(options: OutboxRelayOptions) {
    this.#outbox = options.outbox;
    this.#bus = options.bus;
    this.#pollMs = options.pollMs ?? 250;
    this.#batch = options.batch ?? 200;
    this.#onError = options.onError ?? (() => {});
    this.#publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    // While the bus is failing, a commit does not hurry the backoff: its event waits its turn in order.
    this.#outbox.onAppend(() => { if (this.#failures === 0) this.kick(); });
  }

  start(): void {
    // While a publish keeps failing, the backoff's timer decides when to try again, not the poll.
    this.#poll = setInterval(() => { if (!this.#retry) this.kick(); }, this.#pollMs);
    this.#poll.unref();
    this.kick();
  }

  /** Drains now, or right after the round in progress (which may have missed the newest rows). */
  kick(): void {
    if (this.#closed) return;
    if (this.#running) { this.#again = true; return; }
    this.#running = this.#drain().finally(() => {
      this.#running = null;
      if (this.#again) { this.#again = false; this.kick(); }
    });
  }

  /** Resolves once no round is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops; a last round first publishes what was committed until now, unless the bus is failing. */
  async close(): Promise<void> {
    if (this.#poll) clearInterval(this.#poll);
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    await this.idle();
    const last = !this.#closed && this.#failures === 0;
    this.#closed = true;
    if (last) await this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      for (;;) {
        const done = await this.#outbox.relay(this.#batch, (e) => this.#publish(e));
        if (done === 'busy') {
          // Another origin is relaying: it may have read the outbox before this origin's last commit,
          // so look again shortly rather than at the next poll.
          this.#later(20);
          return;
        }
        this.#failures = 0;
        if (done < this.#batch) return;
      }
    } catch (err) {
      if (this.#closed) return;
      this.#failures++;
      // Said once per outage; the poll keeps trying, and backs off while it lasts.
      if (this.#failures === 1) this.#onError(err);
      this.#later(Math.min(100 * 2 ** Math.min(this.#failures, 5), 2_000));
    }
  }

  async #publish(e: PendingEvent): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the bus did not take an event within ${this.#publishTimeoutMs} ms`)), this.#publishTimeoutMs);
    });
    try {
      await Promise.race([this.#bus.publish(e.spaceId, e.event, { eventId: e.eventId }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #later(ms: number): void {
    if (this.#retry || this.#closed) return;
    this.#retry = setTimeout(() => { this.#retry = null; this.kick(); }, ms);
    this.#retry.unref();
  }
}
