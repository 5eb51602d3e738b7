import { randomBytes } from 'node:crypto';
import type { SessionState } from '../media/session-state.js';
import type { ProgramFeed, ProgramSink, SeatAudioTap, StageAuthority } from '../media/types.js';
import { TribuneError } from '../errors/catalogue.js';
import { resolveOptions, type ResolvedStageMediaOptions, type StageMediaOptions } from './options.js';
import { RateLimiter } from '../domain/rate-limiter.js';
import { RtcEngine } from './rtc-engine.js';
import { SpaceMedia } from './space-media.js';
import { TypedEmitter } from './typed-emitter.js';
import { WhipSession } from './whip-session.js';
import { WhepSession } from './whep-session.js';
import { stageMetrics } from './metrics.js';
import { PendingOffers } from './pending-offers.js';
import type { SessionAnswer, SessionRequest, StageMedia, StageMediaEvents, StageMediaStats } from './stage-media-types.js';

type Registered = { readonly kind: 'whip'; readonly session: WhipSession } | { readonly kind: 'whep'; readonly session: WhepSession };

class StageMediaImpl implements StageMedia {
  readonly events: TypedEmitter<StageMediaEvents>;
  readonly #options: ResolvedStageMediaOptions;
  readonly #engine: RtcEngine;
  readonly #limiter: RateLimiter;
  readonly #spaces = new Map<string, SpaceMedia>();
  readonly #sessions = new Map<string, Registered>();
  /** Audience (program) WHEP sessions, per Space and in all: the only ones capacity limits. */
  readonly #audience = new Map<string, number>();
  #audienceTotal = 0;
  /** Audience sessions being negotiated count against capacity too: a burst must not overshoot it. */
  #negotiating = 0;
  readonly #pending: PendingOffers;
  /** Per WHEP session not yet connected: gives its pending-offer slot back (connected or gone). */
  readonly #releasePending = new Map<string, () => void>();
  #closed = false;

  constructor(options: StageMediaOptions) {
    this.#options = resolveOptions(options);
    this.events = new TypedEmitter<StageMediaEvents>((err, event) => {
      if (event !== 'error') this.events.safeEmit('error', err);
    });
    this.#engine = new RtcEngine(this.#options);
    this.#limiter = new RateLimiter({ burst: this.#options.sessionRateBurst, perSecond: this.#options.sessionRatePerSecond });
    this.#pending = new PendingOffers({ perAddress: this.#options.pendingPerAddress, perNetwork: this.#options.pendingPerNetwork });
  }

  get udpPort(): number {
    return this.#engine.port;
  }

  get iceServers(): readonly string[] {
    return this.#options.iceServers;
  }

  openSpace(spaceId: string, sink: ProgramSink, heard?: ProgramFeed): void {
    if (this.#closed) throw new TribuneError('NOT_READY', { reason: 'stage media is closed' });
    const existing = this.#spaces.get(spaceId);
    if (existing && !existing.closed) return;
    const space = new SpaceMedia(spaceId, sink, heard, this.#options, {
      seatState: (participantId, state) => this.events.safeEmit('seat-state', { spaceId, participantId, state }),
      levels: (levels) => this.events.safeEmit('levels', levels),
      error: (err) => this.events.safeEmit('error', err),
      sessionGone: (sessionId) => this.#forget(sessionId),
    });
    this.#spaces.set(spaceId, space);
  }

  async closeSpace(spaceId: string): Promise<void> {
    const space = this.#spaces.get(spaceId);
    if (!space) return;
    this.#spaces.delete(spaceId);
    space.close();
  }

  moveOut(spaceId: string): void {
    this.#spaces.get(spaceId)?.moveOut();
  }

  setMuted(spaceId: string, participantId: string, muted: boolean): void {
    this.#spaces.get(spaceId)?.setMuted(participantId, muted);
  }

  setGain(spaceId: string, participantId: string, gain: number): void {
    this.#spaces.get(spaceId)?.setGain(participantId, gain);
  }

  removeSeat(spaceId: string, participantId: string): void {
    this.#spaces.get(spaceId)?.removeSeat(participantId);
  }

