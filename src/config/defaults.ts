/** Every default in one place. The schema (schema.ts) validates; this file decides. */
export const DEFAULTS = {
  host: '0.0.0.0',
  port: 8080,
  dataDir: './data',
  publicUrl: undefined as string | undefined,
  logLevel: 'info' as const,
  bodyLimitBytes: 64 * 1024,
  stage: {
    maxOnStage: 13,
    maxCohosts: 2,
    udpPort: 40_000,
    bindAddress: '0.0.0.0',
    advertisedAddresses: [] as string[],
    iceServers: [] as string[],
    maxMediaSessions: 1_000,
    inviteTtlHours: 24,
  },
  audience: {
    partTargetMs: 200,
    segmentTargetMs: 2_000,
    retentionDays: 30,
  },
  limits: {
    questionsPerMinute: 1,
    votesPerMinute: 60,
    reactionsPerSecond: 5,
    heartbeatsPerMinute: 6,
    listenerTokensPerMinute: 10,
    authPerMinute: 20,
    writesPerSecond: 5,
  },
  sessionTtlDays: 30,
  /** Cluster mode: all unset means the embedded default (SQLite, in-process bus). */
  cluster: {
    databaseUrl: undefined as string | undefined,
    redisUrl: undefined as string | undefined,
    /** Defaults to the host name in cluster mode (see load.ts); set it when two origins share a host. */
    originId: undefined as string | undefined,
    internalUrl: undefined as string | undefined,
    /** Every Redis key of the deployment starts with it: several deployments may share one Redis. */
    redisPrefix: 'tribune',
  },
} as const;
