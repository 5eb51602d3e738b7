import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { DEFAULTS } from './defaults.js';
import { ConfigSchema, type Config } from './schema.js';

export type ConfigInput = {
  [K in keyof Config]?: Config[K] extends readonly unknown[] ? Config[K]
    : Config[K] extends object ? Partial<Config[K]> : Config[K];
};

/** Thrown at start-up with every problem at once, so an operator fixes them in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Environment variables an operator may set; flags win over them, they win over defaults. */
export const ENV_VARS = {
  TRIBUNE_HOST: 'host',
  TRIBUNE_PORT: 'port',
  TRIBUNE_DATA_DIR: 'dataDir',
  TRIBUNE_PUBLIC_URL: 'publicUrl',
  TRIBUNE_TRUST_PROXY: 'trustProxy',
  TRIBUNE_METRICS_TOKEN: 'metricsToken',
  TRIBUNE_UNDER_ATTACK: 'underAttack.setting',
  TRIBUNE_SHED_EVENT_LOOP_MS: 'shedding.eventLoopDelayMs',
  TRIBUNE_WAITING_ROOM: 'waitingRoom.setting',
  TRIBUNE_ROOM_ACTIVE_USERS: 'waitingRoom.totalActiveUsers',
  TRIBUNE_ROOM_USERS_PER_MINUTE: 'waitingRoom.newUsersPerMinute',
  TRIBUNE_ROOM_SESSION_MINUTES: 'waitingRoom.sessionMinutes',
  TRIBUNE_ROOM_TICKET_MINUTES: 'waitingRoom.ticketMinutes',
  TRIBUNE_LOG_LEVEL: 'logLevel',
  TRIBUNE_SECRET: 'secret',
  TRIBUNE_UDP_PORT: 'stage.udpPort',
  TRIBUNE_ADVERTISED_ADDRESSES: 'stage.advertisedAddresses',
  TRIBUNE_MAX_ON_STAGE: 'stage.maxOnStage',
  TRIBUNE_PROGRAM_BITRATE: 'stage.programBitrate',
  TRIBUNE_RETENTION_DAYS: 'audience.retentionDays',
  TRIBUNE_BACKUP_EDGE_URLS: 'audience.backupEdgeUrls',
  TRIBUNE_AUDIENCE_DELIVERY: 'audience.delivery',
  TRIBUNE_WRITES_PER_SECOND: 'limits.writesPerSecond',
  TRIBUNE_CAPTIONS_ENGINE: 'captions.engine',
  TRIBUNE_CAPTIONS_MODEL: 'captions.modelDir',
  TRIBUNE_DATABASE_URL: 'cluster.databaseUrl',
  TRIBUNE_REDIS_URL: 'cluster.redisUrl',
  TRIBUNE_ORIGIN_ID: 'cluster.originId',
  TRIBUNE_INTERNAL_URL: 'cluster.internalUrl',
  TRIBUNE_REDIS_PREFIX: 'cluster.redisPrefix',
  TRIBUNE_LEASE_TTL_MS: 'cluster.leaseTtlMs',
} as const;

const NUMERIC = new Set(['shedding.eventLoopDelayMs', 'waitingRoom.totalActiveUsers', 'waitingRoom.newUsersPerMinute', 'waitingRoom.sessionMinutes', 'waitingRoom.ticketMinutes', 'port', 'stage.udpPort', 'stage.maxOnStage', 'stage.programBitrate', 'audience.retentionDays', 'limits.writesPerSecond', 'cluster.leaseTtlMs']);
const LISTS = new Set(['stage.advertisedAddresses', 'trustProxy', 'audience.backupEdgeUrls']);

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) { target[head] = value; return; }
  const inner = (target[head] ??= {}) as Record<string, unknown>;
  inner[tail] = value;
}

/** Reads TRIBUNE_* variables into a ConfigInput; malformed numbers are left for the schema to reject. */
export function configFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const out: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (NUMERIC.has(path)) value = /^\d+$/.test(raw) ? Number(raw) : raw;
    if (LISTS.has(path)) value = raw.split(',').map((s) => s.trim()).filter(Boolean);
    setPath(out, path, value);
  }
  return out as ConfigInput;
}

function merge(...layers: ConfigInput[]): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(DEFAULTS) as unknown as Record<string, unknown>;
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      const current = out[key];
      out[key] = current && typeof current === 'object' && !Array.isArray(current) && typeof value === 'object' && !Array.isArray(value)
        ? { ...(current as object), ...Object.fromEntries(Object.entries(value as object).filter(([, v]) => v !== undefined)) }
        : value;
    }
  }
  return out;
}

/** The secret signs listener tokens; it must survive restarts, so an unset one is made once and kept. */
function ensureSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Builds the configuration once: defaults < environment < flags (< overrides, for tests), validated
 * against the schema, then frozen. Creates the data directory and its secret if needed.
 */
export function loadConfig(options: { env?: NodeJS.ProcessEnv; flags?: ConfigInput; overrides?: ConfigInput } = {}): Config {
  const merged = merge(configFromEnv(options.env ?? {}), options.flags ?? {}, options.overrides ?? {});
  // Every origin of a cluster must sign and verify with the same secret: one made up here would not be.
  const secretGiven = merged.secret !== undefined;
  if (merged.secret === undefined && typeof merged.dataDir === 'string') {
    merged.secret = ensureSecret(resolve(merged.dataDir));
  }
  if (!Value.Check(ConfigSchema, merged)) {
    const problems = [...Value.Errors(ConfigSchema, merged)].map((e) => `${e.path || '/'}: ${e.message} (got ${JSON.stringify(e.value)})`);
    throw new ConfigError(problems);
  }
  const config = merged as Config & { dataDir: string };
  config.dataDir = resolve(config.dataDir);
  const { maxOnStage, maxCohosts } = config.stage;
  const problems: string[] = [];
  if (maxCohosts >= maxOnStage) problems.push(`/stage/maxCohosts: must be below maxOnStage (${maxOnStage})`);
  const { partTargetMs, segmentTargetMs } = config.audience;
  if (segmentTargetMs % partTargetMs !== 0) problems.push(`/audience/segmentTargetMs: must be a multiple of partTargetMs (${partTargetMs})`);
  const cluster = config.cluster as { -readonly [K in keyof Config['cluster']]: Config['cluster'][K] };
  const clusterFlags = [cluster.databaseUrl, cluster.redisUrl, cluster.originId, cluster.internalUrl].some((v) => v !== undefined);
  if (clusterFlags && (cluster.databaseUrl === undefined || cluster.redisUrl === undefined)) {
    problems.push('/cluster: cluster mode needs both --database-url and --redis-url (without either, the embedded default runs)');
  }
  if (cluster.databaseUrl !== undefined && !secretGiven) problems.push('/secret: cluster mode needs TRIBUNE_SECRET, the same on every origin');
  if (cluster.databaseUrl !== undefined) cluster.originId ??= hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);
  if (problems.length) throw new ConfigError(problems);
  return deepFreeze(config);
}