  tapSeats(spaceId: string, tap: SeatAudioTap): () => void {
    return this.#liveSpace(spaceId).tapSeats(tap);
  }

  async publish(spaceId: string, request: SessionRequest, authority: StageAuthority): Promise<SessionAnswer> {
    this.#admit('whip', request.clientIp);
    let reserved: { space: SpaceMedia; participantId: string } | undefined;
    try {
      const seat = await authority.authorizePublish(spaceId, request.bearer);
      const space = this.#liveSpace(spaceId);
      space.reservePublisher(seat);
      reserved = { space, participantId: seat.participantId };
      const peer = await this.#engine.answer({ offer: request.offer, role: 'recv' });
      const sessionId = newSessionId(this.#options.sessionIdPrefix);
      const participantId = seat.participantId;
      const session: WhipSession = new WhipSession(sessionId, spaceId, participantId, peer, this.#options.mediaTimeoutMs, {
        onPacket: (packet, now) => space.inputFor(participantId)?.path.push(packet.sequence, packet.payload, now),
        onConnected: () => space.publisherConnected(participantId),
        onLost: () => space.publisherLost(participantId, session),
      });
      if (space.closed) {
        session.close();
        throw new TribuneError('SPACE_NOT_LIVE');
      }
      space.attachPublisher(participantId, session);
      reserved = undefined;
      this.#register(sessionId, { kind: 'whip', session });
      return { sessionId, answer: peer.answer };
    } catch (err) {
      if (reserved) reserved.space.releasePublisher(reserved.participantId);
      this.#rejected(err);
      throw err;
    }
  }

