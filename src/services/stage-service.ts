import type { Bus, EnvelopeHandler, SubscribeOptions } from '../bus/bus.js';
import type { SpaceEvent } from '../bus/events.js';
import type { Participant, Space, SpeakRequest, StageRole } from '../domain/types.js';
import { primaryRole } from '../domain/permissions.js';
import { TribuneError } from '../errors/catalogue.js';
import type { ListenGrant, StageAuthority, StageSeat } from '../media/types.js';
import type { OutboxEvent } from '../store/outbox.js';
import type { SeatOutcome, Store } from '../store/store.js';
import { accessTo, demand, requireUser, type Actor, type SpaceAccess } from './actor.js';
import type { AuthService } from './auth-service.js';
import { iso, type Clock } from './clock.js';
import { hashToken, newId, newToken, TOKEN_PREFIX } from './crypto.js';
import type { MediaHooks } from './media-hooks.js';
import type { SpaceService } from './space-service.js';

export interface Invitation { readonly token: string; readonly role: 'speaker' | 'cohost'; readonly expiresAt: string }

const toSeat = (p: Participant): StageSeat => ({
  spaceId: p.spaceId, participantId: p.id, displayName: p.displayName, role: p.role, muted: p.muted,
});

/** The stage's rules: who sits on it, who speaks, who may silence whom. Tells the media plane at once. */
export class StageService implements StageAuthority {
  readonly #store: Store;
  /** Only to follow a Space's events (the stage channel): its own events go through the outbox. */
  readonly #bus: Bus;
  readonly #media: MediaHooks;
  readonly #clock: Clock;
  readonly #spaces: SpaceService;
  readonly #auth: AuthService;
  readonly #inviteTtlMs: number;

  constructor(deps: { store: Store; bus: Bus; media: MediaHooks; clock: Clock; spaces: SpaceService; auth: AuthService; inviteTtlHours: number }) {
    this.#store = deps.store;
    this.#bus = deps.bus;
    this.#media = deps.media;
    this.#clock = deps.clock;
    this.#spaces = deps.spaces;
    this.#auth = deps.auth;
    this.#inviteTtlMs = deps.inviteTtlHours * 3_600_000;
  }

  /** Who may hold the stage channel (the Space's events over a WebSocket): the table's `stage.connect`. */
  async connectChannel(actor: Actor, spaceId: string): Promise<SpaceAccess> {
    const { access } = await this.access(actor, spaceId);
    demand(access, 'stage.connect');
    return access;
  }

  /** The Space's events as they happen (from `after` when resuming); returns the function that stops them. */
  follow(spaceId: string, handler: EnvelopeHandler, options?: SubscribeOptions): () => void {
    return this.#bus.subscribe(spaceId, handler, options);
  }

  async stage(spaceId: string): Promise<Participant[]> {
    await this.#spaces.get(spaceId);
    return this.#store.stage.onStage(spaceId);
  }

  async access(actor: Actor, spaceId: string): Promise<{ space: Space; access: SpaceAccess }> {
    const space = await this.#spaces.get(spaceId);
    return { space, access: await accessTo(this.#store, actor, space) };
  }

  /** A single-use invite: the token is the link's secret and, once redeemed, the guest's stage credential. */
  async invite(actor: Actor, spaceId: string, role: 'speaker' | 'cohost'): Promise<Invitation> {
    const { space, access } = await this.access(actor, spaceId);
    demand(access, role === 'cohost' ? 'stage.promote' : 'stage.invite');
    assertOpen(space, 'invite');
    const token = newToken('stage');
    const now = this.#clock.now();
    const expiresAt = iso(now + this.#inviteTtlMs);
    await this.#store.stage.createInvite({
      tokenHash: hashToken(token), spaceId, role, createdBy: actor.user?.id ?? 'unknown', createdAt: iso(now), expiresAt,
      participantId: null, revokedAt: null,
    });
    return { token, role, expiresAt };
  }

  /**
   * Whether an invite can still be used by this holder, without taking the seat: the speaker page
   * checks the link on load rather than after the mic check. Same rules as `redeem`.
   */
  async checkInvite(actor: Actor, spaceId: string, token: string): Promise<{ role: 'speaker' | 'cohost'; expiresAt: string; seated: boolean }> {
    const { invite } = await this.#usableInvite(spaceId, token);
    if (invite.participantId) {
      const seat = await this.#store.stage.participant(invite.participantId);
      const mine = seat && !seat.leftAt && (seat.userId === null || seat.userId === actor.user?.id || actor.inviteTokenHash === invite.tokenHash);
      if (!mine) throw new TribuneError(seat?.leftAt ? 'STAGE_TOKEN_INVALID' : 'STAGE_TOKEN_USED');
    }
    return { role: invite.role, expiresAt: invite.expiresAt, seated: invite.participantId !== null };
  }

  /** The Space, open to the stage, and the invite `token` names in it, neither revoked nor expired. */
  async #usableInvite(spaceId: string, token: string) {
    const space = await this.#spaces.get(spaceId);
    assertOpen(space, 'join the stage');
    const invite = await this.#store.stage.invite(hashToken(token));
    if (!invite || invite.spaceId !== spaceId || invite.revokedAt || Date.parse(invite.expiresAt) <= this.#clock.now()) {
      throw new TribuneError('STAGE_TOKEN_INVALID');
    }
    return { space, invite };
  }

