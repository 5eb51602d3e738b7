/** A per-node figure the plan divides by, and where it came from (so a reader can check it). */
export interface Figure {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
}

export interface Capacities {
  /** Program bitrate of the Opus encoder (src/stage/options.ts). */
  readonly opusBitrateBps: Figure;
  readonly partMs: Figure;
  /** Segment duration: the unit of a segment stream (delivery 'segment-streams'). */
  readonly segmentMs: Figure;
  /** CMAF container bytes per part: moof + mdat header (docs/audience.md). */
  readonly containerBytesPerPart: Figure;
  /** One media playlist as a blocking reload returns it (measured: a delta update, brotli). */
  readonly playlistBytes: Figure;
  /** One poll of the room state (`/state`, brotli) with its response headers. */
  readonly stateBytes: Figure;
  /** HTTP/1.1 response headers per response (measured). */
  readonly responseHeaderBytes: Figure;
  /** Requests a LL-HLS player makes per part: one blocking reload, one part (delivery 'parts'). */
  readonly requestsPerPart: Figure;
  /**
   * Delivery 'segment-streams': the player reloads the playlist from the network at one segment
   * boundary in this many; the page makes up the others from the segment streams.
   */
  readonly segmentsPerRealReload: Figure;
  /** Requests per second one edge core serves (nginx, cache hits, small bodies). */
  readonly edgeRequestsPerCoreSecond: Figure;
  readonly edgeCores: Figure;
  readonly edgeNicBps: Figure;
  /** Origin requests per part per edge (request collapsing; docs/benchmarks.md). */
  readonly originRequestsPerPartPerEdge: Figure;
  /**
   * Delivery 'segment-streams': origin requests per segment per edge host, the segment's one stream
   * (the streaming cache shares it) and the edge's playlist reloads (nginx's cache collapses them).
   */
  readonly originRequestsPerSegmentPerEdge: Figure;
  /** Requests per second one origin core serves (fastify; playlists and parts). */
  readonly originRequestsPerCoreSecond: Figure;
  /** WHEP listeners one origin process feeds (its fan-out runs on one JS thread). */
  readonly whepListenersPerOrigin: Figure;
  /** Live Spaces one core mixes (13 speakers with mix-minus). */
  readonly spacesPerMixerCore: Figure;
  /** Control API requests per second per core (fastify with validation; writes through the bus). */
  readonly apiRequestsPerCoreSecond: Figure;
  readonly heartbeatSeconds: Figure;
  readonly redisOpsPerCoreSecond: Figure;
  readonly postgresWritesPerCoreSecond: Figure;
  /**
   * Cluster mode: audience writes (heartbeats, reactions, votes) one core of origin accepts, with the
   * Redis commands and PostgreSQL queries each costs (bench/cluster-writes.ts, three origins).
   */
  readonly clusterWritesPerOriginCoreSecond: Figure;
  readonly redisCommandsPerWrite: Figure;
  readonly postgresQueriesPerWrite: Figure;
  /** Simulated LL-HLS listeners one core of load generator drives (bench/loadtest-capacity.ts). */
  readonly loadtestListenersPerCore: Figure;
}

export interface Behaviour {
  /** Share of the audience that taps a reaction in a given second at the peak. */
  readonly reactionsPerListenerSecond: Figure;
  /** Share of the audience that asks a question over the event. */
  readonly askersShare: Figure;
  readonly votesPerListener: Figure;
  readonly eventSeconds: Figure;
  /** Seconds over which the audience arrives at the start (the join storm). */
  readonly joinStormSeconds: Figure;
  /** Listeners on WHEP (interactive, may be called up) rather than LL-HLS. */
  readonly whepShare: Figure;
  /** How often a listener page re-reads the room state (web/src/pages/listener.tsx pollMs). */
  readonly statePollSeconds: Figure;
}

const F = (value: number, unit: string, source: string): Figure => ({ value, unit, source });
const BENCH = 'docs/benchmarks.md';
/**
 * Cluster mode's planning constants, measured 2026-12-01 with three origins on the shared 2-core test
 * machine (docs/benchmarks.md, "Audience writes across origins"): the median of three runs' medians
 * (469, 548, 847 writes/s per core; 3.45, 3.38, 3.5 Redis commands, 0.65, 0.57, 0.52 PostgreSQL
 * queries per write, the costs rounded up). Conservative: origins there were far from busy, and a busier
 * origin spends less per write.
 */
const CLUSTER_WRITES_PER_CORE = 548;
const CLUSTER_REDIS_COMMANDS_PER_WRITE = 3.5;
const CLUSTER_POSTGRES_QUERIES_PER_WRITE = 0.6;

