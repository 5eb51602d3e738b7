import type { NotesRepository, TrustSafetyRepository } from './trust-safety-store.js';
import type { EventsOf, OutboxEvent, OutboxRepository } from './outbox.js';
import type { Invite, Participant, PlatformRole, Question, ReactionCounts, Space, SpeakRequest, User } from './records.js';

/**
 * Persistence behind an interface, async so a networked database fits (SQLite embedded, PostgreSQL for
 * a cluster). A promise that resolves means the write is durable: callers acknowledge clients after it.
 *
 * The unit of work is the repository method: every method that guards an invariant (a free seat, a
 * single-use invite, a compare-and-set on state, one vote per account) checks and writes in ONE
 * transaction of the database, so several origins racing on the same rows cannot break it. Services
 * never read-then-write to enforce a rule; they call the conditional write and map its outcome.
 *
 * A write that causes a domain event takes the event (`events`): it is appended to the outbox in the
 * same transaction, only when the write writes, and reaches the bus through the relay (src/store/outbox.ts).
 */
export interface Store {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly spaces: SpaceRepository;
  readonly stage: StageRepository;
  readonly questions: QuestionRepository;
  readonly audience: AudienceStatsRepository;
  readonly trustSafety: TrustSafetyRepository;
  readonly notes: NotesRepository;
  readonly follows: FollowRepository;
  readonly outbox: OutboxRepository;
  /** Cheap round-trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface UserRecord extends User { readonly passwordHash: string }

export interface UserRepository {
  /** Returns false when the handle is taken (case-insensitively). */
  create(user: UserRecord): Promise<boolean>;
  byId(id: string): Promise<User | null>;
  /** The users among these ids, in one query (a page of Spaces and their hosts); unknown ids are left out. */
  byIds(ids: readonly string[]): Promise<User[]>;
  byHandle(handle: string): Promise<UserRecord | null>;
  setPlatformRole(id: string, role: PlatformRole): Promise<void>;
  count(): Promise<number>;
}

export interface SessionRecord {
  readonly tokenHash: string;
  readonly userId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface SessionRepository {
  create(session: SessionRecord): Promise<void>;
  byTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  delete(tokenHash: string): Promise<void>;
}

export interface SpaceRepository {
  create(space: Space): Promise<void>;
  byId(id: string): Promise<Space | null>;
  /** Compare-and-set on state, so two hosts pressing "start" cannot both win. */
  transition(id: string, from: Space['state'], patch: Partial<Pick<Space, 'state' | 'startedAt' | 'endedAt'>>, events?: readonly OutboxEvent[]): Promise<Space | null>;
  update(id: string, patch: Partial<Pick<Space, 'title' | 'description' | 'language' | 'scheduledStart' | 'timeZone'>>): Promise<Space | null>;
  list(filter: { states?: readonly Space['state'][]; hostId?: string; limit: number }): Promise<Space[]>;
  /** Deletes a Space that never went live, and every row that belongs to it, in one transaction. */
  delete(id: string): Promise<void>;
}

/** What a conditional seat write did: only `seated` wrote anything. */
export type SeatOutcome = 'seated' | 'stage-full' | 'cohosts-full' | 'already-seated' | 'invite-used';

export interface StageRepository {
  /**
   * Seats a participant in one unit of work: counts the live seats against the Space's `maxOnStage`
   * (and `maxCohosts` for a co-host), refuses a second live seat for the same account, and, given an
   * invite, binds the still-unused invite to the new seat. Nothing is written unless all of it holds.
   */
  takeSeat(participant: Participant, options?: { inviteTokenHash?: string; events?: readonly OutboxEvent[] }): Promise<SeatOutcome>;
  /** Unconditional insert (a unique index still refuses a second live seat for an account). */
  addParticipant(participant: Participant): Promise<void>;
  participant(id: string): Promise<Participant | null>;
  /** Seats not yet left, host first. */
  onStage(spaceId: string): Promise<Participant[]>;
  seatOfUser(spaceId: string, userId: string): Promise<Participant | null>;
  updateParticipant(id: string, patch: Partial<Pick<Participant, 'muted' | 'leftAt'>>, events?: readonly OutboxEvent[]): Promise<Participant | null>;
  /** Changes a live seat's role; promoting to co-host is refused when the Space's co-hosts are at `maxCohosts`. */
  setRole(id: string, role: 'speaker' | 'cohost', events?: readonly OutboxEvent[]): Promise<Participant | 'cohosts-full' | null>;

