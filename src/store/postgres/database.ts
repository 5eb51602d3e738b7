import { userInfo } from 'node:os';
import pg from 'pg';
import { MIGRATIONS } from './migrations.js';

export type Pool = pg.Pool;
export type Client = pg.PoolClient;
/** Whatever runs a query: the pool (autocommit) or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

// int8 (COUNT, SUM, BIGINT columns) arrives as a string by default; our values stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PostgresOptions {
  readonly url: string;
  /** A schema of its own (created if missing): tests use one per run; deployments leave it unset. */
  readonly schema?: string;
  readonly maxConnections?: number;
  /** The origin named in the outbox rows this store writes. */
  readonly origin?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Takes Tribune's own `?schema=` off the URL (several deployments, or test runs, may share a database,
 * each in its schema); an explicit `schema` option wins.
 */
export function resolveOptions(options: PostgresOptions): PostgresOptions & { schema: string | undefined } {
  const url = new URL(options.url);
  const fromUrl = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { ...options, url: fromUrl === undefined ? options.url : url.toString(), schema: options.schema ?? fromUrl };
}

export function openPool(options: PostgresOptions): Pool {
  if (options.schema !== undefined && !IDENTIFIER.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
  const pool = new pg.Pool({
    connectionString: withUser(options.url),
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    // Every connection of the pool works in the schema, so repositories write plain table names.
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client that loses its server (a restart, a failover) must not crash the process: the pool
  // drops it and the next query opens a new one; /readyz reports the outage meanwhile.
  pool.on('error', () => {});
  return pool;
}

/** Like psql, a URL without a user name means the operating system's user (pg alone needs $USER set). */
export function withUser(url: string): string {
  const parsed = new URL(url);
  if (parsed.username || process.env.PGUSER || process.env.USER) return url;
  parsed.username = userInfo().username;
  return parsed.toString();
}

/**
 * A connection out of the pool for a unit of work. While it is out, the pool does not listen to it: a
 * server that drops it (a restart, a cut network) would emit an error nobody handles, and that ends
 * the process. The query in flight rejects and says it; the connection is destroyed on release.
 */
async function checkOut(pool: Pool): Promise<{ client: Client; release: () => void }> {
  const client = await pool.connect();
  let broken = false;
  const onError = (): void => { broken = true; };
  client.on('error', onError);
  return { client, release: () => { client.off('error', onError); client.release(broken); } };
}

/** Runs `work` in one transaction on one connection; rolls back on any throw. */
export async function inTransaction<T>(pool: Pool, work: (client: Client) => Promise<T>): Promise<T> {
  const { client, release } = await checkOut(pool);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    release();
  }
}

/**
 * Brings the schema up to date. Several origins starting at the same moment all call this: a
 * session-level advisory lock lets one migrate while the others wait, then they find nothing to do.
 * Each migration runs in its own transaction with its version row, so a crash leaves no half-step.
 */
export async function migrate(pool: Pool, schema: string | undefined): Promise<void> {
  const { client, release } = await checkOut(pool);
  try {
    // The lock comes first: even CREATE SCHEMA IF NOT EXISTS fails when two sessions run it at once.
    const key = `tribune.migrate.${schema ?? ''}`;
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
      const current = rows[0]?.version ?? 0;
      if (current > MIGRATIONS.length) {
        throw new Error(`the database is at schema version ${current}, newer than this Tribune (${MIGRATIONS.length}); upgrade Tribune`);
      }
      for (let version = current; version < MIGRATIONS.length; version++) {
        await client.query('BEGIN');
        try {
          await client.query(MIGRATIONS[version]!);
          await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version + 1]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => {});
    }
  } finally {
    release();
  }
}
