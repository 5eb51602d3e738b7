/** Forward-only migrations; PRAGMA user_version records how many have run. Never edit a shipped one. */
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
    muted INTEGER NOT NULL DEFAULT 0,
    joined_at TEXT NOT NULL,
    left_at TEXT
  );
  CREATE INDEX participants_space ON participants (space_id, left_at);

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
    anonymous INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending','approved','dismissed','answered')),
    votes INTEGER NOT NULL DEFAULT 0,
    highlighted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    answered_at TEXT
  );
  CREATE INDEX questions_space ON questions (space_id, state);
  CREATE INDEX questions_author ON questions (space_id, author_id, created_at);

  CREATE TABLE question_votes (
    question_id TEXT NOT NULL REFERENCES questions(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (question_id, user_id)
  );

  CREATE TABLE reaction_seconds (
    space_id TEXT NOT NULL,
    second INTEGER NOT NULL,
    reaction TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (space_id, second, reaction)
  );

  CREATE TABLE listener_minutes (
    space_id TEXT NOT NULL,
    minute INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (space_id, minute)
  );
  `,
  // Trust & safety: notices (DSA Art. 16), decisions with statements of reasons (Art. 17), appeals
  // (Art. 20), trusted flaggers (Art. 22), the append-only audit log; context notes and their ratings.
  `
  CREATE TABLE notices (
    id TEXT PRIMARY KEY,
    target_type TEXT NOT NULL CHECK (target_type IN ('space','question','user','recording','note')),
    target_id TEXT NOT NULL,
    space_id TEXT,
    at_ms INTEGER,
    category TEXT NOT NULL,
    explanation TEXT NOT NULL,
    notifier_name TEXT,
    notifier_email TEXT,
    notifier_user_id TEXT,
    trusted INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open','closed')),
    decision_id TEXT,
    closed_at TEXT,
    unfounded INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX notices_target ON notices (target_type, target_id, state);
  CREATE INDEX notices_notifier ON notices (notifier_user_id, received_at);
  CREATE INDEX notices_received ON notices (received_at);

  CREATE TABLE moderation_queue (
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    space_id TEXT,
    open_notices INTEGER NOT NULL,
    trusted_notices INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    rank_key TEXT NOT NULL,
    PRIMARY KEY (target_type, target_id)
  );
  CREATE INDEX moderation_queue_rank ON moderation_queue (rank_key) WHERE open_notices > 0;

  CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    space_id TEXT,
    at_ms INTEGER,
    affected_user_id TEXT,
    ground TEXT NOT NULL,
    legal_ground TEXT,
    terms_clause TEXT,
    explanation TEXT NOT NULL,
    facts TEXT NOT NULL,
    category TEXT NOT NULL,
    keywords TEXT NOT NULL,
    source TEXT NOT NULL,
    notice_ids TEXT NOT NULL,
    content_date TEXT NOT NULL,
    content_language TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    ends_at TEXT,
    undo TEXT,
    state TEXT NOT NULL CHECK (state IN ('in_force','reversed')),
    reversed_at TEXT,
    manifestly_illegal INTEGER NOT NULL DEFAULT 0,
    automated INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX decisions_affected ON decisions (affected_user_id, decided_at);
  CREATE INDEX decisions_decided ON decisions (decided_at);
  CREATE INDEX decisions_in_force ON decisions (action, state);
  CREATE INDEX decisions_space ON decisions (space_id, action, state);

  CREATE TABLE appeals (
    id TEXT PRIMARY KEY,
    decision_id TEXT NOT NULL UNIQUE REFERENCES decisions(id),
    appellant_id TEXT NOT NULL,
    explanation TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open','upheld','reversed')),
    decided_by TEXT,
    decided_at TEXT,
    reasons TEXT
  );
  CREATE INDEX appeals_state ON appeals (state, submitted_at);
  CREATE INDEX appeals_submitted ON appeals (submitted_at);

  CREATE TABLE trusted_flaggers (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL
  );

  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

  CREATE INDEX notices_unfounded ON notices (notifier_user_id, unfounded, closed_at);

  CREATE TABLE misuse_warnings (
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('unfounded_notices','manifestly_illegal')),
    at TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, at)
  );

  CREATE TABLE dsa_submissions (
    puid TEXT PRIMARY KEY,
    submitted_at TEXT NOT NULL
  );

  CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    space_id TEXT NOT NULL REFERENCES spaces(id),
    question_id TEXT,
    at_ms INTEGER,
    author_id TEXT NOT NULL REFERENCES users(id),
    text TEXT NOT NULL,
    sources TEXT NOT NULL,
    created_at TEXT NOT NULL,
    hidden INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX notes_space ON notes (space_id, at_ms);

  CREATE TABLE note_ratings (
    note_id TEXT NOT NULL REFERENCES notes(id),
    rater_id TEXT NOT NULL REFERENCES users(id),
    level TEXT NOT NULL CHECK (level IN ('HELPFUL','SOMEWHAT_HELPFUL','NOT_HELPFUL')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (note_id, rater_id)
  );
  `,
  // Follows, reminders and Web Push subscriptions. Nothing is written per follower when a Space goes
  // live: who is told is found at read time (notifications) or by paging these tables (push).
  `
  CREATE TABLE follows (
    follower_id TEXT NOT NULL REFERENCES users(id),
    host_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (follower_id, host_id)
  );
  CREATE INDEX follows_host ON follows (host_id, follower_id);

  CREATE TABLE reminders (
    user_id TEXT NOT NULL REFERENCES users(id),
    space_id TEXT NOT NULL REFERENCES spaces(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, space_id)
  );
  CREATE INDEX reminders_space ON reminders (space_id, user_id);

  CREATE TABLE push_subscriptions (
    endpoint TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id, endpoint);
  `,
  // One live seat per account, enforced by the database (a second origin racing the first cannot add one).
  // Duplicates left by the old check-then-insert keep their earliest seat.
  `
  UPDATE participants SET left_at = joined_at
    WHERE left_at IS NULL AND user_id IS NOT NULL AND EXISTS (
      SELECT 1 FROM participants o WHERE o.space_id = participants.space_id AND o.user_id = participants.user_id AND o.left_at IS NULL
        AND (o.joined_at < participants.joined_at OR (o.joined_at = participants.joined_at AND o.id < participants.id)));
  CREATE UNIQUE INDEX participants_live_user ON participants (space_id, user_id) WHERE left_at IS NULL AND user_id IS NOT NULL;
  `,
  // A go-live push is claimed by one row per Space (it goes out once); the VAPID key pair is one row,
  // seeded from <data-dir>/vapid.json, so both stores keep the key browsers subscribed with.
  `
  CREATE TABLE go_live_pushes (
    space_id TEXT PRIMARY KEY REFERENCES spaces(id),
    claimed_at TEXT NOT NULL
  );

  CREATE TABLE push_keys (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    public_key TEXT NOT NULL,
    private_key TEXT NOT NULL
  );
  `,
  // The outbox: a domain event commits in the same transaction as the write that causes it; the relay
  // publishes the rows in id order and deletes them. AUTOINCREMENT: an id is never reused after a delete.
  `
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    space_id TEXT NOT NULL,
    event TEXT NOT NULL,
    origin TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
];
