import { Type, type TSchema } from '@sinclair/typebox';
import { ERROR_CODES } from '../errors/catalogue.js';
import { QUESTION_MAX_LENGTH } from '../domain/questions.js';
import { REACTIONS } from '../domain/types.js';
import { StaffReasonsBody } from './trust-safety-schemas.js';

/** Request and response schemas: fastify validates with them and the OpenAPI document publishes them. */
const strict = { additionalProperties: false } as const;
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });

export const Id = Type.String({ pattern: '^[a-z]{1,3}_[A-Za-z0-9_-]{12}$', maxLength: 16 });
export const SpaceParams = Type.Object({ spaceId: Id }, strict);
/** `GET /state?since=<ETag without quotes>`: a patch from that version (an ETag is base64url). */
export const StateQuery = Type.Object({ since: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })) }, strict);
export const QuestionParams = Type.Object({ spaceId: Id, questionId: Id }, strict);
export const ParticipantParams = Type.Object({ spaceId: Id, participantId: Id }, strict);
export const UserParams = Type.Object({ spaceId: Id, userId: Id }, strict);

export const Handle = Type.String({ pattern: '^[A-Za-z0-9_]{3,30}$', description: '3 to 30 letters, digits or underscores' });
export const Credentials = Type.Object({
  handle: Handle,
  password: Type.String({ minLength: 8, maxLength: 200 }),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
}, strict);
export const LoginBody = Type.Object({ handle: Type.String({ minLength: 1, maxLength: 30 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, strict);

export const UserView = Type.Object({
  id: Type.String(), handle: Type.String(), displayName: Type.String(),
  platformRole: Type.Union([Type.Literal('user'), Type.Literal('moderator'), Type.Literal('admin')]), createdAt: Instant,
});
export const SessionView = Type.Object({ token: Type.String(), user: UserView, expiresAt: Instant });
export const PlatformRoleBody = Type.Object({ role: Type.Union([Type.Literal('user'), Type.Literal('moderator'), Type.Literal('admin')]) }, strict);

export const Language = Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35 });
export const CreateSpaceBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 120 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  language: Type.Optional(Language),
  scheduledStart: Type.Optional(Instant),
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
}, strict);
export const UpdateSpaceBody = Type.Partial(CreateSpaceBody, strict);
export const SpaceStateName = Type.Union([Type.Literal('scheduled'), Type.Literal('live'), Type.Literal('ended'), Type.Literal('cancelled')]);
export const ListSpacesQuery = Type.Object({
  state: Type.Optional(Type.String({ pattern: '^(scheduled|live|ended|cancelled)(,(scheduled|live|ended|cancelled))*$' })),
  mine: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
}, strict);

const Url = Nullable(Type.String());
export const SpaceView = Type.Object({
  id: Type.String(), title: Type.String(), description: Type.String(), language: Type.String(), state: SpaceStateName,
  host: Type.Object({ id: Type.String(), handle: Type.String(), displayName: Type.String() }),
  scheduledStart: Nullable(Instant), timeZone: Nullable(Type.String()),
  createdAt: Instant, startedAt: Nullable(Instant), endedAt: Nullable(Instant),
  limits: Type.Object({ maxOnStage: Type.Integer(), maxCohosts: Type.Integer() }),
  listenPageUrl: Type.String(), hlsUrl: Url, whepUrl: Url, whipUrl: Url, replayUrl: Url,
});
export const SpaceList = Type.Object({ spaces: Type.Array(SpaceView) });
export const ProfileView = Type.Object({
  handle: Type.String(), displayName: Type.String(),
  rssUrl: Type.String({ description: 'the host\'s replays as a podcast (RSS 2.0)' }),
  calendarUrl: Type.String({ description: 'the host\'s Spaces as an iCalendar feed (webcal)' }),
  live: Type.Array(SpaceView), upcoming: Type.Array(SpaceView), replays: Type.Array(SpaceView),
});

export const ParticipantView = Type.Object({
  id: Type.String(), userId: Nullable(Type.String()), displayName: Type.String(),
  role: Type.Union([Type.Literal('host'), Type.Literal('cohost'), Type.Literal('speaker')]),
  muted: Type.Boolean(), joinedAt: Instant,
});
export const StageView = Type.Object({ participants: Type.Array(ParticipantView) });
export const StageTokenBody = Type.Object({ role: Type.Union([Type.Literal('speaker'), Type.Literal('cohost')]) }, strict);
export const StageTokenView = Type.Object({ token: Type.String(), role: Type.String(), expiresAt: Instant, inviteUrl: Type.String() });
export const RedeemBody = Type.Object({ token: Type.String({ minLength: 10, maxLength: 80 }), displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })) }, strict);
export const CheckInviteBody = Type.Object({ token: Type.String({ minLength: 10, maxLength: 80 }) }, strict);
export const InviteCheckView = Type.Object({
  role: Type.Union([Type.Literal('speaker'), Type.Literal('cohost')]), expiresAt: Instant,
  seated: Type.Boolean({ description: 'the invite already holds this holder\'s seat (a reload)' }),
});
export const MuteBody = Type.Object({ muted: Type.Boolean(), reason: Type.Optional(StaffReasonsBody) }, strict);
export const RoleBody = Type.Object({ role: Type.Union([Type.Literal('cohost'), Type.Literal('speaker')]) }, strict);
export const BlockBody = Type.Object({ userId: Type.Optional(Id), participantId: Type.Optional(Id) }, { ...strict, minProperties: 1 });
export const SpeakRequestView = Type.Object({
  id: Type.String(), userId: Type.String(), state: Type.String(), createdAt: Instant, answeredAt: Nullable(Instant),
  user: Nullable(Type.Object({ handle: Type.String(), displayName: Type.String() })),
});
export const SpeakRequestList = Type.Object({ requests: Type.Array(SpeakRequestView) });
export const AnswerRequestBody = Type.Object({ approve: Type.Boolean() }, strict);

