import type { Config } from '../../config/schema.js';
import { TribuneError } from '../../errors/catalogue.js';
import { estimatedWaitSeconds, type RoomLimits, type RoomStats, type Standing, type WaitingRoomStore } from '../../limits/index.js';
import { roomMetrics } from './waiting-room-metrics.js';
import { RoomTickets, type RoomTicket } from './room-ticket.js';

export type WaitingRoomSettings = Config['waitingRoom'];

/** The page checks in about this often; Retry-After says so. */
export const CHECK_IN_SECONDS = 20;

export interface WaitingRoomState extends WaitingRoomSettings {
  /** Whether the room holds anyone right now ('auto' follows under-attack mode). */
  readonly open: boolean;
  readonly waiting: number;
  readonly active: number;
  readonly admittedLastMinute: number;
}

/** Let through, with the pass to hand back (new or renewed); null while the room is closed. */
export interface Admission {
  readonly pass: string | null;
}

/**
 * The waiting room in front of the interactive routes, modelled on the virtual waiting rooms of the
 * big CDNs: at most `totalActiveUsers` admitted at once, at most `newUsersPerMinute` admitted in any
 * minute, first come first served. A newcomer who finds room walks in with a pass; one who does not
 * gets a ticket carrying their arrival number and checks in with it until their turn. The state is in
 * a `WaitingRoomStore` (memory, or Redis: one queue for every origin); tickets are signed, so any
 * origin reads them.
 */
export class WaitingRoom {
  #settings: WaitingRoomSettings;
  readonly #store: WaitingRoomStore;
  readonly #tickets: RoomTickets;
  readonly #underAttack: () => boolean;
  readonly #now: () => number;

  constructor(options: { settings: WaitingRoomSettings; store: WaitingRoomStore; secret: string; underAttack: () => boolean; now?: () => number }) {
    this.#settings = options.settings;
    this.#store = options.store;
    this.#tickets = new RoomTickets(options.secret);
    this.#underAttack = options.underAttack;
    this.#now = options.now ?? Date.now;
    roomMetrics.readFrom(() => this.#store.stats(this.#limits(), this.#now()), () => this.isOpen());
  }

  get settings(): WaitingRoomSettings { return this.#settings; }

  /** Run-time changes by an admin; validated by the route's schema. */
  update(patch: Partial<WaitingRoomSettings>): void {
    this.#settings = { ...this.#settings, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
  }

  isOpen(): boolean {
    const open = this.#settings.setting === 'on' || (this.#settings.setting === 'auto' && this.#underAttack());
    roomMetrics.open(open);
    return open;
  }

  #limits(): RoomLimits {
    const s = this.#settings;
    return { totalActiveUsers: s.totalActiveUsers, newUsersPerMinute: s.newUsersPerMinute, sessionMs: s.sessionMinutes * 60_000, ticketMs: s.ticketMinutes * 60_000 };
  }

  async stats(): Promise<RoomStats> {
    const stats = await this.#store.stats(this.#limits(), this.#now());
    roomMetrics.observe(stats);
    return stats;
  }

  async state(): Promise<WaitingRoomState> {
    return { ...this.#settings, open: this.isOpen(), ...(await this.stats()) };
  }

  /**
   * Whether an interactive request in `scope` (a Space id, or null outside any Space) goes through
   * now. Throws WAITING_ROOM (with a ticket) while it must wait, and the ROOM_TICKET_* refusals for a
   * ticket that is not a good one.
   */
  async admit(scope: string | null, presented: string | undefined): Promise<Admission> {
    if (!this.isOpen()) return { pass: null };
    const limits = this.#limits();
    const now = this.#now();
    if (presented === undefined) {
      const standing = await this.#store.arrive(limits, now);
      if (standing.admitted) return this.#admitted(standing.arrival, now, scope, limits);
      return this.#hold(standing, now, scope ?? '', limits);
    }
    const check = this.#tickets.verify(presented, scope, now);
    if (!check.ok) {
      roomMetrics.refused(check.reason);
      if (check.reason === 'expired') throw new TribuneError('ROOM_TICKET_EXPIRED', { kind: 'ticket' });
      throw new TribuneError(check.reason === 'other-space' ? 'ROOM_TICKET_OTHER_SPACE' : 'ROOM_TICKET_INVALID');
    }
    const { ticket } = check;
    if (ticket.kind === 'pass') {
      if (await this.#store.touch(ticket.arrival, limits, now)) return this.#admitted(ticket.arrival, ticket.arrivedAt, ticket.scope, limits, false);
      roomMetrics.refused('expired');
      throw new TribuneError('ROOM_TICKET_EXPIRED', { kind: 'pass' });
    }
    const standing = await this.#store.checkIn(ticket.arrival, limits, now);
    if (!standing) {
      roomMetrics.refused('expired');
      throw new TribuneError('ROOM_TICKET_EXPIRED', { kind: 'ticket' });
    }
    if (standing.admitted) return this.#admitted(ticket.arrival, ticket.arrivedAt, ticket.scope, limits);
    return this.#hold(standing, ticket.arrivedAt, ticket.scope, limits);
  }

  /** The pass lives as long as the session: each interactive request renews both. */
  #admitted(arrival: number, arrivedAt: number, scope: string | null, limits: RoomLimits, fresh = true): Admission {
    if (fresh) roomMetrics.admitted();
    const pass: RoomTicket = { kind: 'pass', arrival, arrivedAt, expiresAt: this.#now() + limits.sessionMs, scope: scope ?? '' };
    return { pass: this.#tickets.issue(pass) };
  }

  #hold({ arrival, position, stats }: Standing & { admitted: false }, arrivedAt: number, scope: string, limits: RoomLimits): never {
    const ticket = this.#tickets.issue({ kind: 'ticket', arrival, arrivedAt, expiresAt: this.#now() + limits.ticketMs, scope });
    roomMetrics.observe(stats);
    const wait = estimatedWaitSeconds(position, limits, stats);
    roomMetrics.refused('queued');
    // A little jitter, so a queue does not come back in one wave.
    const retryAfter = Math.min(CHECK_IN_SECONDS, Math.max(3, wait)) + Math.floor(Math.random() * 3);
    throw new TribuneError('WAITING_ROOM', { position, estimatedWaitSeconds: wait }, {
      details: { ticket, position, arrival, estimatedWaitSeconds: wait, retryAfter },
    });
  }
}
