/** Every default in one place. The schema (schema.ts) validates; this file decides. */
export const DEFAULTS = {
  host: '0.0.0.0',
  port: 8080,
  dataDir: './data',
  publicUrl: undefined as string | undefined,
  trustProxy: [] as string[],
  metricsToken: undefined as string | undefined,
  logLevel: 'info' as const,
  bodyLimitBytes: 64 * 1024,
  http: { headersTimeoutMs: 10_000, requestTimeoutMs: 15_000 },
  stage: {
    maxOnStage: 13,
    maxCohosts: 2,
    udpPort: 40_000,
    bindAddress: '0.0.0.0',
    advertisedAddresses: [] as string[],
    iceServers: [] as string[],
    maxMediaSessions: 1_000,
    // Speech, mono, fullband: Opus is near-transparent for speech from about 32 kb/s (RFC 6716 §2.1.1
    // gives 28-40 kb/s for fullband speech); 48 kb/s cost listeners 50 % more for music they do not hear.
    programBitrate: 32_000,
    inviteTtlHours: 24,
  },
  audience: {
    // 400 ms parts: hls.js makes a blocking reload and a part request per part, so this halves what a
    // listener costs a CDN against 200 ms; PART-HOLD-BACK (two parts) keeps the latency (docs/benchmarks.md).
    partTargetMs: 400,
    segmentTargetMs: 2_000,
    /**
     * How listeners' players fetch the audio: 'parts' (two requests per part, what any edge or CDN
     * serves) or 'segment-streams' (one request per segment, sent while it is produced: needs an edge
     * that shares a response while it fills, Varnish or a CDN; docs/edge.md).
     */
    delivery: 'parts' as 'parts' | 'segment-streams',
    retentionDays: 30,
    /** Other edges in front of the same origins: each a pathway of the multivariant playlist (docs/edge.md). */
    backupEdgeUrls: [] as string[],
  },
  limits: {
    questionsPerMinute: 1,
    votesPerMinute: 60,
    reactionsPerSecond: 5,
    heartbeatsPerMinute: 6,
    listenerTokensPerMinute: 10,
    authPerMinute: 20,
    writesPerSecond: 5,
    noticesPerMinute: 10,
    ratingsPerMinute: 60,
  },
  sessionTtlDays: 30,
  shedding: { eventLoopDelayMs: 200, rssMb: 1_536, inFlight: 4_000 },
  // 2^16 hashes: about a second of a mid-range phone's WebCrypto, one HMAC and one hash for the server.
  underAttack: { setting: 'auto' as const, baseDifficulty: 16, holdMinutes: 10 },
  // Off: the embedded default stays simple; 'auto' follows under-attack mode, 'on' is for a night
  // announced in advance. The figures fit one origin of the reference machine (docs/benchmarks.md).
  waitingRoom: { setting: 'off' as const, totalActiveUsers: 2_000, newUsersPerMinute: 300, sessionMinutes: 10, ticketMinutes: 2 },
  captions: {
    engine: 'pocketsphinx',
    modelDir: '/usr/share/pocketsphinx/model/en-us',
    maxBacklogMs: 4_000,
  },
  /** Cluster mode: all unset means the embedded default (SQLite, in-process bus). */
  cluster: {
    databaseUrl: undefined as string | undefined,
    redisUrl: undefined as string | undefined,
    /** Defaults to the host name in cluster mode (see load.ts); set it when two origins share a host. */
    originId: undefined as string | undefined,
    internalUrl: undefined as string | undefined,
    /** Every Redis key of the deployment starts with it: several deployments may share one Redis. */
    redisPrefix: 'tribune',
    /**
     * A Space's lease lapses this long after its origin last renewed it (every second): how long a
     * Space without a standby waits before another origin takes it after a crash. A standby does not
     * wait for it: it takes over once the primary stops answering.
     */
    leaseTtlMs: 5_000,
  },
} as const;

/**
 * The stage media plane's tuning that no flag sets. The composition root hands these to
 * `createStageMedia` with the configured values above (port, addresses, sessions, bit rate): the
 * media plane keeps no default of its own.
 */
export const STAGE_MEDIA_TUNING = {
  /** WHEP listeners of one Space on this origin. */
  maxListenersPerSpace: 500,
  /** A WHEP session whose media has not connected after this long is dropped. */
  connectTimeoutMs: 5_000,
  /** WHEP offers not yet connected, per client address and per /24 (IPv6 /56). */
  pendingPerAddress: 4,
  pendingPerNetwork: 32,
  /** How long a dropped speaker keeps their slot in the mix, waiting for a re-publish. */
  reconnectGraceMs: 30_000,
  /** No RTP for this long from a publisher means its network vanished. */
  mediaTimeoutMs: 5_000,
  /** Per-client-IP session creations: bucket size and refill per second. */
  sessionRateBurst: 20,
  sessionRatePerSecond: 5,
  /** How long to wait for ICE gathering before answering (non-trickle). */
  gatheringTimeoutMs: 2_000,
  /** Interval of SpeakerLevels events, >= 250 ms (4 Hz). */
  levelIntervalMs: 250,
} as const;
