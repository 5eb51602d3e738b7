import { Redis } from 'ioredis';
import type { Bus, EnvelopeHandler, PublishOptions, SubscribeOptions } from '../bus.js';
import { isTelemetry, type Envelope, type SpaceEvent } from '../events.js';
import { closeRedis } from './close-redis.js';

export interface RedisBusOptions {
  readonly url: string;
  /** Every key and channel starts with it: one deployment (or one test run) per prefix. */
  readonly prefix: string;
  readonly origin: string;
  /** Domain events kept per Space (XADD MAXLEN ~): how far back a reconnecting subscriber can resume. */
  readonly maxLen?: number;
  /** A Space's log and sequence expire this long after its last event. */
  readonly ttlMs?: number;
  readonly now?: () => number;
  readonly onError?: (err: unknown) => void;
}

interface Subscription {
  readonly handler: EnvelopeHandler;
  /** Replaying the log after `after`: live envelopes wait here until the replay is done. */
  catchingUp: Envelope[] | null;
  lastId: string | null;
}

interface SpaceReader {
  /** Where the shared XREAD stands for this Space; null until known. */
  cursor: string | null;
  /** Looking up the log's end (once at a time). */
  starting: boolean;
  readonly subs: Set<Subscription>;
}

// INCR and XADD in one script: one round trip, and the sequence and the log cannot disagree. With an
// outbox event id (ARGV[4] not empty), KEYS[3] remembers where it went, and a second publish of it
// answers that instead of logging it again.
const PUBLISH_SCRIPT = `
if ARGV[4] ~= '' then
  local seen = redis.call('GET', KEYS[3])
  if seen then
    local space = string.find(seen, ' ', 1, true)
    return {string.sub(seen, 1, space - 1), tonumber(string.sub(seen, space + 1))}
  end
end
local seq = redis.call('INCR', KEYS[2])
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'seq', seq, 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
if ARGV[4] ~= '' then redis.call('SET', KEYS[3], id .. ' ' .. seq, 'PX', ARGV[5]) end
return {id, seq}
`;

/** How long an outbox event id is remembered: far longer than a relay takes to retry after a crash. */
const EVENT_ID_TTL_MS = 3_600_000;

const STREAM_ID = /^\d+-\d+$/;

/** Compares two stream ids (ms-seq) numerically. */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? (as === bs ? 0 : as < bs ? -1 : 1) : am < bm ? -1 : 1;
}

/**
 * Cluster mode's bus. Domain events go into a Redis Stream per Space (XADD, bounded by MAXLEN ~); one
 * blocking XREAD per origin follows every Space that has subscribers here, and a subscriber that gives
 * `after` first replays the stream from that id. Telemetry goes over pub/sub: lost while disconnected,
 * which is what superseded values can afford.
 */
export class RedisBus implements Bus {
  readonly origin: string;
  readonly #prefix: string;
  readonly #maxLen: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #onError: (err: unknown) => void;
  readonly #cmd: Redis;
  readonly #reader: Redis;
  readonly #sub: Redis;
  readonly #spaces = new Map<string, SpaceReader>();
  readonly #telemetry = new Map<string, Set<EnvelopeHandler>>();
  #readerId: number | null = null;
  #blocked = false;
  #wake: (() => void) | null = null;
  #closed = false;
  readonly #loop: Promise<void>;

