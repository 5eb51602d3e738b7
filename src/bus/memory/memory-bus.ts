import { randomBytes } from 'node:crypto';
import type { Bus, EnvelopeHandler, PublishOptions, SubscribeOptions } from '../bus.js';
import { isTelemetry, type Envelope, type SpaceEvent } from '../events.js';

interface SpaceLog {
  seq: number;
  /** The last `retain` domain envelopes, oldest first. */
  readonly retained: Envelope[];
  readonly handlers: Set<EnvelopeHandler>;
}

/**
 * The embedded default: in-process delivery, with a short log per Space so a stage channel that drops
 * and reconnects to this process resumes where it was. A subscriber that throws is reported, never
 * breaks the others.
 */
export class MemoryBus implements Bus {
  readonly origin: string;
  readonly #spaces = new Map<string, SpaceLog>();
  readonly #onError: (err: unknown, envelope: Envelope) => void;
  readonly #now: () => number;
  readonly #retain: number;
  readonly #maxSpaces: number;
  // Ids from an earlier run of the process must not match this run's: a client resuming with one gets a gap.
  readonly #boot = randomBytes(4).toString('hex');
  // Ids count across Spaces, so a Space's log evicted and started again never reuses one.
  #ids = 0;
  /** Outbox event ids already published, oldest first: a relay's retry is not logged twice. */
  readonly #published = new Map<string, Envelope>();
  #closed = false;

  constructor(options: { origin?: string; now?: () => number; retain?: number; maxSpaces?: number; onError?: (err: unknown, envelope: Envelope) => void } = {}) {
    this.origin = options.origin ?? 'local';
    this.#now = options.now ?? Date.now;
    this.#retain = options.retain ?? 256;
    this.#maxSpaces = options.maxSpaces ?? 2_000;
    this.#onError = options.onError ?? (() => {});
  }

  async publish(spaceId: string, event: SpaceEvent, options: PublishOptions = {}): Promise<Envelope> {
    if (this.#closed) throw new Error('the bus is closed');
    const telemetry = isTelemetry(event);
    const seen = options.eventId === undefined ? undefined : this.#published.get(options.eventId);
    if (seen) return seen;
    const log = this.#log(spaceId, !telemetry);
    let envelope: Envelope;
    if (telemetry) {
      envelope = { id: null, spaceId, seq: null, origin: this.origin, at: this.#now(), event };
    } else {
      const seq = ++log!.seq;
      envelope = { id: `${this.#boot}-${++this.#ids}`, spaceId, seq, origin: this.origin, at: this.#now(), event };
      log!.retained.push(envelope);
      if (log!.retained.length > this.#retain) log!.retained.shift();
      if (options.eventId !== undefined) {
        this.#published.set(options.eventId, envelope);
        if (this.#published.size > 4_096) this.#published.delete(this.#published.keys().next().value!);
      }
    }
    if (log) for (const handler of [...log.handlers]) this.#deliver(handler, envelope);
    return envelope;
  }

  subscribe(spaceId: string, handler: EnvelopeHandler, options: SubscribeOptions = {}): () => void {
    const log = this.#log(spaceId, true)!;
    if (options.after !== undefined) {
      const from = log.retained.findIndex((e) => e.id === options.after);
      if (from === -1) options.onGap?.();
      for (const envelope of log.retained.slice(from + 1)) this.#deliver(handler, envelope);
    }
    log.handlers.add(handler);
    return () => { log.handlers.delete(handler); };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#closed = true;
    this.#spaces.clear();
  }

  #deliver(handler: EnvelopeHandler, envelope: Envelope): void {
    try {
      handler(envelope);
    } catch (err) {
      this.#onError(err, envelope);
    }
  }

  /** The Space's log, most recently used last; the least recently used without subscribers leaves first. */
  #log(spaceId: string, create: boolean): SpaceLog | undefined {
    let log = this.#spaces.get(spaceId);
    if (log) {
      this.#spaces.delete(spaceId);
      this.#spaces.set(spaceId, log);
      return log;
    }
    if (!create) return undefined;
    log = { seq: 0, retained: [], handlers: new Set() };
    this.#spaces.set(spaceId, log);
    if (this.#spaces.size > this.#maxSpaces) {
      for (const [id, old] of this.#spaces) {
        if (old.handlers.size === 0) { this.#spaces.delete(id); break; }
      }
    }
    return log;
  }
}
