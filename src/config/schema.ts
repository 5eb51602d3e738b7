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
  captions: Type.Object({
    /** 'pocketsphinx' (built in), 'off', or the path of a module exporting createEngine (docs/captions.md). */
    engine: Type.String({ minLength: 1 }),
    /** Handed to the engine as options.modelDir (PocketSphinx: a model directory; another engine: its model). */
    modelDir: Type.String(),
    maxBacklogMs: Type.Integer({ minimum: 500, maximum: 60_000 }),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

export type Config = Readonly<Static<typeof ConfigSchema>>;