  constructor(options: RedisBusOptions) {
    this.origin = options.origin;
    this.#prefix = options.prefix;
    this.#maxLen = options.maxLen ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 86_400_000;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => {});
    // Commands fail fast while Redis is away (publish rejects, /readyz says so) instead of queueing.
    const common = { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false } as const;
    this.#cmd = new Redis(options.url, common);
    this.#reader = new Redis(options.url, { ...common, maxRetriesPerRequest: null });
    this.#sub = new Redis(options.url, common);
    for (const c of [this.#cmd, this.#reader, this.#sub]) c.on('error', (err) => this.#onError(err));
    this.#cmd.defineCommand('tribunePublish', { numberOfKeys: 3, lua: PUBLISH_SCRIPT });
    this.#reader.on('ready', () => { this.#readerId = null; });
    this.#sub.on('message', (channel: string, message: string) => this.#onTelemetry(channel, message));
    this.#loop = this.#readLoop();
  }

  #stream(spaceId: string): string { return `${this.#prefix}:bus:{${spaceId}}:log`; }
  #seqKey(spaceId: string): string { return `${this.#prefix}:bus:{${spaceId}}:seq`; }
  #channel(spaceId: string): string { return `${this.#prefix}:bus:t:${spaceId}`; }
  #eventKey(spaceId: string, eventId: string): string { return `${this.#prefix}:bus:{${spaceId}}:ev:${eventId}`; }

  async publish(spaceId: string, event: SpaceEvent, options: PublishOptions = {}): Promise<Envelope> {
    if (this.#closed) throw new Error('the bus is closed');
    const at = this.#now();
    if (isTelemetry(event)) {
      const envelope: Envelope = { id: null, spaceId, seq: null, origin: this.origin, at, event };
      await this.#cmd.publish(this.#channel(spaceId), JSON.stringify(envelope));
      return envelope;
    }
    const body = JSON.stringify({ origin: this.origin, at, event });
    const [id, seq] = await (this.#cmd as Redis & { tribunePublish(...args: unknown[]): Promise<[string, number]> })
      .tribunePublish(this.#stream(spaceId), this.#seqKey(spaceId), this.#eventKey(spaceId, options.eventId ?? ''),
        this.#maxLen, body, this.#ttlMs, options.eventId ?? '', EVENT_ID_TTL_MS);
    return { id, spaceId, seq: Number(seq), origin: this.origin, at, event };
  }

  subscribe(spaceId: string, handler: EnvelopeHandler, options: SubscribeOptions = {}): () => void {
    const sub: Subscription = { handler, catchingUp: options.after !== undefined ? [] : null, lastId: null };
    let reader = this.#spaces.get(spaceId);
    if (!reader) {
      reader = { cursor: null, starting: false, subs: new Set() };
      this.#spaces.set(spaceId, reader);
      void this.#startFollowing(spaceId, reader);
    }
    reader.subs.add(sub);
    let telemetry = this.#telemetry.get(spaceId);
    if (!telemetry) {
      this.#telemetry.set(spaceId, (telemetry = new Set()));
      this.#sub.subscribe(this.#channel(spaceId)).catch(this.#onError);
    }
    telemetry.add(handler);
    if (options.after !== undefined) void this.#replay(spaceId, sub, options.after, options.onGap);
    return () => {
      reader.subs.delete(sub);
      telemetry.delete(handler);
      if (reader.subs.size === 0 && this.#spaces.get(spaceId) === reader) {
        this.#spaces.delete(spaceId);
        this.#interrupt();
      }
      if (telemetry.size === 0 && this.#telemetry.get(spaceId) === telemetry) {
        this.#telemetry.delete(spaceId);
        this.#sub.unsubscribe(this.#channel(spaceId)).catch(this.#onError);
      }
    };
  }

  async ping(): Promise<void> {
    await this.#cmd.ping();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#spaces.clear();
    this.#telemetry.clear();
    this.#interrupt();
    this.#reader.disconnect();
    await this.#loop.catch(() => {});
    this.#sub.disconnect();
    await closeRedis(this.#cmd);
  }

  /** The shared reader starts at the log's current end; events after it reach every live subscriber. */
  async #startFollowing(spaceId: string, reader: SpaceReader): Promise<void> {
    if (reader.starting || reader.cursor !== null) return;
    reader.starting = true;
    try {
      const last = await this.#cmd.xrevrange(this.#stream(spaceId), '+', '-', 'COUNT', 1);
      reader.cursor = last[0]?.[0] ?? '0-0';
      this.#interrupt();
    } catch (err) {
      this.#onError(err);
      // Redis away: the read loop looks it up again shortly.
      setTimeout(() => this.#interrupt(), 500).unref();
    } finally {
      reader.starting = false;
    }
  }

  /** Replays the log after `after`, then hands over to live delivery without a gap or a duplicate. */
  async #replay(spaceId: string, sub: Subscription, after: string, onGap?: () => void): Promise<void> {
    try {
      const entries = STREAM_ID.test(after) ? await this.#cmd.xrange(this.#stream(spaceId), after, '+') : [];
      if (entries[0]?.[0] !== after) onGap?.();
      for (const [id, fields] of entries) {
        if (id === after) continue;
        this.#hand(sub, this.#envelope(spaceId, id, fields));
      }
    } catch (err) {
      this.#onError(err);
      onGap?.();
    }
    const waiting = sub.catchingUp ?? [];
    sub.catchingUp = null;
    for (const envelope of waiting) this.#hand(sub, envelope);
  }

  async #readLoop(): Promise<void> {
    let backoffMs = 100;
    while (!this.#closed) {
      for (const [spaceId, reader] of this.#spaces) if (reader.cursor === null) void this.#startFollowing(spaceId, reader);
      const followed = [...this.#spaces].filter(([, r]) => r.cursor !== null);
      if (followed.length === 0) {
        await new Promise<void>((resolve) => { this.#wake = resolve; });
        this.#wake = null;
        continue;
      }
      try {
        this.#readerId ??= Number(await this.#reader.client('ID'));
        this.#blocked = true;
        const result = await this.#reader.xread('COUNT', 1000, 'BLOCK', 10_000, 'STREAMS',
          ...followed.map(([id]) => this.#stream(id)), ...followed.map(([, r]) => r.cursor!));
        this.#blocked = false;
        backoffMs = 100;
        for (const [key, entries] of result ?? []) {
          const spaceId = followed.find(([id]) => this.#stream(id) === key)?.[0];
          const reader = spaceId === undefined ? undefined : this.#spaces.get(spaceId);
          if (!reader || !spaceId) continue;
          for (const [id, fields] of entries) {
            reader.cursor = id;
            const envelope = this.#envelope(spaceId, id, fields);
            for (const sub of [...reader.subs]) this.#call(sub, envelope);
          }
        }
      } catch (err) {
        this.#blocked = false;
        if (this.#closed) break;
        this.#onError(err);
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 2_000);
      }
    }
  }

  /** Makes the blocking XREAD return now, so that it restarts with the current set of Spaces. */
  #interrupt(): void {
    if (this.#wake) { this.#wake(); return; }
    if (this.#blocked && this.#readerId !== null) this.#cmd.client('UNBLOCK', this.#readerId).catch(() => {});
  }

  #call(sub: Subscription, envelope: Envelope): void {
    if (sub.catchingUp) sub.catchingUp.push(envelope);
    else this.#hand(sub, envelope);
  }

  /** Delivers once: an envelope at or before the last one this subscriber saw is a replay's overlap. */
  #hand(sub: Subscription, envelope: Envelope): void {
    if (envelope.id !== null) {
      if (sub.lastId !== null && compareIds(envelope.id, sub.lastId) <= 0) return;
      sub.lastId = envelope.id;
    }
    try {
      sub.handler(envelope);
    } catch (err) {
      this.#onError(err);
    }
  }

  #envelope(spaceId: string, id: string, fields: string[]): Envelope {
    const get = (name: string) => fields[fields.indexOf(name) + 1]!;
    const body = JSON.parse(get('e')) as { origin: string; at: number; event: SpaceEvent };
    return { id, spaceId, seq: Number(get('seq')), origin: body.origin, at: body.at, event: body.event };
  }

  #onTelemetry(channel: string, message: string): void {
    const spaceId = channel.slice(`${this.#prefix}:bus:t:`.length);
    const handlers = this.#telemetry.get(spaceId);
    if (!handlers) return;
    let envelope: Envelope;
    try { envelope = JSON.parse(message) as Envelope; } catch (err) { this.#onError(err); return; }
    for (const handler of [...handlers]) {
      try { handler(envelope); } catch (err) { this.#onError(err); }
    }
  }
}
