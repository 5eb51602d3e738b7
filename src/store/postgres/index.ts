import type { Store } from '../store.js';
import { postgresAudienceStats } from './audience-stats.js';
import { postgresFollows } from './follows.js';
import { postgresNotes } from './notes.js';
import { migrate, openPool, resolveOptions, type PostgresOptions } from './database.js';
import { postgresOutbox } from './outbox.js';
import { postgresQuestions } from './questions.js';
import { postgresRecordings, type PostgresRecordings } from './recordings.js';
import { postgresSpaces } from './spaces.js';
import { postgresStage } from './stage.js';
import { postgresTrustSafety } from './trust-safety.js';
import { postgresSessions, postgresUsers } from './users.js';

export type { PostgresOptions } from './database.js';
export type { PostgresRecordings } from './recordings.js';

/** Cluster mode: every origin shares one PostgreSQL database, the source of truth. Migrates before it answers. */
export async function createPostgresStore(given: PostgresOptions): Promise<Store & { readonly recordings: PostgresRecordings }> {
  const options = resolveOptions(given);
  const pool = openPool(options);
  try {
    await migrate(pool, options.schema);
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  const outbox = postgresOutbox(pool, options.origin ?? 'local');
  let closed = false;
  return {
    users: postgresUsers(pool),
    sessions: postgresSessions(pool),
    spaces: postgresSpaces(pool, outbox),
    stage: postgresStage(pool, outbox),
    questions: postgresQuestions(pool, outbox),
    audience: postgresAudienceStats(pool),
    // Beside the Store: the audience plane's recordings, which only cluster mode keeps in the database.
    recordings: postgresRecordings(pool),
    trustSafety: postgresTrustSafety(pool, outbox),
    notes: postgresNotes(pool),
    follows: postgresFollows(pool),
    outbox,
    async ping() { await pool.query('SELECT 1'); },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
