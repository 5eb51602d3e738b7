import { Type, type Static } from '@sinclair/typebox';

const Port = Type.Integer({ minimum: 0, maximum: 65_535 });
const PositiveInt = Type.Integer({ minimum: 1 });
/** An IPv4 or IPv6 address, optionally with a prefix length (proxy-addr's syntax), or loopback/linklocal/uniquelocal. */
const ProxyAddress = Type.String({ pattern: '^(loopback|linklocal|uniquelocal|[0-9.]+(/[0-9]{1,2})?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/[0-9]{1,3})?)$' });

export const ConfigSchema = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Port,
  dataDir: Type.String({ minLength: 1 }),
  publicUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$' })),
  /**
   * The proxies (edges) whose X-Forwarded-For is believed: the client is the right-most address not
   * in this list. Empty: the TCP peer is the client, whatever the header says.
   */
  trustProxy: Type.Array(ProxyAddress, { maxItems: 64 }),
  /** When set, GET /metrics asks for `Authorization: Bearer <token>`; unset, it answers loopback peers only. */
  metricsToken: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
  bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 }),
  http: Type.Object({
    /** The request line and headers must arrive within this (slowloris). */
    headersTimeoutMs: Type.Integer({ minimum: 500, maximum: 120_000 }),
    /** The whole request, body included, within this (a body that never ends). */
    requestTimeoutMs: Type.Integer({ minimum: 500, maximum: 600_000 }),
  }, { additionalProperties: false }),
  secret: Type.String({ minLength: 16 }),
  stage: Type.Object({
    maxOnStage: Type.Integer({ minimum: 1, maximum: 32 }),
    maxCohosts: Type.Integer({ minimum: 0, maximum: 31 }),
    udpPort: Port,
    bindAddress: Type.String({ minLength: 1 }),
    advertisedAddresses: Type.Array(Type.String({ minLength: 1 })),
    iceServers: Type.Array(Type.String({ pattern: '^(stun|turn|turns):' })),
    maxMediaSessions: PositiveInt,
    /** Opus bit rate of the programme (and of each speaker's mix-minus), bits/s. */
    programBitrate: Type.Integer({ minimum: 12_000, maximum: 128_000 }),
    inviteTtlHours: PositiveInt,
  }, { additionalProperties: false }),
  audience: Type.Object({
    partTargetMs: Type.Integer({ minimum: 100, maximum: 1000, multipleOf: 20 }),
    segmentTargetMs: Type.Integer({ minimum: 1000, maximum: 10_000 }),
    delivery: Type.Union([Type.Literal('parts'), Type.Literal('segment-streams')]),
    retentionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    backupEdgeUrls: Type.Array(Type.String({ pattern: '^https?://[^\\s/?#"]+$' }), { maxItems: 4 }),
  }, { additionalProperties: false }),
  limits: Type.Object({
    questionsPerMinute: PositiveInt,
    votesPerMinute: PositiveInt,
    reactionsPerSecond: PositiveInt,
    heartbeatsPerMinute: PositiveInt,
    listenerTokensPerMinute: PositiveInt,
    authPerMinute: PositiveInt,
    writesPerSecond: PositiveInt,
    noticesPerMinute: PositiveInt,
    ratingsPerMinute: PositiveInt,
  }, { additionalProperties: false }),
  sessionTtlDays: PositiveInt,
  /** Under-attack mode: proofs of work for anonymous writes and logins (docs/security.md). */
  underAttack: Type.Object({
    setting: Type.Union([Type.Literal('on'), Type.Literal('off'), Type.Literal('auto')]),
    baseDifficulty: Type.Integer({ minimum: 4, maximum: 28 }),
    holdMinutes: Type.Number({ minimum: 0, maximum: 1440 }),
  }, { additionalProperties: false }),
  /** The waiting room in front of the interactive routes (docs/security.md). */
  waitingRoom: Type.Object({
    /** 'auto': open while under-attack mode is on. */
    setting: Type.Union([Type.Literal('on'), Type.Literal('off'), Type.Literal('auto')]),
    totalActiveUsers: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    newUsersPerMinute: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    /** An admitted user idle (no interactive request) this long gives back their place. */
    sessionMinutes: Type.Number({ minimum: 1, maximum: 1440 }),
    /** A waiting user's ticket, renewed at each check-in (the page checks in every ~20 s). */
    ticketMinutes: Type.Number({ minimum: 1, maximum: 60 }),
  }, { additionalProperties: false }),
  /** Load shedding: level 1 at these, 2 at twice, 3 at four times (docs/security.md). */
  shedding: Type.Object({
    eventLoopDelayMs: Type.Number({ minimum: 1 }),
    rssMb: Type.Number({ minimum: 16 }),
    inFlight: PositiveInt,
  }, { additionalProperties: false }),
  captions: Type.Object({
    /** 'pocketsphinx' (built in), 'off', or the path of a module exporting createEngine (docs/captions.md). */
    engine: Type.String({ minLength: 1 }),
    /** Handed to the engine as options.modelDir (PocketSphinx: a model directory; another engine: its model). */
    modelDir: Type.String(),
    maxBacklogMs: Type.Integer({ minimum: 500, maximum: 60_000 }),
  }, { additionalProperties: false }),
  cluster: Type.Object({
    databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://\\S+$' })),
    redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://\\S+$' })),
    originId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' })),
    internalUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+/?$' })),
    redisPrefix: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    leaseTtlMs: Type.Integer({ minimum: 1_500, maximum: 60_000 }),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

export type Config = Readonly<Static<typeof ConfigSchema>>;

/** Cluster mode is on when the database and Redis are given (load.ts refuses one without the other). */
export const isClusterMode = (config: Config): boolean => config.cluster.databaseUrl !== undefined;
