/**
 * The waiting room's shared state: who waits (in arrival order), who is admitted and until when, and
 * how many were admitted in the last minute. One interface, kept in memory on one origin and in Redis
 * across a cluster, so a cluster has ONE queue whatever origin a client reaches.
 */

/** The room's limits, read on every call: an admin may change them at run time. */
export interface RoomLimits {
  /** Never more admitted users at once. */
  readonly totalActiveUsers: number;
  /** Never more admissions in any 60 s. */
  readonly newUsersPerMinute: number;
  /** An admitted user who does nothing interactive for this long gives back their place. */
  readonly sessionMs: number;
  /** A waiting user who does not check in for this long leaves the queue. */
  readonly ticketMs: number;
}

export interface RoomStats {
  readonly waiting: number;
  readonly active: number;
  readonly admittedLastMinute: number;
}

export type Standing =
  | { readonly admitted: true; readonly arrival: number }
  /** `position`: 1 for the first in line; `stats`: the room as it was seen, for the estimate. */
  | { readonly admitted: false; readonly arrival: number; readonly position: number; readonly stats: RoomStats };

export interface WaitingRoomStore {
  /** A newcomer: admitted at once when nobody waits and there is room, otherwise queued at the back. */
  arrive(limits: RoomLimits, now: number): Promise<Standing>;
  /** A waiting arrival checks in: admitted if everyone ahead fits too; null if it left the queue. */
  checkIn(arrival: number, limits: RoomLimits, now: number): Promise<Standing | null>;
  /** An admitted user acts: their session is extended; false once it has lapsed. */
  touch(arrival: number, limits: RoomLimits, now: number): Promise<boolean>;
  stats(limits: RoomLimits, now: number): Promise<RoomStats>;
  close(): Promise<void>;
}

export const MINUTE_MS = 60_000;

/**
 * Places that may be given now: under both the ceiling on active users and the admission rate.
 * FIFO follows from admitting the waiter at rank r (0 first) only if r < free: everyone ahead fits too.
 */
export function freePlaces(limits: RoomLimits, active: number, admittedLastMinute: number): number {
  return Math.max(0, Math.min(limits.totalActiveUsers - active, limits.newUsersPerMinute - admittedLastMinute));
}

/**
 * The wait a user at `position` may expect, in seconds: the queue moves at the admission rate while
 * active users are below the ceiling, and at the pace places are given back (seen over the last
 * minute) once it is full.
 */
export function estimatedWaitSeconds(position: number, limits: RoomLimits, stats: RoomStats): number {
  const full = stats.active >= limits.totalActiveUsers;
  const perMinute = full ? Math.max(1, Math.min(stats.admittedLastMinute, limits.newUsersPerMinute)) : limits.newUsersPerMinute;
  return Math.ceil((position / perMinute) * 60);
}
