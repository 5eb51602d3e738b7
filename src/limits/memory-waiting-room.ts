import { ArrivalIndex } from './arrival-index.js';
import { freePlaces, MINUTE_MS, type RoomLimits, type RoomStats, type Standing, type WaitingRoomStore } from './waiting-room.js';

/** One origin's waiting room, in its memory (the embedded default). */
export class MemoryWaitingRoom implements WaitingRoomStore {
  #next = 0;
  /** Arrival -> last check-in. */
  readonly #waiting = new Map<number, number>();
  /** Ranks in the queue without walking it. */
  readonly #index = new ArrivalIndex();
  /** Arrival -> session end. */
  readonly #active = new Map<number, number>();
  /** Admission times, oldest first. */
  #admissions: number[] = [];
  #sweptAt = -Infinity;

  #purge(limits: RoomLimits, now: number): void {
    // Sweeping walks every entry: at most once a second. Until then a lapsed entry still counts,
    // which only errs on the side of admitting fewer.
    if (now - this.#sweptAt >= 1000) {
      this.#sweptAt = now;
      for (const [arrival, seen] of this.#waiting) if (seen <= now - limits.ticketMs) this.#leave(arrival);
      for (const [arrival, until] of this.#active) if (until <= now) this.#active.delete(arrival);
    }
    const from = this.#admissions.findIndex((t) => t > now - MINUTE_MS);
    this.#admissions = from < 0 ? [] : this.#admissions.slice(from);
  }

  #free(limits: RoomLimits): number {
    return freePlaces(limits, this.#active.size, this.#admissions.length);
  }

  #join(arrival: number, now: number): void {
    this.#index.add(arrival, 1, () => this.#waiting.keys());
    this.#waiting.set(arrival, now);
  }

  #leave(arrival: number): void {
    if (this.#waiting.delete(arrival)) this.#index.add(arrival, -1, () => this.#waiting.keys());
  }

  #admit(arrival: number, limits: RoomLimits, now: number): Standing {
    this.#leave(arrival);
    this.#active.set(arrival, now + limits.sessionMs);
    this.#admissions.push(now);
    return { admitted: true, arrival };
  }

  async arrive(limits: RoomLimits, now: number): Promise<Standing> {
    this.#purge(limits, now);
    const arrival = ++this.#next;
    if (this.#waiting.size === 0 && this.#free(limits) > 0) return this.#admit(arrival, limits, now);
    this.#join(arrival, now);
    return { admitted: false, arrival, position: this.#waiting.size, stats: this.#stats() };
  }

  async checkIn(arrival: number, limits: RoomLimits, now: number): Promise<Standing | null> {
    this.#purge(limits, now);
    const seen = this.#waiting.get(arrival);
    if (seen === undefined || seen <= now - limits.ticketMs) return null;
    const rank = this.#index.before(arrival);
    if (rank < this.#free(limits)) return this.#admit(arrival, limits, now);
    this.#waiting.set(arrival, now);
    return { admitted: false, arrival, position: rank + 1, stats: this.#stats() };
  }

  async touch(arrival: number, limits: RoomLimits, now: number): Promise<boolean> {
    this.#purge(limits, now);
    const until = this.#active.get(arrival);
    if (until === undefined || until <= now) return false;
    this.#active.set(arrival, now + limits.sessionMs);
    return true;
  }

  #stats(): RoomStats {
    return { waiting: this.#waiting.size, active: this.#active.size, admittedLastMinute: this.#admissions.length };
  }

  async stats(limits: RoomLimits, now: number): Promise<RoomStats> {
    this.#purge(limits, now);
    return this.#stats();
  }

  async close(): Promise<void> {}
}
