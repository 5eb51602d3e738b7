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
  /** Who keeps each Space's hot standby; absent: no standbys (Spaces move cold). */
  readonly standbys?: SpaceLeases | null;
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
  /**
   * Whether the origin at this internal URL answers at all: a standby that stops hearing its primary
   * asks before it takes the Space, rather than waiting out the lease.
   */
  readonly answers?: (internalUrl: string) => Promise<boolean>;
  /** A standby takes over once the primary's programme has been missing this long and the primary does not answer. */
  readonly takeOverAfterMs?: number;
}

const PROBE_TIMEOUT_MS = 400;

/** Refused, reset or silent for PROBE_TIMEOUT_MS: not answering. Any HTTP answer, even a 5xx, is alive. */
export async function answersHttp(internalUrl: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/healthz', internalUrl), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
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
  /** Spaces a drain passed to their standby, whose sessions are moving: a tick leaves them to the drain. */
  readonly #handingOver = new Set<string>();
  #stopped = false;

  constructor(options: ReconcilerOptions) {
    this.#o = {
      intervalMs: 1_000, leaseTtlMs: 5_000, reportEveryMs: 2_000, patienceMs: 1_000, onError: () => {}, standbys: null,
      answers: answersHttp, takeOverAfterMs: 300, ...options,
    };
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
    const { store, leases, standbys, media, originId, leaseTtlMs } = this.#o;
    const now = this.#o.clock.now();
    if (now - this.#lastReport >= this.#o.reportEveryMs) await this.#report(now);
    const live = new Set((await store.spaces.list({ states: ['live'], limit: LIVE_SPACES_LIMIT })).map((s) => s.id));
    const ids = [...live];
    const [holders, standing] = await Promise.all([leases.holders(ids), standbys ? standbys.holders(ids) : new Map<string, string | null>()]);
    for (const spaceId of live) {
      let holder = holders.get(spaceId) ?? null;
      let standby = standing.get(spaceId) ?? null;
      if (holder === originId && !(await leases.renew(spaceId, originId, leaseTtlMs))) holder = null;
      if (holder !== null && holder !== originId && standby === originId && await this.#primaryGone(spaceId, holder)
        && await leases.pass(spaceId, holder, originId, leaseTtlMs)) holder = originId;
      if (holder === null) {
        const since = this.#orphanedSince.get(spaceId) ?? now;
        this.#orphanedSince.set(spaceId, since);
        // The standby goes first: it has the stream. The others give it the patience to do so.
        const first = standby === originId || (standby === null && shouldTake(originId, this.#origins, now, now - since, this.#o.patienceMs));
        if (this.#state === 'serving' && (first || now - since >= this.#o.patienceMs)
          && await leases.acquire(spaceId, originId, leaseTtlMs)) holder = originId;
      }
      if (holder !== null) this.#orphanedSince.delete(spaceId);
      if (holder === originId) {
        await media.open(spaceId);
        if (standby === originId) await standbys?.release(spaceId, originId);
        this.#watch(spaceId);
        media.syncSeats(spaceId, (await store.stage.onStage(spaceId)).map((p) => ({ id: p.id, muted: p.muted })));
        continue;
      }
      if (media.running().includes(spaceId) && !this.#handingOver.has(spaceId)) await this.#close(spaceId, 'handed-over', holder !== null && holder === standby);
      if (standbys && holder !== null && this.#state === 'serving') {
        if (standby === originId && !(await standbys.renew(spaceId, originId, leaseTtlMs))) standby = null;
        if (standby === null && shouldTake(originId, this.#origins, now, 0, this.#o.patienceMs, holder)
          && await standbys.acquire(spaceId, originId, leaseTtlMs)) standby = originId;
      }
      if (standby === originId && holder !== null) await media.standBy(spaceId);
      else if (media.standing().includes(spaceId)) await media.standDown(spaceId);
    }
    for (const spaceId of media.running()) {
      if (!live.has(spaceId)) {
        await this.#close(spaceId, 'ended');
        await leases.release(spaceId, originId);
      }
    }
    for (const spaceId of media.standing()) {
      if (!live.has(spaceId)) {
        await media.standDown(spaceId);
        await standbys?.release(spaceId, originId);
      }
    }
    for (const spaceId of this.#orphanedSince.keys()) if (!live.has(spaceId)) this.#orphanedSince.delete(spaceId);
  }

  /**
   * A standby's question: is the primary gone? Its programme has been missing here for a moment and
   * it does not answer HTTP (refused at once when its process died; silent when its machine did).
   * Twice, so that one lost probe does not move a Space.
   */
  async #primaryGone(spaceId: string, holder: string): Promise<boolean> {
    if (this.#o.media.primarySilentForMs(spaceId) < this.#o.takeOverAfterMs) return false;
    const url = this.#origins.find((o) => o.id === holder)?.internalUrl;
    if (!url) return false;
    return !(await this.#o.answers(url)) && !(await this.#o.answers(url));
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
    const { media, leases, standbys, originId, leaseTtlMs } = this.#o;
    await Promise.all(media.running().map(async (spaceId) => {
      // To the hot standby when there is one: it carries the same timeline on, so the open segment is
      // left to it whole and the stream has no break; the speakers publish there before this origin
      // lets them go, and the standby mixes from the frame after this origin's last. Otherwise
      // released, for any origin to take cold.
      const standby = (await standbys?.holders([spaceId]).catch(() => null))?.get(spaceId) ?? null;
      const passed = standby !== null && await leases.pass(spaceId, originId, standby, leaseTtlMs).catch(() => false);
      if (passed) {
        this.#handingOver.add(spaceId);
        await media.letSessionsMove(spaceId).catch(this.#o.onError);
      }
      // One Space that fails to close must not leave the others' drains running after this returns.
      await this.#close(spaceId, 'handed-over', passed).catch(this.#o.onError);
      this.#handingOver.delete(spaceId);
      if (!passed) await leases.release(spaceId, originId).catch(this.#o.onError);
    }));
    for (const spaceId of media.standing()) {
      await media.standDown(spaceId);
      await standbys?.release(spaceId, originId).catch(this.#o.onError);
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

  async #close(spaceId: string, why: 'ended' | 'handed-over', followed = false): Promise<void> {
    this.#watching.get(spaceId)?.();
    this.#watching.delete(spaceId);
    await this.#o.media.close(spaceId, why, { followed });
  }

  #watch(spaceId: string): void {
    if (this.#watching.has(spaceId)) return;
    this.#watching.set(spaceId, this.#o.bus.subscribe(spaceId, ({ event }) => {
      if (event.type === 'stage.changed' || event.type === 'space.state') void this.kick();
    }));
  }
}
