import type { Bus } from '../bus/bus.js';
import type { Clock } from '../services/clock.js';
import type { Store } from '../store/store.js';
import type { SpaceLeases } from './leases.js';
import type { LocalMedia } from './local-media.js';
import { shouldTake, type OriginInfo, type OriginRegistry, type OriginState } from './registry.js';

export interface ReconcilerOptions {
  readonly originId: string;
  readonly internalUrl: string | null;
  readonly store: Store;
  readonly bus: Bus;
  readonly leases: SpaceLeases;
  readonly registry: OriginRegistry;
  readonly media: LocalMedia;
  readonly clock: Clock;
  /** How often the store is compared with the media (and leases renewed). */
  readonly intervalMs?: number;
  /** A lease lapses this long after its holder last renewed it: the time for a Space to move. */
  readonly leaseTtlMs?: number;
  /** How often this origin reports its state and load. */
  readonly reportEveryMs?: number;
  /** How long a Space may stay without media before every origin, not only the least loaded, tries to take it. */
  readonly patienceMs?: number;
  readonly onError?: (err: unknown) => void;
}

const LIVE_SPACES_LIMIT = 100_000;

/**
 * The store says which Spaces are live and who sits on their stages (the desired state); this origin's
 * media is the actual state. Each tick: renew the leases held, take orphaned Spaces (the least loaded
 * origin first), open and close media to match, and bring seats (mutes, removals) in line. A change on
 * the bus for a Space running here triggers a tick at once, so a mute takes effect without waiting.
 */
export class Reconciler {
  readonly #o: Required<ReconcilerOptions>;
  #state: OriginState = 'serving';
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;
  #again = false;
  #lastReport = -Infinity;
  #origins: OriginInfo[] = [];
  readonly #orphanedSince = new Map<string, number>();
  readonly #watching = new Map<string, () => void>();
  #stopped = false;

  constructor(options: ReconcilerOptions) {
    this.#o = { intervalMs: 1_000, leaseTtlMs: 5_000, reportEveryMs: 2_000, patienceMs: 3_000, onError: () => {}, ...options };
  }

  get state(): OriginState { return this.#state; }
  get originId(): string { return this.#o.originId; }

  start(): void {
    this.kick();
    this.#timer = setInterval(() => this.kick(), this.#o.intervalMs);
    this.#timer.unref();
  }

  /** Reconcile soon; calls that arrive while a tick runs coalesce into one more tick. */
  kick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running) { this.#again = true; return this.#running; }
    this.#running = (async () => {
      do {
        this.#again = false;
        try { await this.tick(); } catch (err) { this.#o.onError(err); }
      } while (this.#again && !this.#stopped);
    })().finally(() => { this.#running = null; });
    return this.#running;
  }

  async tick(): Promise<void> {
    const { store, leases, media, originId, leaseTtlMs } = this.#o;
    const now = this.#o.clock.now();
    if (now - this.#lastReport >= this.#o.reportEveryMs) await this.#report(now);
    const live = new Set((await store.spaces.list({ states: ['live'], limit: LIVE_SPACES_LIMIT })).map((s) => s.id));
    const holders = await leases.holders([...live]);
    for (const spaceId of live) {
      let holder = holders.get(spaceId) ?? null;
      if (holder === originId && !(await leases.renew(spaceId, originId, leaseTtlMs))) holder = null;
      if (holder === null) {
        const since = this.#orphanedSince.get(spaceId) ?? now;
        this.#orphanedSince.set(spaceId, since);
        if (this.#state === 'serving' && shouldTake(originId, this.#origins, now, now - since, this.#o.patienceMs)
          && await leases.acquire(spaceId, originId, leaseTtlMs)) holder = originId;
      }
      if (holder !== null) this.#orphanedSince.delete(spaceId);
      if (holder === originId) {
        await media.open(spaceId);
        this.#watch(spaceId);
        media.syncSeats(spaceId, (await store.stage.onStage(spaceId)).map((p) => ({ id: p.id, muted: p.muted })));
      } else if (media.running().includes(spaceId)) {
        await this.#close(spaceId, 'handed-over');
      }
    }
    for (const spaceId of media.running()) {
      if (!live.has(spaceId)) {
        await this.#close(spaceId, 'ended');
        await leases.release(spaceId, originId);
      }
    }
    for (const spaceId of this.#orphanedSince.keys()) if (!live.has(spaceId)) this.#orphanedSince.delete(spaceId);
  }

  /**
   * Stops taking Spaces, hands back the ones running here (other origins take them within a tick or
   * two), and says so in the registry. The caller exits afterwards.
   */
  async drain(): Promise<void> {
    this.#state = 'draining';
    await this.#running;
    const now = this.#o.clock.now();
    await this.#report(now).catch(this.#o.onError);
    for (const spaceId of this.#o.media.running()) {
      await this.#close(spaceId, 'handed-over');
      await this.#o.leases.release(spaceId, this.#o.originId).catch(this.#o.onError);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
    for (const unsubscribe of this.#watching.values()) unsubscribe();
    this.#watching.clear();
    await this.#o.registry.remove(this.#o.originId).catch(this.#o.onError);
  }

  async #report(now: number): Promise<void> {
    const { registry, media, originId, internalUrl } = this.#o;
    await registry.report({ id: originId, internalUrl, state: this.#state, load: media.load(), spaces: media.running().length, heartbeatAt: now });
    this.#origins = await registry.list(now);
    this.#lastReport = now;
  }

  async #close(spaceId: string, why: 'ended' | 'handed-over'): Promise<void> {
    this.#watching.get(spaceId)?.();
    this.#watching.delete(spaceId);
    await this.#o.media.close(spaceId, why);
  }

  #watch(spaceId: string): void {
    if (this.#watching.has(spaceId)) return;
    this.#watching.set(spaceId, this.#o.bus.subscribe(spaceId, ({ event }) => {
      if (event.type === 'stage.changed' || event.type === 'space.state') void this.kick();
    }));
  }
}
