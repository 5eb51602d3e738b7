/**
 * Forward-only migrations of the PostgreSQL schema; `schema_migrations` records which have run. Never
 * edit a shipped one. Same tables as the SQLite store; times stay ISO-8601 text so both stores sort and
 * compare them the same way.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    handle TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    platform_role TEXT NOT NULL CHECK (platform_role IN ('user','moderator','admin')),
    created_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX users_handle ON users (lower(handle));

  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );

  CREATE TABLE spaces (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    language TEXT NOT NULL,
    host_id TEXT NOT NULL REFERENCES users(id),
    state TEXT NOT NULL CHECK (state IN ('scheduled','live','ended','cancelled')),
    scheduled_start TEXT,
    time_zone TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT,
    max_on_stage INTEGER NOT NULL,
    max_cohosts INTEGER NOT NULL
  );
  CREATE INDEX spaces_state ON spaces (state, created_at);
  CREATE INDEX spaces_host ON spaces (host_id, created_at);

  CREATE TABLE participants (
    id TEXT PRIMARY KEY,
    space_id TEXT NOT NULL REFERENCES spaces(id),
    user_id TEXT REFERENCES users(id),
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('host','cohost','speaker')),
    muted BOOLEAN NOT NULL DEFAULT false,
    joined_at TEXT NOT NULL,
    left_at TEXT
  );
  CREATE INDEX participants_space ON participants (space_id, left_at);
  CREATE UNIQUE INDEX participants_live_user ON participants (space_id, user_id) WHERE left_at IS NULL AND user_id IS NOT NULL;

  CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    space_id TEXT NOT NULL REFERENCES spaces(id),
    role TEXT NOT NULL CHECK (role IN ('speaker','cohost')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    participant_id TEXT REFERENCES participants(id),
    revoked_at TEXT
  );
  CREATE INDEX invites_participant ON invites (participant_id);

  CREATE TABLE speak_requests (
    id TEXT PRIMARY KEY,
    space_id TEXT NOT NULL REFERENCES spaces(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    state TEXT NOT NULL CHECK (state IN ('pending','approved','denied','withdrawn')),
    created_at TEXT NOT NULL,
    answered_at TEXT
  );
  CREATE INDEX speak_requests_space ON speak_requests (space_id, state, created_at);

  CREATE TABLE blocks (
    space_id TEXT NOT NULL REFERENCES spaces(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    blocked_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (space_id, user_id)
  );

  CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    space_id TEXT NOT NULL REFERENCES spaces(id),
    author_id TEXT NOT NULL REFERENCES users(id),
    text TEXT NOT NULL,
    anonymous BOOLEAN NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending','approved','dismissed','answered')),
    votes INTEGER NOT NULL DEFAULT 0,
    highlighted BOOLEAN NOT NULL DEFAULT false,
    created_at TEXT NOT NULL,
    answered_at TEXT
  );
  CREATE INDEX questions_space ON questions (space_id, state);
  CREATE INDEX questions_author ON questions (space_id, author_id, created_at);
  CREATE UNIQUE INDEX questions_one_highlight ON questions (space_id) WHERE highlighted;

  CREATE TABLE question_votes (
    question_id TEXT NOT NULL REFERENCES questions(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (question_id, user_id)
  );

  CREATE TABLE reaction_seconds (
    space_id TEXT NOT NULL,
    second BIGINT NOT NULL,
    reaction TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (space_id, second, reaction)
  );

  CREATE TABLE listener_minutes (
    space_id TEXT NOT NULL,
    minute BIGINT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (space_id, minute)
  );
  `,
  // Recordings shared by every origin: whichever origin runs a Space writes them, any origin serves the
  // replay. Times are epoch milliseconds, as the recording index has always kept them.
  `
  CREATE TABLE recordings (
    space_id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    ended_at BIGINT,
    updated_at BIGINT NOT NULL,
    init BYTEA NOT NULL,
    reserved JSONB
  );
  CREATE INDEX recordings_ended ON recordings (ended_at);

  CREATE TABLE recording_segments (
    space_id TEXT NOT NULL REFERENCES recordings(space_id) ON DELETE CASCADE,
    msn BIGINT NOT NULL,
    decode_time BIGINT NOT NULL,
    duration INTEGER NOT NULL,
    program_date_time BIGINT NOT NULL,
    discontinuity BOOLEAN NOT NULL,
    parts INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (space_id, msn)
  );

  CREATE TABLE recording_captions (
    space_id TEXT NOT NULL REFERENCES recordings(space_id) ON DELETE CASCADE,
    n BIGSERIAL,
    text TEXT NOT NULL,
    PRIMARY KEY (space_id, n)
  );

  CREATE TABLE recording_clips (
    space_id TEXT NOT NULL REFERENCES recordings(space_id) ON DELETE CASCADE,
    clip_id TEXT NOT NULL,
    info TEXT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (space_id, clip_id)
  );
  `,
];
