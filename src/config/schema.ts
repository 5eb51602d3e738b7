import { Type, type Static } from '@sinclair/typebox';

const Port = Type.Integer({ minimum: 0, maximum: 65_535 });
const PositiveInt = Type.Integer({ minimum: 1 });

export const ConfigSchema = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Port,
  dataDir: Type.String({ minLength: 1 }),
  publicUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$' })),
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
  bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 }),
  secret: Type.String({ minLength: 16 }),
  stage: Type.Object({
    maxOnStage: Type.Integer({ minimum: 1, maximum: 32 }),
    maxCohosts: Type.Integer({ minimum: 0, maximum: 31 }),
    udpPort: Port,
    bindAddress: Type.String({ minLength: 1 }),
    advertisedAddresses: Type.Array(Type.String({ minLength: 1 })),
    iceServers: Type.Array(Type.String({ pattern: '^(stun|turn|turns):' })),
    maxMediaSessions: PositiveInt,
    inviteTtlHours: PositiveInt,
  }, { additionalProperties: false }),
  audience: Type.Object({
    partTargetMs: Type.Integer({ minimum: 100, maximum: 1000, multipleOf: 20 }),
    segmentTargetMs: Type.Integer({ minimum: 1000, maximum: 10_000 }),
    retentionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  }, { additionalProperties: false }),
  limits: Type.Object({
    questionsPerMinute: PositiveInt,
    votesPerMinute: PositiveInt,
    reactionsPerSecond: PositiveInt,
    heartbeatsPerMinute: PositiveInt,
    listenerTokensPerMinute: PositiveInt,
    authPerMinute: PositiveInt,
    writesPerSecond: PositiveInt,
  }, { additionalProperties: false }),
  sessionTtlDays: PositiveInt,
  cluster: Type.Object({
    databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://\\S+$' })),
    redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://\\S+$' })),
    originId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' })),
    internalUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+/?$' })),
    redisPrefix: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

export type Config = Readonly<Static<typeof ConfigSchema>>;

/** Cluster mode is on when the database and Redis are given (load.ts refuses one without the other). */
export const isClusterMode = (config: Config): boolean => config.cluster.databaseUrl !== undefined;