  /** Takes the seat an invite offers. A logged-in user binds it to their account; a guest gets a guest seat. */
  async redeem(actor: Actor, spaceId: string, token: string, displayName?: string): Promise<Participant> {
    const { space, invite } = await this.#usableInvite(spaceId, token);
    if (invite.participantId) {
      const seat = await this.#store.stage.participant(invite.participantId);
      // A guest seat's credential is its token; a seat an account redeemed belongs to that account alone.
      const mine = seat && !seat.leftAt && (seat.userId === null || seat.userId === actor.user?.id);
      if (mine) return seat;
      throw new TribuneError(seat?.leftAt ? 'STAGE_TOKEN_INVALID' : 'STAGE_TOKEN_USED');
    }
    if (actor.user && await this.#store.stage.isBlocked(spaceId, actor.user.id)) throw new TribuneError('BLOCKED_FROM_SPACE');
    const seat: Participant = {
      id: newId('p'), spaceId, userId: actor.user?.id ?? null,
      displayName: (displayName?.trim() || actor.user?.displayName) ?? 'Guest',
      role: invite.role, muted: false, joinedAt: iso(this.#clock.now()), leftAt: null,
    };
    assertSeated(space, await this.#store.stage.takeSeat(seat, { inviteTokenHash: invite.tokenHash, events: changed(spaceId, 'joined', seat.id) }));
    return seat;
  }

  // --- StageAuthority: the media plane asks, control answers ---

  async authorizePublish(spaceId: string, bearer: string | undefined): Promise<StageSeat> {
    const space = await this.#spaces.get(spaceId);
    if (space.state !== 'live') throw new TribuneError('SPACE_NOT_LIVE');
    if (!bearer) throw new TribuneError('AUTH_REQUIRED');
    const seat = bearer.startsWith(TOKEN_PREFIX.stage)
      ? await this.redeem({ user: null, inviteTokenHash: hashToken(bearer) }, spaceId, bearer)
      : (await accessTo(this.#store, await this.#auth.authenticate(bearer), space)).seat;
    if (!seat) throw new TribuneError('FORBIDDEN', { role: 'listener', action: 'publish on the stage' });
    return toSeat(seat);
  }

  async authorizeListen(spaceId: string, bearer: string | undefined): Promise<ListenGrant> {
    const space = await this.#spaces.get(spaceId);
    if (space.state !== 'live') throw new TribuneError('SPACE_NOT_LIVE');
    if (!bearer) return { kind: 'program' };
    const actor = await this.#auth.authenticate(bearer);
    const { seat } = await accessTo(this.#store, actor, space);
    if (bearer.startsWith(TOKEN_PREFIX.stage) && !seat) throw new TribuneError('STAGE_TOKEN_INVALID');
    return seat ? { kind: 'mix-minus', seat: toSeat(seat) } : { kind: 'program' };
  }

  // --- Requests to speak ---

  async requestToSpeak(actor: Actor, spaceId: string): Promise<SpeakRequest> {
    const user = requireUser(actor);
    const { space, access } = await this.access(actor, spaceId);
    demand(access, 'stage.request');
    assertOpen(space, 'request to speak');
    if (await this.#store.stage.isBlocked(spaceId, user.id)) throw new TribuneError('BLOCKED_FROM_SPACE');
    if (await this.#store.stage.pendingRequest(spaceId, user.id)) throw new TribuneError('SPEAK_REQUEST_PENDING');
    const request: SpeakRequest = { id: newId('rq'), spaceId, userId: user.id, state: 'pending', createdAt: iso(this.#clock.now()), answeredAt: null };
    await this.#store.stage.createRequest(request, on(spaceId, { type: 'speak-request.created', requestId: request.id, userId: user.id, state: 'pending' }));
    return request;
  }

  async withdrawRequest(actor: Actor, spaceId: string): Promise<void> {
    const user = requireUser(actor);
    const pending = await this.#store.stage.pendingRequest(spaceId, user.id);
    if (!pending) throw new TribuneError('SPEAK_REQUEST_NOT_FOUND', { userId: user.id });
    await this.#store.stage.answerRequest(pending.id, 'withdrawn', iso(this.#clock.now()),
      on(spaceId, { type: 'speak-request.withdrawn', requestId: pending.id, userId: user.id, state: 'withdrawn' }));
  }

  async pendingRequests(actor: Actor, spaceId: string): Promise<SpeakRequest[]> {
    const { access } = await this.access(actor, spaceId);
    demand(access, 'stage.approve');
    return this.#store.stage.pendingRequests(spaceId);
  }

  /** Approving seats the requester as a speaker; their account's session then publishes over WHIP. */
  async answerRequest(actor: Actor, spaceId: string, userId: string, approve: boolean): Promise<Participant | null> {
    const { space, access } = await this.access(actor, spaceId);
    demand(access, approve ? 'stage.approve' : 'stage.deny');
    const pending = await this.#store.stage.pendingRequest(spaceId, userId);
    if (!pending) throw new TribuneError('SPEAK_REQUEST_NOT_FOUND', { userId });
    let seat: Participant | null = null;
    if (approve) {
      assertOpen(space, 'approve a request');
      const user = await this.#store.users.byId(userId);
      seat = { id: newId('p'), spaceId, userId, displayName: user?.displayName ?? 'Speaker', role: 'speaker', muted: false, joinedAt: iso(this.#clock.now()), leftAt: null };
      assertSeated(space, await this.#store.stage.takeSeat(seat, { events: changed(spaceId, 'joined', seat.id) }));
    }
    const state = approve ? 'approved' : 'denied';
    await this.#store.stage.answerRequest(pending.id, state, iso(this.#clock.now()),
      on(spaceId, { type: 'speak-request.answered', requestId: pending.id, userId, state }));
    return seat;
  }

  // --- Acting on seats ---

  /** Anyone with the right mutes others; only the seat's holder unmutes it. */
  async setMuted(actor: Actor, spaceId: string, participantId: string, muted: boolean): Promise<Participant> {
    const { access } = await this.access(actor, spaceId);
    const target = await this.#seat(spaceId, participantId);
    const self = access.seat?.id === target.id;
    if (self) demand(access, 'stage.mute-self');
    else if (!muted) {
      demand(access, 'stage.mute');
      throw new TribuneError('SELF_UNMUTE_ONLY');
    } else demand(access, 'stage.mute');
    const updated = (await this.#store.stage.updateParticipant(target.id, { muted }, changed(spaceId, muted ? 'muted' : 'unmuted', target.id)))!;
    this.#media.setMuted(spaceId, target.id, muted);
    return updated;
  }

  async remove(actor: Actor, spaceId: string, participantId: string): Promise<void> {
    const { access } = await this.access(actor, spaceId);
    demand(access, 'stage.remove');
    const target = await this.#seat(spaceId, participantId);
    this.#assertOutranks(access, target, 'remove');
    await this.#unseat(target, 'removed');
  }

  /** Blocks an account (or a guest's seat) from the Space: off the stage, no requests, no questions. */
  async block(actor: Actor, spaceId: string, target: { userId?: string; participantId?: string }): Promise<void> {
    const { access } = await this.access(actor, spaceId);
    demand(access, 'stage.block');
    let seat = target.participantId ? await this.#seat(spaceId, target.participantId) : null;
    const userId = target.userId ?? seat?.userId ?? null;
    if (userId && !seat) seat = await this.#store.stage.seatOfUser(spaceId, userId);
    if (seat) this.#assertOutranks(access, seat, 'block');
    if (userId) {
      if (!(await this.#store.users.byId(userId))) throw new TribuneError('USER_NOT_FOUND', { userId });
      const space = await this.#spaces.get(spaceId);
      if (space.hostId === userId) throw new TribuneError('FORBIDDEN', { role: primaryRole(access.roles), action: 'block the host' });
      await this.#store.stage.block(spaceId, userId, access.seat?.id ?? 'moderator', iso(this.#clock.now()));
      const pending = await this.#store.stage.pendingRequest(spaceId, userId);
      if (pending) await this.#store.stage.answerRequest(pending.id, 'denied', iso(this.#clock.now()));
    }
    if (seat) await this.#unseat(seat, 'blocked');
  }

  async setRole(actor: Actor, spaceId: string, participantId: string, role: Exclude<StageRole, 'host'>): Promise<Participant> {
    const { space, access } = await this.access(actor, spaceId);
    demand(access, 'stage.promote');
    const target = await this.#seat(spaceId, participantId);
    if (target.role === 'host') throw new TribuneError('FORBIDDEN', { role: 'host', action: 'change the host\'s role' });
    const updated = await this.#store.stage.setRole(target.id, role, changed(spaceId, 'promoted', target.id));
    if (updated === 'cohosts-full') throw new TribuneError('COHOSTS_FULL', { max: space.maxCohosts });
    if (!updated) throw new TribuneError('PARTICIPANT_NOT_FOUND', { participantId });
    return updated;
  }

  async leave(actor: Actor, spaceId: string): Promise<void> {
    const { access } = await this.access(actor, spaceId);
    if (access.seat?.role === 'host') throw new TribuneError('HOST_CANNOT_LEAVE');
    demand(access, 'stage.leave');
    await this.#unseat(access.seat!, 'left');
  }

  async #unseat(seat: Participant, reason: 'removed' | 'blocked' | 'left'): Promise<void> {
    const at = iso(this.#clock.now());
    await this.#store.stage.updateParticipant(seat.id, { leftAt: at }, changed(seat.spaceId, reason, seat.id));
    await this.#store.stage.revokeInvitesOf(seat.id, at);
    this.#media.removeSeat(seat.spaceId, seat.id);
  }

  async #seat(spaceId: string, participantId: string): Promise<Participant> {
    const seat = await this.#store.stage.participant(participantId);
    if (!seat || seat.spaceId !== spaceId || seat.leftAt) throw new TribuneError('PARTICIPANT_NOT_FOUND', { participantId });
    return seat;
  }

  /** Nobody removes the host; a co-host acts on speakers only; platform staff act on anyone but the host. */
  #assertOutranks(access: SpaceAccess, target: Participant, action: string): void {
    if (target.role === 'host') throw new TribuneError('FORBIDDEN', { role: primaryRole(access.roles), action: `${action} the host` });
    const staff = access.roles.has('moderator') || access.roles.has('admin') || access.roles.has('host');
    if (!staff && target.role === 'cohost') throw new TribuneError('FORBIDDEN', { role: 'cohost', action: `${action} a co-host` });
  }
}

/** A domain event the write commits with it (the outbox). */
const on = (spaceId: string, event: SpaceEvent): readonly OutboxEvent[] => [{ spaceId, event }];

const changed = (spaceId: string, reason: 'joined' | 'left' | 'removed' | 'muted' | 'unmuted' | 'promoted' | 'blocked', participantId: string) =>
  on(spaceId, { type: 'stage.changed', reason, participantId });

/** Maps what the store's conditional seat write did to the error a client sees. */
function assertSeated(space: Space, outcome: SeatOutcome): void {
  switch (outcome) {
    case 'seated': return;
    case 'stage-full': throw new TribuneError('STAGE_FULL', { max: space.maxOnStage });
    case 'cohosts-full': throw new TribuneError('COHOSTS_FULL', { max: space.maxCohosts });
    case 'already-seated': throw new TribuneError('ALREADY_ON_STAGE');
    case 'invite-used': throw new TribuneError('STAGE_TOKEN_USED');
  }
}

function assertOpen(space: Space, action: string): void {
  if (space.state !== 'scheduled' && space.state !== 'live') throw new TribuneError('SPACE_STATE_CONFLICT', { state: space.state, action });
}
