import { join } from 'node:path';
import type { Store } from '../store.js';
import { sqliteAudienceStats } from './audience-stats.js';
import { openDatabase } from './database.js';
import { sqliteFollows } from './follows.js';
import { sqliteQuestions } from './questions.js';
import { sqliteSpaces } from './spaces.js';
import { sqliteStage } from './stage.js';
import { sqliteNotes } from './notes.js';
import { sqliteTrustSafety } from './trust-safety.js';
import { sqliteSessions, sqliteUsers } from './users.js';

/** The embedded default: one SQLite file in the data directory. */
export function createSqliteStore(dataDir: string): Store {
  const db = openDatabase(join(dataDir, 'tribune.db'));
  let closed = false;
  return {
    users: sqliteUsers(db),
    sessions: sqliteSessions(db),
    spaces: sqliteSpaces(db),
    stage: sqliteStage(db),
    questions: sqliteQuestions(db),
    audience: sqliteAudienceStats(db),
    trustSafety: sqliteTrustSafety(db),
    notes: sqliteNotes(db),
    follows: sqliteFollows(db),
    async ping() { db.prepare('SELECT 1').get(); },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
