/** The API's JSON, as the pages read it (src/control/schemas.ts is the source of truth). */
export type SpaceStateName = 'scheduled' | 'live' | 'ended' | 'cancelled';
export type StageRole = 'host' | 'cohost' | 'speaker';

export interface User { id: string; handle: string; displayName: string; platformRole: 'user' | 'moderator' | 'admin' }
export interface SessionView { token: string; user: User; expiresAt: string }

export interface Space {
  id: string; title: string; description: string; language: string; state: SpaceStateName;
  host: { id: string; handle: string; displayName: string };
  scheduledStart: string | null; timeZone: string | null;
  createdAt: string; startedAt: string | null; endedAt: string | null;
  listenPageUrl: string; hlsUrl: string | null; whepUrl: string | null; whipUrl: string | null; replayUrl: string | null;
}

export interface Participant { id: string; userId: string | null; displayName: string; role: StageRole; muted: boolean; joinedAt: string }

export interface Question {
  id: string; text: string; state: 'pending' | 'approved' | 'dismissed' | 'answered'; votes: number; highlighted: boolean;
  anonymous: boolean; author: { handle: string; displayName: string } | null; createdAt: string; answeredAt: string | null;
}

export interface StageEntry { participantId: string; displayName: string; role: string; muted: boolean; speaking: boolean; level: number }

export interface SpaceState {
  id: string; state: SpaceStateName; title: string; language: string;
  scheduledStart: string | null; timeZone: string | null; startedAt: string | null; endedAt: string | null;
  stage: StageEntry[];
  listeners: { count: number; peak: number };
  reactions: { totals: Record<string, number>; perSecond: Record<string, number> };
  questions: { highlighted: Question | null; top: Question[]; approved: number; answered: number };
  media: { hlsUrl: string | null; whepUrl: string | null; replayUrl: string | null };
  generatedAt: string;
}

export interface SpeakRequest { id: string; userId: string; state: string; createdAt: string; user: { handle: string; displayName: string } | null }
export interface StageToken { token: string; role: string; expiresAt: string; inviteUrl: string }

export const REACTIONS = ['clap', 'heart', 'laugh', 'fire', 'thumbsup', 'thinking', 'hundred'] as const;
export type Reaction = (typeof REACTIONS)[number];
