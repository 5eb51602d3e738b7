/**
 * Contracts between the planes. Data flows one way: stage -> program -> audience. Control decides who
 * may be on the stage and tells the stage (StageMediaControl); the stage asks control to authorize a
 * WHIP/WHEP request (StageAuthority) but never changes control state itself.
 */

/** The program's format: what the mixer encodes and the packager muxes. */
export const PROGRAM_FORMAT = Object.freeze({
  sampleRate: 48_000,
  channels: 1,
  /** 20 ms at 48 kHz. */
  frameSamples: 960,
  frameMs: 20,
});

/** One 20 ms Opus packet of a mixed output. */
export interface EncodedFrame {
  /** A single Opus packet (RFC 6716), 20 ms, PROGRAM_FORMAT. */
  readonly opus: Buffer;
  /** Position of the first sample, in 48 kHz samples since the program began; +960 per frame, gaps allowed. */
  readonly pts: number;
  /** Wall clock (ms since the epoch) at which this frame's audio was mixed; feeds PROGRAM-DATE-TIME and latency figures. */
  readonly wallClock: number;
}

/** Where a Space's program goes (the audience plane's packager, WHEP fan-out, a test). */
export interface ProgramSink {
  push(frame: EncodedFrame): void;
  /** The Space ended: finish the current segment, write the end of the recording. */
  end(): void;
}

/** The audience plane, as the composition root sees it. */
export interface ProgramConsumer {
  /** A Space went live on this origin (or this origin restarted while it was live). */
  begin(spaceId: string): ProgramSink;
}

export type StageRole = 'host' | 'cohost' | 'speaker';

/** A seat on the stage: what a WHIP session publishes as. */
export interface StageSeat {
  readonly spaceId: string;
  readonly participantId: string;
  readonly displayName: string;
  readonly role: StageRole;
  readonly muted: boolean;
}

export type ListenGrant =
  | { readonly kind: 'program' }
  | { readonly kind: 'mix-minus'; readonly seat: StageSeat };

/** Implemented by control: turns a bearer into a right to publish or listen. Throws TribuneError. */
export interface StageAuthority {
  authorizePublish(spaceId: string, bearer: string | undefined): Promise<StageSeat>;
  authorizeListen(spaceId: string, bearer: string | undefined): Promise<ListenGrant>;
}

/** Implemented by the stage plane: control tells it what happened on the stage. */
/** Registers the one listener of a stream of programme frames. */
export type ProgramFeed = (listener: (frame: EncodedFrame) => void) => void;

export interface StageMediaControl {
  /**
   * The Space went live: start its mixer clock and feed `sink`. With `heard`, the WHEP listeners of
   * the programme get what `heard` delivers instead of the mixer's own output (a promoted standby:
   * the timeline it carries on, relayed frames then its mix).
   */
  openSpace(spaceId: string, sink: ProgramSink, heard?: ProgramFeed): void;
  /** The Space ended: close every session, flush, call sink.end(). Idempotent. */
  closeSpace(spaceId: string): Promise<void>;
  /** Takes a seat out of the mix (or back in) within one frame. */
  setMuted(spaceId: string, participantId: string, muted: boolean): void;
  /** Removed or blocked: close the seat's sessions now. */
  removeSeat(spaceId: string, participantId: string): void;
}

/** Emitted by the stage plane for the stage channel (speaking indicators), at most 4 Hz per Space. */
export interface SpeakerLevels {
  readonly spaceId: string;
  /** participantId -> level in [0, 1] (RMS, perceptual scale) and whether they are speaking. */
  readonly levels: Readonly<Record<string, { level: number; speaking: boolean }>>;
}

export type SeatMediaState = 'connected' | 'reconnecting' | 'disconnected';

/**
 * Per-seat audio for captions: the mixer calls `frame` during its tick with each seat's decoded,
 * mute-aware contribution (a muted or silent seat gets no call), then `tickEnd`. Both run on the
 * mixer's clock: an implementation copies what it needs and returns at once.
 */
export interface SeatAudioTap {
  /** 20 ms of PROGRAM_FORMAT float audio; the array is reused after the call returns. */
  frame(participantId: string, pcm: Float32Array, wallClock: number): void;
  tickEnd(wallClock: number): void;
}

/** Implemented by the stage plane. Returns the function that removes the tap. */
export interface SeatAudioTaps {
  tapSeats(spaceId: string, tap: SeatAudioTap): () => void;
}

export interface CaptionWord {
  readonly word: string;
  /** Wall clock, ms since the epoch (the same clock as EncodedFrame.wallClock). */
  readonly start: number;
  readonly end: number;
}

/** One final line of captions: what one speaker said in one utterance. */
export interface CaptionCue {
  readonly speakerId: string;
  readonly speaker: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly words: readonly CaptionWord[];
}

/** Where a Space's captions go (the audience plane's subtitles rendition, a test). */
export interface CaptionSink {
  push(cue: CaptionCue): void;
}
