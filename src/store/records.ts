export type { Invite, Participant, PlatformRole, Question, Space, SpeakRequest, User } from '../domain/types.js';
export type { ReactionCounts } from '../domain/reaction-tally.js';
