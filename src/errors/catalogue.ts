/**
 * The one error catalogue. Every error a client can see has a stable code here, with its HTTP status,
 * a message template ({name} placeholders) and a sentence for docs/errors.md. Clients and tests match
 * on `code`, never on message text.
 */
export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
  /** What it means and what the client should do; rendered into docs/errors.md. */
  readonly doc: string;
}

export const ERRORS = {
  // Requests in general
  VALIDATION_FAILED: { status: 400, message: 'Invalid request: {detail}', doc: 'The body, query or path does not match the published schema (unknown field, wrong type, out of range). Fix the request; do not retry it as is.' },
  MALFORMED_URL: { status: 400, message: 'The URL is not valid (a malformed percent-encoding?)', doc: 'The path could not be decoded, e.g. `%ZZ`. Fix the URL.' },
  MALFORMED_JSON: { status: 400, message: 'The body is not valid JSON', doc: 'The body could not be parsed as JSON.' },
  BODY_TOO_LARGE: { status: 413, message: 'The body is larger than {limit} bytes', doc: 'Request bodies are limited in size; SDP offers and JSON bodies alike.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content-Type {type} is not accepted here; send {expected}', doc: 'JSON endpoints take application/json; WHIP and WHEP take application/sdp.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No route for {method} {url}', doc: 'The path does not exist in this API version.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry in {retryAfter} s', doc: 'A per-client or per-account limit was reached. The Retry-After header says when to try again.' },
  OVERLOADED: { status: 503, message: 'The server is busy ({work}); retry in {retryAfter} s', doc: 'Expensive work (password hashing, new media sessions) is bounded so that listeners and the stage never wait for it; this request was shed. Retry after the Retry-After header, or use another origin.' },
  POW_REQUIRED: { status: 428, message: 'Under attack: prove {difficulty} bits of work and retry', doc: 'Under-attack mode: anonymous writes, logins, registrations and listener tokens carry `X-Tribune-PoW: <challenge>:<nonce>` where SHA-256 of `<challenge>:<nonce>` starts with `difficulty` zero bits. `details` holds a fresh challenge; the web app solves it in a worker and retries.' },
  WAITING_ROOM: { status: 503, message: 'The waiting room is full: you are number {position} in line, about {estimatedWaitSeconds} s to wait', doc: 'The waiting room in front of the interactive routes (WHEP listening, registering, asking, voting, asking to speak) holds this request: `details` carry `ticket`, `position` (1: next), `estimatedWaitSeconds` and `retryAfter`; the ticket is also in the `X-Tribune-Ticket` header. Send the same request again after `Retry-After` (about 20 s) with `X-Tribune-Ticket: <ticket>`; once admitted, the response carries a pass in `X-Tribune-Ticket` to send with later interactive requests. LL-HLS listening never waits: keep playing meanwhile.' },
  ROOM_TICKET_INVALID: { status: 400, message: 'The waiting-room ticket is malformed or forged', doc: 'The `X-Tribune-Ticket` header is not a ticket this deployment signed. Send the request without it to queue afresh.' },
  ROOM_TICKET_EXPIRED: { status: 400, message: 'The waiting-room {kind} has expired', doc: 'A ticket not renewed within its lifetime (the holder stopped checking in), or a pass whose session lapsed. Send the request without the header to queue afresh.' },
  ROOM_TICKET_OTHER_SPACE: { status: 400, message: 'This waiting-room ticket was issued in another Space', doc: 'Tickets and passes are bound to the Space they were issued in; registering takes any, and those it hands out are good in every Space. Send the request without the header, or with the ticket of this Space.' },
  NOT_READY: { status: 503, message: 'The server is not ready: {reason}', doc: 'Starting up or shutting down; try again shortly (or another origin).' },
  INTERNAL: { status: 500, message: 'Internal error', doc: 'A fault in the server. It is logged with the request id; report it if it persists.' },

  // Accounts and authorization
  AUTH_REQUIRED: { status: 401, message: 'Authentication required', doc: 'Log in (session cookie) or send `Authorization: Bearer <token>`.' },
  INVALID_CREDENTIALS: { status: 401, message: 'Unknown handle or wrong password', doc: 'Login failed. The message does not say which part was wrong, on purpose.' },
  HANDLE_TAKEN: { status: 409, message: 'The handle {handle} is taken', doc: 'Pick another handle.' },
  USER_NOT_FOUND: { status: 404, message: 'User {userId} not found', doc: 'No account has this id.' },
  ORIGIN_NOT_ALLOWED: { status: 403, message: 'Pages from {origin} may not open this channel', doc: 'The stage WebSocket accepts browser connections from Tribune\'s own pages only (the Origin header), so another site cannot use a logged-in visitor\'s cookie.' },
  FORBIDDEN: { status: 403, message: 'A {role} may not {action}', doc: 'The permission table does not allow this role to perform this action.' },

  // Spaces
  SPACE_NOT_FOUND: { status: 404, message: 'Space {spaceId} not found', doc: 'No Space has this id (or it was deleted).' },
  SPACE_STATE_CONFLICT: { status: 409, message: 'The Space is {state}; cannot {action}', doc: 'The action does not apply in the Space\'s current state (e.g. starting an ended Space).' },
  INVALID_TIME_ZONE: { status: 400, message: 'Unknown IANA time zone {timeZone}', doc: 'timeZone must be an IANA name such as Europe/Paris.' },

  // Stage
  STAGE_FULL: { status: 409, message: 'The stage is full ({max} people)', doc: 'The stage holds at most the configured number of people, host and co-hosts included.' },
  COHOSTS_FULL: { status: 409, message: 'The Space already has {max} co-hosts', doc: 'The number of co-hosts is capped by configuration.' },
  PARTICIPANT_NOT_FOUND: { status: 404, message: 'Participant {participantId} is not on this stage', doc: 'The participant id is unknown or has left the stage.' },
  BLOCKED_FROM_SPACE: { status: 403, message: 'You are blocked from this Space', doc: 'The host or a moderator blocked this account from the Space.' },
  STAGE_TOKEN_INVALID: { status: 401, message: 'The stage token is invalid, expired or revoked', doc: 'Ask the host for a new invite.' },
  STAGE_TOKEN_USED: { status: 409, message: 'This invite was already used by someone else', doc: 'Invite links are single-use.' },
  ALREADY_ON_STAGE: { status: 409, message: 'Already on the stage', doc: 'The account already holds a stage seat in this Space.' },
  SPEAK_REQUEST_NOT_FOUND: { status: 404, message: 'No pending request to speak from {userId}', doc: 'The request was already answered or withdrawn.' },
  SPEAK_REQUEST_PENDING: { status: 409, message: 'A request to speak is already pending', doc: 'Wait for the host to answer.' },
  SELF_UNMUTE_ONLY: { status: 403, message: 'Only the speaker can unmute themself', doc: 'Hosts can mute anyone on stage; unmuting is the speaker\'s own choice.' },
  HOST_CANNOT_LEAVE: { status: 403, message: 'The host cannot leave the stage; end the Space instead', doc: 'A Space always has its host on stage while live.' },

  // Stage media (WHIP / WHEP)
  SDP_INVALID: { status: 400, message: 'The SDP offer is malformed: {detail}', doc: 'The body is not a usable SDP offer.' },
  SDP_NO_AUDIO: { status: 400, message: 'The SDP offer has no audio section', doc: 'Tribune carries audio only; offer one audio m-line.' },
  SDP_NO_OPUS: { status: 415, message: 'The SDP offer does not offer Opus', doc: 'Opus at 48 kHz is the only codec accepted.' },
  MEDIA_SESSION_NOT_FOUND: { status: 404, message: 'Media session {sessionId} not found', doc: 'The WHIP/WHEP session was closed or never existed.' },
  MEDIA_SESSION_ACTIVE: { status: 409, message: 'This stage seat is already publishing', doc: 'One publishing session per seat. DELETE the old session first, or wait for it to time out.' },
  SPACE_NOT_LIVE: { status: 409, message: 'The Space is not live', doc: 'Media endpoints work only while the Space is live.' },
  MEDIA_CAPACITY: { status: 503, message: 'This origin is at its media capacity', doc: 'Too many WebRTC sessions on this origin; use LL-HLS or another origin.' },
  ICE_RESTART_UNSUPPORTED: { status: 405, message: 'ICE restarts and trickle are not supported; start a new session', doc: 'PATCH on a WHIP/WHEP session is not implemented; DELETE it and POST again.' },

  // Audience media (LL-HLS, replay)
  PLAYLIST_NOT_READY: { status: 404, message: 'No media yet for Space {spaceId}', doc: 'The Space has not gone live yet, or its first part is still being produced.' },
  MEDIA_NOT_FOUND: { status: 404, message: 'No such segment or part', doc: 'The segment or part does not exist (yet, or any more).' },
  MEDIA_MOVED: { status: 307, message: 'The Space\'s stream moved to another origin while this request waited', doc: 'Cluster mode: the origin holding a blocking playlist reload or a preload-hinted part handed the Space over. The answer redirects to the same URL, which now reaches the origin running the Space.' },
  BLOCKING_REQUEST_TOO_FAR: { status: 400, message: 'The requested media sequence {msn} is too far in the future', doc: 'RFC 8216bis: a blocking reload more than two segments ahead is refused.' },
  REPLAY_NOT_AVAILABLE: { status: 404, message: 'No replay for Space {spaceId}', doc: 'The Space has not ended, had no audio, or its recording expired or was deleted.' },

  // Audience interaction
  QUESTION_NOT_FOUND: { status: 404, message: 'Question {questionId} not found', doc: 'No such question in this Space.' },
  QUESTION_STATE_CONFLICT: { status: 409, message: 'The question is {state}; cannot {action}', doc: 'Questions move pending -> approved | dismissed, approved -> answered.' },
  ALREADY_VOTED: { status: 409, message: 'You already upvoted this question', doc: 'One upvote per account per question.' },
  LISTENER_TOKEN_INVALID: { status: 400, message: 'The listener token is invalid or expired', doc: 'Fetch a new one from the listener-token endpoint.' },

  // Trust & safety (DSA notice and action, appeals, context notes)
  NOTICE_INCOMPLETE: { status: 400, message: 'The notice lacks {missing}', doc: 'DSA Art. 16(2): a notice needs a substantiated explanation, the exact location (for audio, the moment), the notifier\'s name and e-mail (unless the category is exempt) and a good-faith statement. `details.missing` lists what lacks.' },
  NOTICE_TARGET_NOT_FOUND: { status: 404, message: 'There is no {targetType} {targetId} to report', doc: 'The reported Space, question, speaker, recording or note does not exist.' },
  NOTICE_NOT_FOUND: { status: 404, message: 'Notice {noticeId} not found', doc: 'No notice has this id.' },
  NOTIFIER_SUSPENDED: { status: 403, message: 'Notices from this account are not processed until {until}', doc: 'DSA Art. 23(2): after a warning, notices from accounts that frequently send manifestly unfounded ones are not processed for a while.' },
  DECISION_NOT_FOUND: { status: 404, message: 'Decision {decisionId} not found', doc: 'No decision has this id.' },
  DECISION_NOT_APPLICABLE: { status: 409, message: 'A {action} decision does not apply to a {targetType}', doc: 'Each kind of target takes its own restrictions (a replay is disabled, a question dismissed, an account suspended).' },
  NOTICES_ALREADY_DECIDED: { status: 409, message: 'Another decision answered the notices on this {targetType} first', doc: 'Each notice gets one decision: another moderator decided on the same target at the same moment, and that decision was recorded. Reload the queue.' },
  DECISION_INCOMPLETE: { status: 400, message: 'The statement of reasons lacks {missing}', doc: 'DSA Art. 17(3): a decision states the facts, the ground and its law or terms clause, and an explanation. `details.missing` lists what lacks.' },
  APPEAL_NOT_FOUND: { status: 404, message: 'Appeal {appealId} not found', doc: 'No appeal has this id.' },
  APPEAL_NOT_ALLOWED: { status: 403, message: 'This decision cannot be appealed here: {reason}', doc: 'Only the person a restriction falls on appeals it.' },
  APPEAL_WINDOW_CLOSED: { status: 409, message: 'The appeal period ended on {deadline}', doc: 'DSA Art. 20(1): appeals are open for six months after the decision.' },
  APPEAL_EXISTS: { status: 409, message: 'This decision is already under appeal ({appealId})', doc: 'One appeal per decision; its answer is final on the platform (out-of-court settlement remains, Art. 21).' },
  APPEAL_ALREADY_DECIDED: { status: 409, message: 'The appeal is already {state}', doc: 'An appeal is decided once.' },
  APPEAL_SAME_DECIDER: { status: 403, message: 'An appeal is decided by someone other than who took the decision', doc: 'DSA Art. 20: ask another moderator.' },
  ACCOUNT_RESTRICTED: { status: 403, message: 'This account is {state}{until}', doc: 'A moderation decision suspended or terminated the account. Its statements of reasons and appeals stay reachable.' },
  NOTE_NOT_FOUND: { status: 404, message: 'Note {noteId} not found', doc: 'No context note has this id (or it was removed).' },
  NOTE_INVALID: { status: 400, message: 'The note is not usable: {detail}', doc: 'A note is 1 to 280 characters with at least one http(s) source link, on a moment or a question of the Space.' },
  OWN_NOTE_RATING: { status: 403, message: 'You cannot rate your own note', doc: 'Notes are rated by others.' },
  // Around the event: profiles, sharing, clips, follows and push
  HANDLE_NOT_FOUND: { status: 404, message: 'No account has the handle {handle}', doc: 'The profile, feed or follow names an account that does not exist.' },
  OEMBED_URL_UNSUPPORTED: { status: 404, message: 'No embeddable Space at {url}', doc: 'oEmbed answers for this server\'s listener pages (/s/{spaceId}) only.' },
  OEMBED_FORMAT_UNSUPPORTED: { status: 501, message: 'oEmbed format {format} is not supported', doc: 'Only format=json is served (oEmbed §2.3.4 allows a 501 for the others).' },
  CLIP_OUT_OF_RANGE: { status: 422, message: 'The clip {fromMs}+{durationMs} ms is outside the recording ({recordedMs} ms)', doc: 'A clip starts within what was recorded (the replay, or the live programme so far) and lasts 1 to 60 s.' },
  CLIP_NOT_FOUND: { status: 404, message: 'Clip {clipId} not found', doc: 'No such clip, or its Space\'s recording was deleted (clips go with it).' },
  CANNOT_FOLLOW_SELF: { status: 409, message: 'You cannot follow yourself', doc: 'Follow another host.' },
  PUSH_NOT_CONFIGURED: { status: 503, message: 'Web Push is not configured on this server', doc: 'The server has no VAPID keys; in-app notifications still work.' },

  // tribune cluster (the local cluster on loopback); the status is nominal: the CLI exits 2 or 1
  LOCAL_CLUSTER_FLAG_INVALID: { status: 400, message: 'tribune cluster: {detail}', doc: '`tribune cluster` was given a flag it cannot use (origins outside 1..16, a port range beyond 65535, an URL that is not PostgreSQL or Redis). Exit status 2; see `tribune cluster --help`.' },
  LOCAL_CLUSTER_ENGINE_UNREACHABLE: { status: 503, message: '{engine} at {url} did not answer: {detail}', doc: '`tribune cluster` checks PostgreSQL and Redis before it starts any origin. Start them, or point `--database-url` / `--redis-url` (or `TRIBUNE_DATABASE_URL` / `TRIBUNE_REDIS_URL`) at running ones.' },
  LOCAL_CLUSTER_START_FAILED: { status: 500, message: '{part} did not start: {detail}', doc: 'An origin or the nginx edge of `tribune cluster` did not start (a port in use, nginx not installed: `--nginx <path>`). What was started is stopped and the run\'s schema and keys are removed.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

function render(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}

/** An error a client may see. `details` travels to the client; `cause` stays in the logs. */
export class TribuneError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, params: Record<string, unknown> = {}, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(render(ERRORS[code].message, params), { cause: options.cause });
    this.name = 'TribuneError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = options.details;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export function isTribuneError(err: unknown): err is TribuneError {
  return err instanceof TribuneError;
}