  createInvite(invite: Invite): Promise<void>;
  invite(tokenHash: string): Promise<Invite | null>;
  inviteOfParticipant(participantId: string): Promise<Invite | null>;
  revokeInvitesOf(participantId: string, at: string): Promise<void>;

  createRequest(request: SpeakRequest, events?: readonly OutboxEvent[]): Promise<void>;
  pendingRequest(spaceId: string, userId: string): Promise<SpeakRequest | null>;
  pendingRequests(spaceId: string): Promise<SpeakRequest[]>;
  answerRequest(id: string, state: SpeakRequest['state'], at: string, events?: readonly OutboxEvent[]): Promise<void>;

  block(spaceId: string, userId: string, by: string, at: string): Promise<void>;
  isBlocked(spaceId: string, userId: string): Promise<boolean>;
}

export interface QuestionRepository {
  create(question: Question, events?: readonly OutboxEvent[]): Promise<void>;
  byId(spaceId: string, id: string): Promise<Question | null>;
  list(spaceId: string, states: readonly Question['state'][]): Promise<Question[]>;
  setState(id: string, state: Question['state'], answeredAt: string | null, events?: EventsOf<Question>): Promise<void>;
  /** Clears any other highlight of the Space in the same transaction. `events` are of the question highlighted. */
  setHighlighted(spaceId: string, id: string | null, events?: EventsOf<Question>): Promise<void>;
  /** One vote per account; false if this account already voted. */
  vote(questionId: string, userId: string, at: string, events?: EventsOf<Question>): Promise<boolean>;
  lastQuestionAt(spaceId: string, authorId: string): Promise<string | null>;
}

export interface AudienceStatsRepository {
  addReactions(spaceId: string, second: number, counts: ReactionCounts): Promise<void>;
  reactionTotals(spaceId: string): Promise<ReactionCounts>;
  recordListeners(spaceId: string, minute: number, count: number): Promise<void>;
  listenerHistory(spaceId: string): Promise<Array<{ minute: number; count: number }>>;
}

export interface PushSubscriptionRecord {
  readonly endpoint: string;
  readonly userId: string;
  readonly p256dh: string;
  readonly auth: string;
  readonly createdAt: string;
}

export interface PushKeys { readonly publicKey: string; readonly privateKey: string }

/** Follows of hosts, reminders of Spaces, and where to push: read-time fan-out, no per-follower write. */
export interface FollowRepository {
  /** False if already following. */
  follow(followerId: string, hostId: string, at: string): Promise<boolean>;
  unfollow(followerId: string, hostId: string): Promise<void>;
  isFollowing(followerId: string, hostId: string): Promise<boolean>;
  followerCount(hostId: string): Promise<number>;
  remind(userId: string, spaceId: string, at: string): Promise<void>;
  unremind(userId: string, spaceId: string): Promise<void>;
  isReminded(userId: string, spaceId: string): Promise<boolean>;
  /** Live Spaces whose host this user follows or that they asked to be reminded of, newest first. */
  liveFor(userId: string, limit: number): Promise<Space[]>;
  /** Keeps the account's newest `keep` subscriptions: a client cannot make one go-live cost it thousands of pushes. */
  savePushSubscription(sub: PushSubscriptionRecord, keep: number): Promise<void>;
  deletePushSubscription(endpoint: string): Promise<void>;
  /** One page (by endpoint) of the subscriptions of the host's followers and of the Space's reminded users. */
  pushAudience(hostId: string, spaceId: string, afterEndpoint: string, limit: number): Promise<PushSubscriptionRecord[]>;
  /** True for the one caller that claims the Space's go-live push: it goes out once, whichever origin asks. */
  claimGoLivePush(spaceId: string, at: string): Promise<boolean>;
  /** The deployment's VAPID key pair: the first ever offered is kept, and every caller gets that one. */
  pushKeys(offered: PushKeys): Promise<PushKeys>;
}
