import { TribuneError } from '../../errors/catalogue.js';
import type { Store } from '../store.js';
import { postgresAudienceStats } from './audience-stats.js';
import { migrate, openPool, resolveOptions, type PostgresOptions } from './database.js';
import { postgresQuestions } from './questions.js';
import { postgresRecordings, type PostgresRecordings } from './recordings.js';
import { postgresSpaces } from './spaces.js';
import { postgresStage } from './stage.js';
import { postgresSessions, postgresUsers } from './users.js';

export type { PostgresOptions } from './database.js';
export type { PostgresRecordings } from './recordings.js';

/**
 * A repository cluster mode does not have yet: every call is a catalogued 501, so the feature says
 * so instead of failing somewhere deeper. The embedded default has them all.
 */
function notInClusterMode<T extends object>(feature: string): T {
  return new Proxy({} as T, {
    get: (_target, method) => (typeof method === 'string' && method !== 'then'
      ? () => Promise.reject(new TribuneError('NOT_IN_CLUSTER_MODE', { feature }))
      : undefined),
  });
}

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
  let closed = false;
  return {
    users: postgresUsers(pool),
    sessions: postgresSessions(pool),
    spaces: postgresSpaces(pool),
    stage: postgresStage(pool),
    questions: postgresQuestions(pool),
    audience: postgresAudienceStats(pool),
    // Beside the Store: the audience plane's recordings, which only cluster mode keeps in the database.
    recordings: postgresRecordings(pool),
    // Not yet in PostgreSQL: these features answer 501 in cluster mode (docs/cluster.md).
    trustSafety: notInClusterMode('trust & safety'),
    notes: notInClusterMode('context notes'),
    follows: notInClusterMode('follows, reminders and Web Push'),
    async ping() { await pool.query('SELECT 1'); },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
