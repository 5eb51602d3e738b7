import { Redis } from 'ioredis';
import pg from 'pg';
import { TribuneError } from '../errors/catalogue.js';
import { withUser } from '../store/postgres/database.js';

/** Only the origin of a URL, for messages: never its password. */
function shown(url: string): string {
  try { const u = new URL(url); u.password = ''; return u.toString(); } catch { return url; }
}

/** One query and one PING, each within 3 s, so a missing engine is said before any origin starts. */
export async function checkEngines(databaseUrl: string, redisUrl: string): Promise<void> {
  const db = new pg.Client({ connectionString: withUser(databaseUrl), connectionTimeoutMillis: 3000 });
  try {
    await db.connect();
    await db.query('SELECT 1');
  } catch (err) {
    throw new TribuneError('LOCAL_CLUSTER_ENGINE_UNREACHABLE', { engine: 'PostgreSQL', url: shown(databaseUrl), detail: (err as Error).message });
  } finally {
    await db.end().catch(() => undefined);
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  // The socket's own error says why (refused, unknown host); the rejection only says it closed.
  let cause: Error | undefined;
  redis.on('error', (err: Error) => { cause ??= err; });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new TribuneError('LOCAL_CLUSTER_ENGINE_UNREACHABLE', { engine: 'Redis', url: shown(redisUrl), detail: (cause ?? err as Error).message });
  } finally {
    redis.disconnect();
  }
}

/** Drops a run's schema (`schema` is ours: generated, never read from input). */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const db = new pg.Client({ connectionString: withUser(databaseUrl) });
  await db.connect();
  try {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await db.end();
  }
}

/** Deletes every key under `<prefix>:`. */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** The URL with `?schema=<schema>` (replacing one it had: every run has a fresh schema). */
export function withSchema(databaseUrl: string, schema: string): string {
  const u = new URL(databaseUrl);
  u.searchParams.set('schema', schema);
  return u.toString();
}
