import type { SeatAudioTaps, SeatMediaState, SpeakerLevels, StageAuthority, StageMediaControl } from '../media/types.js';
import type { SessionState } from '../media/session-state.js';
import type { TypedEmitter } from './typed-emitter.js';

export interface SeatStateEvent {
  readonly spaceId: string;
  readonly participantId: string;
  readonly state: SeatMediaState;
}

export type StageMediaEvents = {
  levels: SpeakerLevels;
  'seat-state': SeatStateEvent;
  /** A fault caught inside the media plane (a throwing sink, a decoder error); for logs. */
  error: unknown;
};

export interface SessionRequest {
  /** The SDP offer (body of the POST). */
  readonly offer: string;
  /** The bearer token from `Authorization: Bearer`, if any. */
  readonly bearer: string | undefined;
  /** Client address, for the per-IP creation limit. */
  readonly clientIp: string;
}

export interface SessionAnswer {
  readonly sessionId: string;
  readonly answer: string;
}

export interface StageMediaStats {
  readonly udpPort: number;
  readonly spaces: number;
  readonly sessions: { readonly whip: number; readonly whep: number };
  readonly seats: number;
  readonly listeners: number;
  readonly packetsSent: number;
  readonly bySpace: Readonly<Record<string, { seats: number; publishing: number; listeners: number; mixMinusStreams: number; packetsSent: number }>>;
}

export interface StageMedia extends StageMediaControl, SeatAudioTaps {
  readonly events: TypedEmitter<StageMediaEvents>;
  /** The UDP port all sessions share. */
  readonly udpPort: number;
  /** STUN/TURN URLs for `Link: rel="ice-server"`. */
  readonly iceServers: readonly string[];
  /** WHIP: authorize with `authority`, negotiate, and put the seat in the mix. */
  publish(spaceId: string, request: SessionRequest, authority: StageAuthority): Promise<SessionAnswer>;
  /** WHEP: the program, or the seat's mix-minus when the bearer is a stage seat. */
  listen(spaceId: string, request: SessionRequest, authority: StageAuthority): Promise<SessionAnswer>;
  /** DELETE of a WHIP/WHEP resource; MEDIA_SESSION_NOT_FOUND if unknown. */
  endSession(spaceId: string, kind: 'whip' | 'whep', sessionId: string): void;
  /**
   * Whether this origin still holds the WHIP/WHEP session (what a client probes to notice a lost
   * origin), and whether the Space's media is moving to another origin: then the client opens its
   * next session before this one closes.
   */
  sessionState(spaceId: string, kind: 'whip' | 'whep', sessionId: string): SessionState;
  /** The Space's media moves to another origin: its sessions are told so when they probe, and go on until closeSpace. */
  moveOut(spaceId: string): void;
  /** Per-seat gain (1 = unity, clamped to [0, 4]). */
  setGain(spaceId: string, participantId: string, gain: number): void;
  stats(): StageMediaStats;
  close(): Promise<void>;
}
