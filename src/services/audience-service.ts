import type { Bus } from '../bus/bus.js';
import { ListenerCounter } from '../domain/listener-counter.js';
import { NO_REACTIONS, ReactionTally } from '../domain/reaction-tally.js';
import type { Reaction } from '../domain/types.js';
import { TribuneError } from '../errors/catalogue.js';
import type { SpeakerLevels } from '../media/types.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { ListenerTokens } from './listener-tokens.js';

interface SpaceAudience {
  readonly listeners: ListenerCounter;
  readonly reactions: ReactionTally;
  levels: SpeakerLevels['levels'];
  lastMinuteRecorded: number;
  lastActive: number;
}

/**
 * The audience's footprint at the origin: heartbeats counted in a sketch, reactions coalesced per
 * second, speaking levels kept for the cached state. Nothing here grows with a request rate: only
 * with the number of live Spaces.
 */
export class AudienceService {
  readonly #store: Store;
  readonly #bus: Bus;
  readonly #clock: Clock;
  readonly #tokens: ListenerTokens;
  readonly #spaces = new Map<string, SpaceAudience>();
  readonly #onError: (err: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(deps: { store: Store; bus: Bus; clock: Clock; secret: string; onError?: (err: unknown) => void }) {
    this.#store = deps.store;
    this.#bus = deps.bus;
    this.#clock = deps.clock;
    this.#tokens = new ListenerTokens(deps.secret);
    this.#onError = deps.onError ?? (() => {});
  }

  /** Starts the once-a-second flush. Separate from the constructor so tests can drive `flush` themselves. */
  start(): void {
    this.#timer ??= setInterval(() => { void this.flush(); }, 1000);
    this.#timer.unref();
  }

  issueListenerToken(): string {
    return this.#tokens.issue(this.#clock.now());
  }

  heartbeat(spaceId: string, listenerToken: string): void {
    const id = this.#tokens.verify(listenerToken, this.#clock.now());
    if (!id) throw new TribuneError('LISTENER_TOKEN_INVALID');
    this.#audience(spaceId).listeners.add(id, this.#clock.now());
  }

  react(spaceId: string, reaction: Reaction): void {
    const now = this.#clock.now();
    this.#audience(spaceId).reactions.add(reaction, Math.floor(now / 1000));
  }

  noteLevels(levels: SpeakerLevels): void {
    this.#audience(levels.spaceId).levels = levels.levels;
  }

  /** The Space ended: drop the speaking levels (nobody speaks any more) but keep counts until flushed. */
  spaceEnded(spaceId: string): void {
    const audience = this.#spaces.get(spaceId);
    if (audience) audience.levels = {};
  }

  async snapshot(spaceId: string): Promise<{
    listeners: { count: number; peak: number };
    reactions: { totals: Record<string, number>; perSecond: Record<string, number> };
    levels: SpeakerLevels['levels'];
  }> {
    const now = this.#clock.now();
    const audience = this.#spaces.get(spaceId);
    // Stored totals plus what is still waiting for the next flush: right across restarts and origins.
    const totals: Record<string, number> = { ...NO_REACTIONS, ...(await this.#store.audience.reactionTotals(spaceId)) };
    for (const [k, v] of Object.entries(audience?.reactions.pending ?? {})) totals[k] = (totals[k] ?? 0) + v;
    const history = await this.#store.audience.listenerHistory(spaceId);
    const count = audience?.listeners.count(now) ?? 0;
    const peak = Math.max(count, audience?.listeners.peak ?? 0, ...history.map((h) => h.count));
    return {
      listeners: { count, peak },
      reactions: { totals, perSecond: audience?.reactions.ratePerSecond(Math.floor(now / 1000)) ?? {} },
      levels: audience?.levels ?? {},
    };
  }

  async listenerHistory(spaceId: string): Promise<Array<{ minute: number; count: number }>> {
    return this.#store.audience.listenerHistory(spaceId);
  }

  /** Writes the second's reactions (one row per reaction kind) and the minute's listener count. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flush()).catch(this.#onError);
    return this.#flushing;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  async #flush(): Promise<void> {
    const now = this.#clock.now();
    const second = Math.floor(now / 1000);
    const minute = Math.floor(now / 60_000);
    for (const [spaceId, audience] of this.#spaces) {
      const drained = audience.reactions.drain(second);
      if (drained) {
        await this.#store.audience.addReactions(spaceId, drained.second, drained.counts);
        await this.#bus.publish(spaceId, { type: 'reactions', second: drained.second, counts: drained.counts as Record<string, number> });
        audience.lastActive = now;
      }
      const count = audience.listeners.count(now);
      if (count > 0) audience.lastActive = now;
      if (minute !== audience.lastMinuteRecorded && (count > 0 || audience.lastMinuteRecorded !== -1)) {
        await this.#store.audience.recordListeners(spaceId, minute, count);
        audience.lastMinuteRecorded = minute;
        await this.#bus.publish(spaceId, { type: 'listeners', count, peak: audience.listeners.peak });
      }
      // A Space nobody has listened to or reacted in for ten minutes leaves memory; the store has it all.
      if (now - audience.lastActive > 600_000) this.#spaces.delete(spaceId);
    }
  }

  #audience(spaceId: string): SpaceAudience {
    let audience = this.#spaces.get(spaceId);
    if (!audience) {
      audience = { listeners: new ListenerCounter(), reactions: new ReactionTally(), levels: {}, lastMinuteRecorded: -1, lastActive: this.#clock.now() };
      this.#spaces.set(spaceId, audience);
    }
    return audience;
  }
}
