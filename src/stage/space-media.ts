import type { ListenGrant, ProgramFeed, ProgramSink, SeatAudioTap, SeatMediaState, SpeakerLevels, StageSeat } from '../media/types.js';
import { PROGRAM_FORMAT } from '../media/types.js';
import { TribuneError } from '../errors/catalogue.js';
import { FrameClock } from './frame-clock.js';
import { Mixer, type MixerInput } from './mixer.js';
import { FanoutStream } from './whep-fanout.js';
import type { WhipSession } from './whip-session.js';
import type { WhepSession } from './whep-session.js';

export interface SpaceMediaHooks {
  seatState(participantId: string, state: SeatMediaState): void;
  levels(levels: SpeakerLevels): void;
  error(err: unknown): void;
  /** A session of this Space ended or was closed: forget it in the registry. */
  sessionGone(sessionId: string): void;
}

interface SeatSlot {
  readonly participantId: string;
  readonly input: MixerInput;
  session: WhipSession | undefined;
  /** A publish is being negotiated for this seat (between authorize and answer). */
  pending: boolean;
  graceTimer: NodeJS.Timeout | undefined;
}

export interface SpaceMediaOptions {
  readonly opusBitrate: number;
  readonly reconnectGraceMs: number;
  readonly levelIntervalMs: number;
}

/**
 * The live media of one Space: its mixer and clock, the seats in the mix (publishing or within
 * their reconnect grace), and the WHEP fan-out streams. Closing it closes every session.
 */
export class SpaceMedia {
  readonly spaceId: string;
  readonly #sink: ProgramSink;
  readonly #hooks: SpaceMediaHooks;
  readonly #options: SpaceMediaOptions;
  readonly #mixer: Mixer;
  readonly #clock: FrameClock;
  readonly #slots = new Map<string, SeatSlot>();
  readonly #mutes = new Map<string, boolean>();
  readonly #program = new FanoutStream('program');
  readonly #mixMinus = new Map<string, { stream: FanoutStream; unsubscribe: () => void }>();
  readonly #levelEvery: number;
  #closed = false;
  /** Its media moves to another origin; publishers that have moved are kept in the mix until the close. */
  #movingOut = false;
  readonly #moved = new Set<WhipSession>();

