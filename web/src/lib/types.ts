import type { Static } from '@sinclair/typebox';
import type {
  ClipView, InviteCheckView, ParticipantView, ProfileView, QuestionView, SessionView as SessionSchema, SpaceStateView, SpaceView,
  SpeakRequestView, StageTokenView, UserView,
} from '../../../src/control/schemas.js';
import type { LiveMessage } from '../../../src/control/live-messages.js';
import type { Reaction as DomainReaction } from '../../../src/domain/types.js';

/**
 * The API's JSON, as the pages read it: derived from the server's own schemas (the ones fastify
 * validates with and the OpenAPI document publishes), so a change on the server breaks this build,
 * not a page in production. Type-only imports: nothing of the server reaches the bundle.
 */
export type User = Static<typeof UserView>;
export type SessionView = Static<typeof SessionSchema>;
export type Space = Static<typeof SpaceView>;
export type SpaceStateName = Space['state'];
export type Participant = Static<typeof ParticipantView>;
export type StageRole = Participant['role'];
export type Question = Static<typeof QuestionView>;
export type SpaceState = Static<typeof SpaceStateView>;
export type StageEntry = SpaceState['stage'][number];
export type SpeakRequest = Static<typeof SpeakRequestView>;
export type StageToken = Static<typeof StageTokenView>;
export type InviteCheck = Static<typeof InviteCheckView>;
export type Profile = Static<typeof ProfileView>;
export type Clip = Static<typeof ClipView>;
export type LiveEvent = LiveMessage;
export type Reaction = DomainReaction;

/** The order of the reaction buttons; `satisfies` keeps it to the server's set. */
export const REACTIONS = ['clap', 'heart', 'laugh', 'fire', 'thumbsup', 'thinking', 'hundred'] as const satisfies readonly Reaction[];
