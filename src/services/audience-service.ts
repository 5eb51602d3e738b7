import type { Bus } from '../bus/bus.js';
import type { AudienceCounters } from '../counters/counters.js';
import { HyperLogLog } from '../domain/hyperloglog.js';
import { NO_REACTIONS, ReactionTally } from '../domain/reaction-tally.js';
import type { Reaction } from '../domain/types.js';
import { TribuneError } from '../errors/catalogue.js';
import type { SpeakerLevels } from '../media/types.js';
import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { ListenerTokens } from './listener-tokens.js';

interface SpaceAudience {
  /** This origin's taps, written to the store once a second as the Space's reaction history. */
  readonly reactions: ReactionTally;
  levels: SpeakerLevels['levels'];
  lastMinuteRecorded: number;
  lastActive: number;
  /** Everyone this origin heard from: the "total listeners" of a Space's summary. */
  readonly seen: HyperLogLog;
}

/**
 * The audience's footprint at the origin: heartbeats counted in a sketch and reactions added up, both in
 * the counters every origin shares (memory embedded, Redis in a cluster); reactions also coalesced per
 * second into the store's history; speaking levels kept for the cached state. Nothing here grows with a
 * request rate: only with the number of live Spaces.
 */
export class AudienceService {
  readonly #store: Store;
  readonly #bus: Bus;
  readonly #clock: Clock;
  readonly #tokens: ListenerTokens;
  readonly #counters: AudienceCounters;
  readonly #spaces = new Map<string, SpaceAudience>();
  readonly #onError: (err: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(deps: { store: Store; bus: Bus; clock: Clock; counters: AudienceCounters; secret: string; onError?: (err: unknown) => void }) {
    this.#store = deps.store;
    this.#counters = deps.counters;
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

  issueListenerToken(spaceId: string): string {
    return this.#tokens.issue(spaceId, this.#clock.now());
  }

  async heartbeat(spaceId: string, listenerToken: string): Promise<void> {
    const now = this.#clock.now();
    const id = this.#tokens.verify(listenerToken, spaceId, now);
    if (!id) throw new TribuneError('LISTENER_TOKEN_INVALID');
    await this.#counters.addListener(spaceId, id, now);
    const audience = this.#audience(spaceId);
    audience.lastActive = now;
    audience.seen.addRandomBytes(id);
  }

  /** Resolves once the tap is counted where every origin reads it: the client is acknowledged after. */
  async react(spaceId: string, reaction: Reaction): Promise<void> {
    const now = this.#clock.now();
    await this.#counters.addReaction(spaceId, reaction, now);
    this.#audience(spaceId).reactions.add(reaction, Math.floor(now / 1000));
  }

  noteLevels(levels: SpeakerLevels): void {
    this.#audience(levels.spaceId).levels = levels.levels;
  }

  async snapshot(spaceId: string): Promise<{
    listeners: { count: number; peak: number; total: number };
    reactions: { totals: Record<string, number>; perSecond: Record<string, number> };
    levels: SpeakerLevels['levels'];
  }> {
    const now = this.#clock.now();
    const audience = this.#spaces.get(spaceId);
    const [live, stored, history, count] = await Promise.all([
      this.#counters.reactions(spaceId, now), this.#store.audience.reactionTotals(spaceId),
      this.#store.audience.listenerHistory(spaceId), this.#counters.listeners(spaceId, now),
    ]);
    // The counters hold every origin's taps at once; the store's history (plus what waits for the next
    // flush) is what survives a restart of the counters (an embedded restart, Redis restarted): the
    // larger of the two per kind is right in both cases.
    const fromStore: Record<string, number> = { ...stored };
    for (const [k, v] of Object.entries(audience?.reactions.pending ?? {})) fromStore[k] = (fromStore[k] ?? 0) + v;
    const totals: Record<string, number> = { ...NO_REACTIONS };
    for (const k of Object.keys(totals)) totals[k] = Math.max(live.totals[k as Reaction] ?? 0, fromStore[k] ?? 0);
    const peak = Math.max(count, ...history.map((h) => h.count));
    return {
      // Distinct listeners since the start as this origin heard them (one origin's memory).
      listeners: { count, peak, total: Math.max(peak, audience?.seen.count() ?? 0) },
      reactions: { totals, perSecond: live.perSecond as Record<string, number> },
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
      // One Space's failure (the bus unreachable a moment) must not hold back the others' history.
      try {
        await this.#flushSpace(spaceId, audience, now, second, minute);
      } catch (err) {
        this.#onError(err);
      }
      // A Space nobody has listened to or reacted in for ten minutes leaves memory; the store has it all.
      if (now - audience.lastActive > 600_000) this.#spaces.delete(spaceId);
    }
  }

  async #flushSpace(spaceId: string, audience: SpaceAudience, now: number, second: number, minute: number): Promise<void> {
    const drained = audience.reactions.drain(second);
    if (drained) {
      await this.#store.audience.addReactions(spaceId, drained.second, drained.counts);
      audience.lastActive = now;
      await this.#bus.publish(spaceId, { type: 'reactions', second: drained.second, counts: drained.counts as Record<string, number> });
    }
    if (minute === audience.lastMinuteRecorded) return;
    // Every origin that hears the Space records the same merged count; the store keeps the larger.
    const count = await this.#counters.listeners(spaceId, now);
    if (count > 0) audience.lastActive = now;
    if (count === 0 && audience.lastMinuteRecorded === -1) return;
    await this.#store.audience.recordListeners(spaceId, minute, count);
    audience.lastMinuteRecorded = minute;
    const peak = Math.max(count, ...(await this.#store.audience.listenerHistory(spaceId)).map((h) => h.count));
    await this.#bus.publish(spaceId, { type: 'listeners', count, peak });
  }

  #audience(spaceId: string): SpaceAudience {
    let audience = this.#spaces.get(spaceId);
    if (!audience) {
      audience = { reactions: new ReactionTally(), levels: {}, lastMinuteRecorded: -1, lastActive: this.#clock.now(), seen: new HyperLogLog(12) };
      this.#spaces.set(spaceId, audience);
    }
    return audience;
  }
}
