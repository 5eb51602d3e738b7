/** The domain's records. Plain data: no behaviour, no I/O. Instants are ISO-8601 strings in UTC. */

export type PlatformRole = 'user' | 'moderator' | 'admin';

export interface User {
  readonly id: string;
  readonly handle: string;
  readonly displayName: string;
  readonly platformRole: PlatformRole;
  readonly createdAt: string;
}

export type SpaceState = 'scheduled' | 'live' | 'ended' | 'cancelled';

export interface Space {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** BCP 47 tag of the conversation's language, e.g. "fr" or "en-GB". */
  readonly language: string;
  readonly hostId: string;
  readonly state: SpaceState;
  /** The planned start as an instant, with the host's IANA time zone for display. */
  readonly scheduledStart: string | null;
  readonly timeZone: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly maxOnStage: number;
  readonly maxCohosts: number;
}

export type StageRole = 'host' | 'cohost' | 'speaker';

/** A seat on the stage. Seats outlive a dropped connection; `leftAt` closes them. */
export interface Participant {
  readonly id: string;
  readonly spaceId: string;
  /** null for a guest who joined from an invite link without an account. */
  readonly userId: string | null;
  readonly displayName: string;
  readonly role: StageRole;
  readonly muted: boolean;
  readonly joinedAt: string;
  readonly leftAt: string | null;
}

export interface Invite {
  readonly tokenHash: string;
  readonly spaceId: string;
  readonly role: 'speaker' | 'cohost';
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** Set when redeemed: the seat the invite became. */
  readonly participantId: string | null;
  readonly revokedAt: string | null;
}

export type SpeakRequestState = 'pending' | 'approved' | 'denied' | 'withdrawn';

export interface SpeakRequest {
  readonly id: string;
  readonly spaceId: string;
  readonly userId: string;
  readonly state: SpeakRequestState;
  readonly createdAt: string;
  readonly answeredAt: string | null;
}

export type QuestionState = 'pending' | 'approved' | 'dismissed' | 'answered';

export interface Question {
  readonly id: string;
  readonly spaceId: string;
  readonly authorId: string;
  readonly text: string;
  readonly anonymous: boolean;
  readonly state: QuestionState;
  readonly votes: number;
  readonly highlighted: boolean;
  readonly createdAt: string;
  readonly answeredAt: string | null;
}

export const REACTIONS = ['clap', 'heart', 'laugh', 'fire', 'thumbsup', 'thinking', 'hundred'] as const;
export type Reaction = (typeof REACTIONS)[number];
