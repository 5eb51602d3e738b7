import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TribuneError } from '../errors/catalogue.js';
import { checkEngines, deletePrefix, dropSchema, withSchema } from './engines.js';
import { startEdge, type Edge } from './nginx-edge.js';
import { startOriginProcess, type OriginProcess, type TribuneCommand } from './origin-process.js';

export const LOCAL_CLUSTER_LIMITS = { minOrigins: 1, maxOrigins: 16 } as const;

export interface LocalClusterOptions {
  readonly origins: number;
  /** The edge listens on `port`, origin i (1-based) on `port + i`. */
  readonly port: number;
  /** PostgreSQL and Redis as given: the run adds a schema and a key prefix of its own. */
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Where the origins' data directories and the edge's files go (default: a temporary directory). */
  readonly dataDir?: string;
  /** Keep the schema, the keys and the data directory at stop. */
  readonly keep?: boolean;
  readonly command: TribuneCommand;
  readonly nginx?: string;
  readonly logLevel?: string;
  /** Environment every origin gets besides the cluster's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** Each chunk an origin writes. */
  readonly onOutput?: (originId: string, chunk: string) => void;
  /** Called when an origin exits before `stop` (a kill -9 by hand, a crash). */
  readonly onOriginExit?: (originId: string, how: { code: number | null; signal: NodeJS.Signals | null }) => void;
}

export interface LocalCluster {
  readonly edge: Edge;
  readonly edgeUrl: string;
  readonly origins: readonly OriginProcess[];
  /** The run's PostgreSQL schema, Redis key prefix and shared secret. */
  readonly schema: string;
  readonly redisPrefix: string;
  readonly secret: string;
  /** PostgreSQL with the run's schema: what `tribune admin create --database-url` needs. */
  readonly databaseUrl: string;
  readonly dataDir: string;
  /** Drains every origin at once, then stops nginx, then (unless `keep`) drops the schema, keys and files. */
  stop(): Promise<void>;
}

/** The flags' values, checked; thrown as LOCAL_CLUSTER_FLAG_INVALID. */
export function validateLocalClusterOptions(options: Pick<LocalClusterOptions, 'origins' | 'port' | 'databaseUrl' | 'redisUrl'>): void {
  const bad = (detail: string) => new TribuneError('LOCAL_CLUSTER_FLAG_INVALID', { detail });
  const { minOrigins, maxOrigins } = LOCAL_CLUSTER_LIMITS;
  if (!Number.isInteger(options.origins) || options.origins < minOrigins || options.origins > maxOrigins) throw bad(`--origins must be an integer from ${minOrigins} to ${maxOrigins}, got ${options.origins}`);
  if (!Number.isInteger(options.port) || options.port < 1 || options.port + options.origins > 65_535) throw bad(`--port must leave room for the edge and ${options.origins} origin(s) below 65536 (port + N ≤ 65535), got ${options.port}`);
  const protocol = (url: string) => { try { return new URL(url).protocol; } catch { return ''; } };
  if (!['postgres:', 'postgresql:'].includes(protocol(options.databaseUrl))) throw bad(`--database-url must be a postgres:// URL, got '${options.databaseUrl}'`);
  if (!['redis:', 'rediss:'].includes(protocol(options.redisUrl))) throw bad(`--redis-url must be a redis:// URL, got '${options.redisUrl}'`);
}

/**
 * N `tribune serve` origins on loopback (ports port+1…port+N, ids o1…oN, one generated secret, one fresh
 * PostgreSQL schema and Redis prefix) behind the shipped nginx edge on `port`. What was started is
 * stopped again if a part fails to start.
 */
export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  validateLocalClusterOptions(options);
  await checkEngines(options.databaseUrl, options.redisUrl);
  const run = randomBytes(4).toString('hex');
  const schema = `tribune_local_${run}`;
  const redisPrefix = `tribune-local-${run}`;
  const secret = randomBytes(32).toString('base64url');
  const databaseUrl = withSchema(options.databaseUrl, schema);
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tribune-cluster-'));
  const edgeUrl = `http://127.0.0.1:${options.port}`;
  const origins: OriginProcess[] = [];
  let edge: Edge | undefined;
  let stopping = false;

  const cleanUp = async () => {
    if (options.keep) return;
    await dropSchema(options.databaseUrl, schema);
    await deletePrefix(options.redisUrl, redisPrefix);
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const stopAll = async () => {
    stopping = true;
    // Every origin drains at once: one at a time would hand each one's Spaces to the next to close.
    await Promise.all(origins.map((o) => o.drain()));
    await edge?.stop();
    await cleanUp();
  };

  try {
    const ids = Array.from({ length: options.origins }, (_, i) => `o${i + 1}`);
    // Several at once: they serialise on the migration lock, then start side by side.
    const started = await Promise.allSettled(ids.map((id, i) => {
      const originDir = join(dataDir, id);
      mkdirSync(originDir, { recursive: true });
      return startOriginProcess(options.command, {
        id, port: options.port + i + 1, dataDir: originDir, databaseUrl, redisUrl: options.redisUrl, redisPrefix, secret,
        // The edge is on loopback: believe its X-Forwarded-For, and make links point at it.
        flags: ['--public-url', edgeUrl, '--trust-proxy', '127.0.0.1'],
        detached: true,
        ...(options.logLevel ? { logLevel: options.logLevel } : {}),
        ...(options.env ? { env: options.env } : {}),
        ...(options.onOutput ? { onOutput: (chunk: string) => options.onOutput!(id, chunk) } : {}),
      });
    }));
    for (const s of started) if (s.status === 'fulfilled') origins.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw new TribuneError('LOCAL_CLUSTER_START_FAILED', { part: 'an origin', detail: (failed.reason as Error).message.slice(0, 2000) });
    try {
      edge = await startEdge(origins.map((o) => `127.0.0.1:${new URL(o.url).port}`), {
        port: options.port, dir: join(dataDir, 'edge'), detached: true, ...(options.nginx ? { nginx: options.nginx } : {}),
        accessLog: join(dataDir, 'edge', 'logs', 'access.log'),
      });
    } catch (err) {
      throw new TribuneError('LOCAL_CLUSTER_START_FAILED', { part: 'the nginx edge', detail: (err as Error).message });
    }
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
  for (const o of origins) void o.exited.then((how) => { if (!stopping) options.onOriginExit?.(o.id, how); });

  let stopped: Promise<void> | undefined;
  return {
    edge, edgeUrl, origins, schema, redisPrefix, secret, databaseUrl, dataDir,
    stop: () => (stopped ??= stopAll()),
  };
}
