import { join } from 'node:path';
import type { Store } from '../store.js';
import { sqliteAudienceStats } from './audience-stats.js';
import { openDatabase } from './database.js';
import { sqliteFollows } from './follows.js';
import { sqliteQuestions } from './questions.js';
import { sqliteSpaces } from './spaces.js';
import { sqliteStage } from './stage.js';
import { sqliteNotes } from './notes.js';
import { sqliteOutbox } from './outbox.js';
import { sqliteTrustSafety } from './trust-safety.js';
import { sqliteSessions, sqliteUsers } from './users.js';

/** The embedded default: one SQLite file in the data directory. */
export function createSqliteStore(dataDir: string, options: { origin?: string } = {}): Store {
  const db = openDatabase(join(dataDir, 'tribune.db'));
  const outbox = sqliteOutbox(db, options.origin ?? 'local');
  let closed = false;
  return {
    users: sqliteUsers(db),
    sessions: sqliteSessions(db),
    spaces: sqliteSpaces(db, outbox),
    stage: sqliteStage(db, outbox),
    questions: sqliteQuestions(db, outbox),
    audience: sqliteAudienceStats(db),
    trustSafety: sqliteTrustSafety(db, outbox),
    notes: sqliteNotes(db),
    follows: sqliteFollows(db),
    outbox,
    async ping() { db.prepare('SELECT 1').get(); },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
