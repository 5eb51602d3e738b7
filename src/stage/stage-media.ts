import { randomBytes } from 'node:crypto';
import type { ProgramSink, SeatAudioTap, StageAuthority } from '../media/types.js';
import { TribuneError } from '../errors/catalogue.js';
import { resolveOptions, type ResolvedStageMediaOptions, type StageMediaOptions } from './options.js';
import { RateLimiter } from '../domain/rate-limiter.js';
import { RtcEngine } from './rtc-engine.js';
import { SpaceMedia } from './space-media.js';
import { TypedEmitter } from './typed-emitter.js';
import { WhipSession } from './whip-session.js';
import { WhepSession } from './whep-session.js';
import { stageMetrics } from './metrics.js';
import type { SessionAnswer, SessionRequest, StageMedia, StageMediaEvents, StageMediaStats } from './stage-media-types.js';

type Registered = { readonly kind: 'whip'; readonly session: WhipSession } | { readonly kind: 'whep'; readonly session: WhepSession };

class StageMediaImpl implements StageMedia {
  readonly events: TypedEmitter<StageMediaEvents>;
  readonly #options: ResolvedStageMediaOptions;
  readonly #engine: RtcEngine;
  readonly #limiter: RateLimiter;
  readonly #spaces = new Map<string, SpaceMedia>();
  readonly #sessions = new Map<string, Registered>();
  /** Sessions being negotiated count against capacity too: a burst must not overshoot it. */
  #negotiating = 0;
  #closed = false;

  constructor(options: StageMediaOptions) {
    this.#options = resolveOptions(options);
    this.events = new TypedEmitter<StageMediaEvents>((err, event) => {
      if (event !== 'error') this.events.safeEmit('error', err);
    });
    this.#engine = new RtcEngine(this.#options);
    this.#limiter = new RateLimiter({ burst: this.#options.sessionRateBurst, perSecond: this.#options.sessionRatePerSecond });
  }

  get udpPort(): number {
    return this.#engine.port;
  }

  get iceServers(): readonly string[] {
    return this.#options.iceServers;
  }

  openSpace(spaceId: string, sink: ProgramSink): void {
    if (this.#closed) throw new TribuneError('NOT_READY', { reason: 'stage media is closed' });
    const existing = this.#spaces.get(spaceId);
    if (existing && !existing.closed) return;
    const space = new SpaceMedia(spaceId, sink, this.#options, {
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
    this.#admit(request.clientIp);
    this.#negotiating += 1;
    let reserved: { space: SpaceMedia; participantId: string } | undefined;
    try {
      const seat = await authority.authorizePublish(spaceId, request.bearer);
      const space = this.#liveSpace(spaceId);
      space.reservePublisher(seat);
      reserved = { space, participantId: seat.participantId };
      const peer = await this.#engine.answer({ offer: request.offer, role: 'recv' });
      const sessionId = newSessionId();
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
    } finally {
      this.#negotiating -= 1;
    }
  }

  async listen(spaceId: string, request: SessionRequest, authority: StageAuthority): Promise<SessionAnswer> {
    this.#admit(request.clientIp);
    this.#negotiating += 1;
    try {
      const grant = await authority.authorizeListen(spaceId, request.bearer);
      const stream = this.#liveSpace(spaceId).streamFor(grant);
      const peer = await this.#engine.answer({ offer: request.offer, role: 'send', ssrc: stream.ssrc, streamId: stream.streamId });
      const sessionId = newSessionId();
      const session = new WhepSession(sessionId, spaceId, grant, peer);
      const space = this.#spaces.get(spaceId);
      if (!space || space.closed) {
        session.close();
        throw new TribuneError('SPACE_NOT_LIVE');
      }
      // The space may have dropped an idle mix-minus stream while we negotiated: ask again.
      space.addListener(session, space.streamFor(grant));
      this.#register(sessionId, { kind: 'whep', session });
      return { sessionId, answer: peer.answer };
    } catch (err) {
      this.#rejected(err);
      throw err;
    } finally {
      this.#negotiating -= 1;
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

  /** Rate limit per client IP, then capacity: both before any expensive work. */
  #admit(clientIp: string): void {
    if (this.#closed) throw new TribuneError('NOT_READY', { reason: 'stage media is closed' });
    const decision = this.#limiter.take(clientIp);
    if (!decision.allowed) {
      const retryAfter = decision.retryAfterSeconds;
      stageMetrics.sessionsRejected.inc({ reason: 'rate' });
      throw new TribuneError('RATE_LIMITED', { retryAfter }, { details: { retryAfter } });
    }
    if (this.#sessions.size + this.#negotiating >= this.#options.maxSessions) {
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
  }

  #forget(sessionId: string): void {
    const entry = this.#sessions.get(sessionId);
    if (!entry) return;
    this.#sessions.delete(sessionId);
    stageMetrics.sessions.dec({ kind: entry.kind });
  }

  #rejected(err: unknown): void {
    const code = err instanceof TribuneError ? err.code : 'INTERNAL';
    const reason = code.startsWith('SDP_') ? 'sdp' : code === 'MEDIA_SESSION_ACTIVE' ? 'active' : code === 'SPACE_NOT_LIVE' ? 'not-live' : 'auth';
    stageMetrics.sessionsRejected.inc({ reason });
  }
}

function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

export function createStageMedia(options: StageMediaOptions): StageMedia {
  return new StageMediaImpl(options);
}