  constructor(spaceId: string, sink: ProgramSink, heard: ProgramFeed | undefined, options: SpaceMediaOptions, hooks: SpaceMediaHooks) {
    this.spaceId = spaceId;
    this.#sink = sink;
    this.#hooks = hooks;
    this.#options = options;
    this.#levelEvery = Math.ceil(options.levelIntervalMs / PROGRAM_FORMAT.frameMs);
    this.#mixer = new Mixer(options.opusBitrate, hooks.error);
    this.#mixer.subscribeProgram((frame) => this.#sink.push(frame));
    if (heard) heard((frame) => this.#program.push(frame));
    else this.#mixer.subscribeProgram((frame) => this.#program.push(frame));
    this.#clock = new FrameClock((frame, wallClock) => this.#tick(frame, wallClock));
  }

  get closed(): boolean {
    return this.#closed;
  }

  get mixer(): Mixer {
    return this.#mixer;
  }

  stats(): { seats: number; publishing: number; listeners: number; mixMinusStreams: number; packetsSent: number } {
    let listeners = this.#program.size;
    let packetsSent = this.#program.packetsSent;
    for (const { stream } of this.#mixMinus.values()) {
      listeners += stream.size;
      packetsSent += stream.packetsSent;
    }
    const publishing = [...this.#slots.values()].filter((s) => s.session && !s.session.closed && !this.#moved.has(s.session)).length;
    return { seats: this.#slots.size, publishing, listeners, mixMinusStreams: this.#mixMinus.size, packetsSent };
  }

  /** Reserves the seat for a new publish; MEDIA_SESSION_ACTIVE if it is publishing already. */
  reservePublisher(seat: StageSeat): void {
    this.#assertOpen();
    const slot = this.#slots.get(seat.participantId);
    if (slot && (slot.pending || (slot.session && !slot.session.closed))) throw new TribuneError('MEDIA_SESSION_ACTIVE');
    if (slot) {
      slot.pending = true;
      return;
    }
    const muted = this.#mutes.get(seat.participantId) ?? seat.muted;
    const input = this.#mixer.addInput(seat.participantId, muted);
    this.#slots.set(seat.participantId, { participantId: seat.participantId, input, session: undefined, pending: true, graceTimer: undefined });
  }

  /** The negotiation failed: give the seat back (a fresh seat leaves the mix again). */
  releasePublisher(participantId: string): void {
    const slot = this.#slots.get(participantId);
    if (!slot) return;
    slot.pending = false;
    if (!slot.session && !slot.graceTimer) this.#dropSlot(slot, false);
  }

  attachPublisher(participantId: string, session: WhipSession): void {
    const slot = this.#slots.get(participantId);
    if (!slot || this.#closed) {
      session.close();
      throw new TribuneError('SPACE_NOT_LIVE');
    }
    slot.pending = false;
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    slot.graceTimer = undefined;
    // Same slot, new stream: the old jitter buffer and decoder state belong to the old session.
    slot.input.path.reset();
    slot.session = session;
  }

  /** Entry point of the publisher's packets (bound by the WhipSession handlers). */
  inputFor(participantId: string): MixerInput | undefined {
    return this.#slots.get(participantId)?.input;
  }

  publisherConnected(participantId: string): void {
    this.#hooks.seatState(participantId, 'connected');
  }

  /** The network vanished: keep the slot for the grace period, then drop it. */
  publisherLost(participantId: string, session: WhipSession): void {
    const slot = this.#slots.get(participantId);
    this.#hooks.sessionGone(session.id);
    if (!slot || slot.session !== session || this.#closed) return;
    slot.session = undefined;
    this.#hooks.seatState(participantId, 'reconnecting');
    slot.graceTimer = setTimeout(() => {
      slot.graceTimer = undefined;
      if (!slot.session && !slot.pending) this.#dropSlot(slot, true);
    }, this.#options.reconnectGraceMs);
    slot.graceTimer.unref();
  }

  get movingOut(): boolean {
    return this.#movingOut;
  }

  /**
   * The Space's media moves to another origin: from now on a publisher's DELETE says it publishes
   * there too. Its voice stays in this mix (its client sends to both) until the close, so that the
   * programme has it up to this origin's last frame and the next origin's from the frame after.
   */
  moveOut(): void {
    this.#movingOut = true;
  }

  /** DELETE of the WHIP resource: a deliberate stop, no grace (moving out: the publisher moved). */
  unpublish(session: WhipSession): void {
    if (this.#movingOut && !this.#closed) {
      this.#moved.add(session);
      this.#hooks.sessionGone(session.id);
      return;
    }
    const slot = this.#slots.get(session.participantId);
    session.close();
    this.#hooks.sessionGone(session.id);
    if (slot && slot.session === session) this.#dropSlot(slot, true);
  }

  /** The FanoutStream a listener should join, and its mix. */
  streamFor(grant: ListenGrant): FanoutStream {
    this.#assertOpen();
    if (grant.kind === 'program') return this.#program;
    const participantId = grant.seat.participantId;
    let entry = this.#mixMinus.get(participantId);
    if (!entry) {
      const stream = new FanoutStream(`mix-minus-${participantId}`);
      const unsubscribe = this.#mixer.subscribeMixMinus(participantId, (frame) => stream.push(frame));
      this.#mixMinus.set(participantId, (entry = { stream, unsubscribe }));
    }
    return entry.stream;
  }

  addListener(session: WhepSession, stream: FanoutStream): void {
    stream.add(session);
    session.onEnded(() => this.removeListener(session));
  }

  removeListener(session: WhepSession): void {
    session.close();
    this.#hooks.sessionGone(session.id);
    if (session.grant.kind === 'program') {
      this.#program.delete(session);
      return;
    }
    const participantId = session.grant.seat.participantId;
    const entry = this.#mixMinus.get(participantId);
    if (!entry) return;
    entry.stream.delete(session);
    // Stop encoding a mix-minus nobody hears.
    if (entry.stream.size === 0) {
      entry.unsubscribe();
      this.#mixMinus.delete(participantId);
    }
  }

  /** Per-seat audio for captions; returns the function that removes it. */
  tapSeats(tap: SeatAudioTap): () => void {
    this.#mixer.setTap(tap);
    return () => this.#mixer.setTap(undefined);
  }

  setMuted(participantId: string, muted: boolean): void {
    this.#mutes.set(participantId, muted);
    this.#mixer.setMuted(participantId, muted);
  }

  setGain(participantId: string, gain: number): void {
    this.#mixer.setGain(participantId, gain);
  }

  /** Removed or blocked: the seat's publishing session and its mix-minus listeners, now. */
  removeSeat(participantId: string): void {
    const slot = this.#slots.get(participantId);
    if (slot) this.#dropSlot(slot, true);
    const entry = this.#mixMinus.get(participantId);
    if (entry) for (const session of [...entry.stream.listeners]) this.removeListener(session);
    this.#mutes.delete(participantId);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clock.close();
    // Moving out, the seats are not disconnected: they are on the next origin already.
    for (const slot of [...this.#slots.values()]) this.#dropSlot(slot, !this.#movingOut);
    this.#moved.clear();
    for (const session of [...this.#program.listeners]) this.removeListener(session);
    for (const { stream } of [...this.#mixMinus.values()]) {
      for (const session of [...stream.listeners]) this.removeListener(session);
    }
    try {
      this.#sink.end();
    } catch (err) {
      this.#hooks.error(err);
    }
  }

  #dropSlot(slot: SeatSlot, announce: boolean): void {
    if (slot.graceTimer) clearTimeout(slot.graceTimer);
    slot.graceTimer = undefined;
    const hadSession = slot.session !== undefined;
    if (slot.session) {
      slot.session.close();
      this.#hooks.sessionGone(slot.session.id);
      slot.session = undefined;
    }
    this.#slots.delete(slot.participantId);
    this.#mixer.removeInput(slot.participantId);
    if (announce && (hadSession || !slot.pending)) this.#hooks.seatState(slot.participantId, 'disconnected');
  }

  #tick(frameIndex: number, wallClock: number): void {
    try {
      this.#mixer.tick(frameIndex * PROGRAM_FORMAT.frameSamples, wallClock);
      if (frameIndex % this.#levelEvery === 0 && this.#mixer.inputs.size > 0) {
        this.#hooks.levels({ spaceId: this.spaceId, levels: this.#mixer.takeLevels() });
      }
    } catch (err) {
      this.#hooks.error(err);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new TribuneError('SPACE_NOT_LIVE');
  }
}