export const QuestionStateName = Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('dismissed'), Type.Literal('answered')]);
export const SubmitQuestionBody = Type.Object({
  text: Type.String({ minLength: 1, maxLength: QUESTION_MAX_LENGTH * 4, description: `at most ${QUESTION_MAX_LENGTH} characters` }),
  anonymous: Type.Optional(Type.Boolean()),
}, strict);
export const QuestionActionBody = Type.Object({ action: Type.Union(['approve', 'dismiss', 'highlight', 'answer'].map((s) => Type.Literal(s))), reason: Type.Optional(StaffReasonsBody) }, strict);
export const ListQuestionsQuery = Type.Object({
  state: Type.Optional(Type.String({ pattern: '^(pending|approved|dismissed|answered)(,(pending|approved|dismissed|answered))*$' })),
}, strict);
export const QuestionView = Type.Object({
  id: Type.String(), text: Type.String(), state: QuestionStateName, votes: Type.Integer(), highlighted: Type.Boolean(),
  anonymous: Type.Boolean(), author: Nullable(Type.Object({ handle: Type.String(), displayName: Type.String() })),
  createdAt: Instant, answeredAt: Nullable(Instant),
});
export const QuestionList = Type.Object({ questions: Type.Array(QuestionView) });

export const ReactionBody = Type.Object({ reaction: Type.Union(REACTIONS.map((r) => Type.Literal(r))) }, strict);
export const HeartbeatBody = Type.Object({ listenerToken: Type.String({ minLength: 10, maxLength: 64 }) }, strict);
export const ListenerTokenView = Type.Object({ listenerToken: Type.String(), heartbeatSeconds: Type.Integer() });

export const SpaceStateView = Type.Object({
  id: Type.String(), state: SpaceStateName, title: Type.String(), language: Type.String(),
  scheduledStart: Nullable(Instant), timeZone: Nullable(Type.String()), startedAt: Nullable(Instant), endedAt: Nullable(Instant),
  stage: Type.Array(Type.Object({
    participantId: Type.String(), displayName: Type.String(), role: Type.String(), muted: Type.Boolean(),
    speaking: Type.Boolean(), level: Type.Number(),
  })),
  listeners: Type.Object({ count: Type.Integer(), peak: Type.Integer(), total: Type.Integer({ description: 'distinct listeners since the start' }) }),
  reactions: Type.Object({ totals: Type.Record(Type.String(), Type.Integer()), perSecond: Type.Record(Type.String(), Type.Number()) }),
  questions: Type.Object({ highlighted: Nullable(QuestionView), top: Type.Array(QuestionView), approved: Type.Integer(), answered: Type.Integer() }),
  media: Type.Object({
    hlsUrl: Url, whepUrl: Url, replayUrl: Url,
    hlsDelivery: Type.Union([Type.Literal('parts'), Type.Literal('segment-streams')], { description: 'how the player fetches LL-HLS (docs/edge.md)' }),
  }),
  defence: Type.Object({
    underAttack: Type.Boolean({ description: 'anonymous writes and logins carry a proof of work (docs/security.md)' }),
    shedding: Type.Boolean({ description: 'the origin refuses some writes to keep the audience and the stage going' }),
    waitingRoom: Type.Boolean({ description: 'the waiting room lets newcomers ask, register and listen over WebRTC turn by turn (docs/security.md)' }),
  }),
  generatedAt: Instant,
});
export const ClipView = Type.Object({
  id: Type.String(), spaceId: Type.String(), url: Type.String({ description: 'the clip\'s page' }),
  downloadUrl: Type.String({ description: 'the audio file (audio/mp4)' }), durationMs: Type.Integer(), fromMs: Type.Integer(),
});
export const ListenerHistory = Type.Object({ peak: Type.Integer(), minutes: Type.Array(Type.Object({ minute: Instant, count: Type.Integer() })) });

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.Union(ERROR_CODES.map((c) => Type.Literal(c))),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
}, { $id: 'Error' });