  async listen(spaceId: string, request: SessionRequest, authority: StageAuthority): Promise<SessionAnswer> {
    this.#admit('whep', request.clientIp);
    const releasePending = this.#takePending(request.clientIp);
    let negotiating = false;
    try {
      const grant = await authority.authorizeListen(spaceId, request.bearer);
      if (grant.kind === 'program') {
        this.#admitAudience(spaceId);
        this.#negotiating += 1;
        negotiating = true;
      }
      const stream = this.#liveSpace(spaceId).streamFor(grant);
      const peer = await this.#engine.answer({ offer: request.offer, role: 'send', ssrc: stream.ssrc, streamId: stream.streamId });
      const sessionId = newSessionId(this.#options.sessionIdPrefix);
      const session = new WhepSession(sessionId, spaceId, grant, peer, this.#options.connectTimeoutMs);
      const space = this.#spaces.get(spaceId);
      if (!space || space.closed) {
        session.close();
        throw new TribuneError('SPACE_NOT_LIVE');
      }
      // The space may have dropped an idle mix-minus stream while we negotiated: ask again.
      space.addListener(session, space.streamFor(grant));
      this.#register(sessionId, { kind: 'whep', session });
      this.#releasePending.set(sessionId, releasePending);
      session.onConnected(() => this.#connected(sessionId));
      return { sessionId, answer: peer.answer };
    } catch (err) {
      releasePending();
      this.#rejected(err);
      throw err;
    } finally {
      if (negotiating) this.#negotiating -= 1;
    }
  }

  endSession(spaceId: string, kind: 'whip' | 'whep', sessionId: string): void {
    const entry = this.#sessions.get(sessionId);
    if (!entry || entry.kind !== kind || entry.session.spaceId !== spaceId) {
      throw new TribuneError('MEDIA_SESSION_NOT_FOUND', { sessionId });
    }
    const space = this.#spaces.get(spaceId);
    if (entry.kind === 'whip') {
      if (space) space.unpublish(entry.session);
      else entry.session.close();
    } else if (space) space.removeListener(entry.session);
    else entry.session.close();
    this.#forget(sessionId);
  }

  sessionState(spaceId: string, kind: 'whip' | 'whep', sessionId: string): SessionState {
    const entry = this.#sessions.get(sessionId);
    if (entry === undefined || entry.kind !== kind || entry.session.spaceId !== spaceId) return 'gone';
    return this.#spaces.get(spaceId)?.movingOut ? 'moving' : 'held';
  }

  stats(): StageMediaStats {
    const bySpace: Record<string, ReturnType<SpaceMedia['stats']>> = {};
    let seats = 0;
    let listeners = 0;
    let packetsSent = 0;
    for (const [id, space] of this.#spaces) {
      const s = (bySpace[id] = space.stats());
      seats += s.seats;
      listeners += s.listeners;
      packetsSent += s.packetsSent;
    }
    let whip = 0;
    for (const entry of this.#sessions.values()) if (entry.kind === 'whip') whip += 1;
    return {
      udpPort: this.#engine.port, spaces: this.#spaces.size, sessions: { whip, whep: this.#sessions.size - whip },
      seats, listeners, packetsSent, bySpace,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#spaces.keys()].map((id) => this.closeSpace(id)));
    // Sessions of spaces already closed (none expected, but close() must leave nothing open).
    for (const [id, entry] of [...this.#sessions]) {
      entry.session.close();
      this.#forget(id);
    }
    this.#engine.close();
    this.events.removeAllListeners();
  }

  /** Rate limit per client IP, publishers and listeners in separate buckets, before any expensive work. */
  #admit(kind: 'whip' | 'whep', clientIp: string): void {
    if (this.#closed) throw new TribuneError('NOT_READY', { reason: 'stage media is closed' });
    const decision = this.#limiter.take(`${kind}:${clientIp}`);
    if (!decision.allowed) {
      const retryAfter = decision.retryAfterSeconds;
      stageMetrics.sessionsRejected.inc({ reason: 'rate' });
      throw new TribuneError('RATE_LIMITED', { retryAfter }, { details: { retryAfter } });
    }
  }

  #takePending(clientIp: string): () => void {
    try {
      return this.#pending.take(clientIp);
    } catch (err) {
      stageMetrics.sessionsRejected.inc({ reason: 'pending' });
      throw err;
    }
  }

  /** Listener capacity, per origin and per Space: what a WHEP listener may take, never the stage's. */
  #admitAudience(spaceId: string): void {
    if (this.#audienceTotal + this.#negotiating >= this.#options.maxSessions
      || (this.#audience.get(spaceId) ?? 0) >= this.#options.maxListenersPerSpace) {
      stageMetrics.sessionsRejected.inc({ reason: 'capacity' });
      throw new TribuneError('MEDIA_CAPACITY');
    }
  }

  #liveSpace(spaceId: string): SpaceMedia {
    const space = this.#spaces.get(spaceId);
    if (!space || space.closed) throw new TribuneError('SPACE_NOT_LIVE');
    return space;
  }

  #register(sessionId: string, entry: Registered): void {
    this.#sessions.set(sessionId, entry);
    stageMetrics.sessions.inc({ kind: entry.kind });
    if (entry.kind === 'whep' && entry.session.grant.kind === 'program') this.#countAudience(entry.session.spaceId, 1);
  }

  #connected(sessionId: string): void {
    this.#releasePending.get(sessionId)?.();
    this.#releasePending.delete(sessionId);
  }

  #forget(sessionId: string): void {
    this.#connected(sessionId);
    const entry = this.#sessions.get(sessionId);
    if (!entry) return;
    this.#sessions.delete(sessionId);
    stageMetrics.sessions.dec({ kind: entry.kind });
    if (entry.kind === 'whep' && entry.session.grant.kind === 'program') this.#countAudience(entry.session.spaceId, -1);
  }

  #countAudience(spaceId: string, by: number): void {
    const next = (this.#audience.get(spaceId) ?? 0) + by;
    if (next > 0) this.#audience.set(spaceId, next);
    else this.#audience.delete(spaceId);
    this.#audienceTotal += by;
  }

  #rejected(err: unknown): void {
    const code = err instanceof TribuneError ? err.code : 'INTERNAL';
    const reason = code.startsWith('SDP_') ? 'sdp' : code === 'MEDIA_SESSION_ACTIVE' ? 'active' : code === 'SPACE_NOT_LIVE' ? 'not-live' : 'auth';
    stageMetrics.sessionsRejected.inc({ reason });
  }
}

function newSessionId(prefix = ''): string {
  return prefix + randomBytes(16).toString('base64url');
}

export function createStageMedia(options: StageMediaOptions): StageMedia {
  return new StageMediaImpl(options);
}