/** Every default, each labelled with where it came from; measured results replace them. */
export const DEFAULT_CAPACITIES: Capacities = {
  opusBitrateBps: F(32_000, 'b/s', 'the programme bit rate (--program-bitrate) default'),
  partMs: F(400, 'ms', 'src/config/defaults.ts audience.partTargetMs'),
  segmentMs: F(2_000, 'ms', 'src/config/defaults.ts audience.segmentTargetMs'),
  containerBytesPerPart: F(208, 'B', 'src/audience/fragment.ts fragmentOverhead: moof 120 + 4 x 20 samples, mdat header 8'),
  playlistBytes: F(330, 'B', 'measured 2026-11-30: a delta-update blocking reload at the live edge, brotli (bench/audience-egress.ts)'),
  stateBytes: F(360, 'B', 'measured 2026-12-01: /state of a small Space polled as the page does (a JSON Patch from the version it holds), brotli, headers included, HTTP/2 (bench/audience-egress.ts)'),
  responseHeaderBytes: F(240, 'B', 'measured: origin response headers, 2026-11-22'),
  requestsPerPart: F(2, 'req', 'LL-HLS player pattern (blocking reload + part)'),
  segmentsPerRealReload: F(3, 'segments', 'segment streams: web/src/lib/segment-streams.ts REAL_RELOAD_EVERY, a real reload at the opening of every third segment'),
  edgeRequestsPerCoreSecond: F(20_000, 'req/s', `${BENCH} Audience media: nginx ~5% of a core per 1k req/s (loopback)`),
  edgeCores: F(8, 'cores', 'assumed edge node size'),
  edgeNicBps: F(10e9, 'b/s', 'assumed 10 Gb/s NIC per edge'),
  originRequestsPerPartPerEdge: F(2, 'req', `${BENCH} Audience media: 1.22 req/part through nginx, rounded up`),
  // A player counts its made-up segments from its own last real reload, so the listeners of one edge,
  // joined at different times, reload at every boundary between them: one reload per segment per edge,
  // not one per three (that holds for one listener alone).
  originRequestsPerSegmentPerEdge: F(1.34, 'req', 'segment streams: 1 stream, shared by the edge (docs/edge.md: 20 listeners, one origin request) + 1/3 playlist reload: every page asks the origin for the playlist opening the same segments (numbers multiple of 3, web/src/lib/segment-streams.ts), nginx collapsing them into one'),
  originRequestsPerCoreSecond: F(7_600, 'req/s', `${BENCH} Audience media: 3,662 req/s at 48% of a core without edge`),
  whepListenersPerOrigin: F(1_500, 'listeners', `${BENCH} Stage media: ~68k packets/s per core, one core per process`),
  spacesPerMixerCore: F(10, 'Spaces', `${BENCH} Stage media: 9.8% of a core per 13-speaker Space`),
  apiRequestsPerCoreSecond: F(5_000, 'req/s', 'assumed: fastify with schema validation, below the 7.5k req/s measured for playlists with wrk'),
  heartbeatSeconds: F(30, 's', 'src/control/routes/audience.ts HEARTBEAT_SECONDS'),
  redisOpsPerCoreSecond: F(100_000, 'ops/s', 'published: redis-benchmark order of magnitude for simple commands, one core'),
  postgresWritesPerCoreSecond: F(5_000, 'writes/s', 'assumed: single-row INSERT/UPDATE with an index, durable commit batching'),
  clusterWritesPerOriginCoreSecond: F(CLUSTER_WRITES_PER_CORE, 'writes/s', `${BENCH} Audience writes across origins: three origins, median of three runs (bench/cluster-writes.ts, shared 2-core machine)`),
  redisCommandsPerWrite: F(CLUSTER_REDIS_COMMANDS_PER_WRITE, 'commands', `${BENCH} Audience writes across origins: counted on the wire, three origins`),
  postgresQueriesPerWrite: F(CLUSTER_POSTGRES_QUERIES_PER_WRITE, 'queries', `${BENCH} Audience writes across origins: counted on the wire, three origins`),
  loadtestListenersPerCore: F(20_000, 'listeners', 'the load generator target (>= 20k LL-HLS listeners on a 2-core machine)'),
};

export const DEFAULT_BEHAVIOUR: Behaviour = {
  reactionsPerListenerSecond: F(0.05, '/s', 'assumed: one tap per listener every 20 s at the peak'),
  askersShare: F(0.005, 'share', 'assumed: 0.5% of the audience asks a question'),
  votesPerListener: F(0.2, 'votes', 'assumed: one listener in five upvotes once'),
  eventSeconds: F(7_200, 's', 'assumed: a two-hour event'),
  joinStormSeconds: F(300, 's', 'assumed: the audience arrives over the first 5 minutes'),
  whepShare: F(0, 'share', 'assumed: every listener on LL-HLS; speakers and callers on WHEP only'),
  statePollSeconds: F(2, 's', 'web/src/pages/listener.tsx: every 2 s while the page is visible (30 s hidden)'),
};
