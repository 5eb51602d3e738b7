import { readFileSync } from 'node:fs';
import type { Agent as HttpsAgent } from 'node:https';
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
import { createAudience, audienceRoutes, subtitleRoutes, SharedRecordingStore, type Audience, type RecordingRows } from './audience/index.js';
import { CaptionsWiring } from './captions-wiring.js';
import { MemoryBus } from './bus/memory/memory-bus.js';
import type { Bus } from './bus/bus.js';
import type { SpaceEvent } from './bus/events.js';
import { isClusterMode, type Config } from './config/schema.js';
import { STAGE_MEDIA_TUNING } from './config/defaults.js';
import { Readiness } from './services/readiness.js';
import { ReplayService } from './services/replays.js';
import { SpaceStateService } from './services/space-state.js';
import { UserDirectory } from './services/user-directory.js';
import { publicBaseUrl } from './services/views.js';
import { RedisBus } from './bus/redis/redis-bus.js';
import type { AudienceCounters } from './counters/counters.js';
import { bookkeepingMedia } from './cluster/local-media.js';
import { sessionIdPrefix } from './cluster/media-forwarding.js';
import { embeddedStatus, startClusterOrigin, type ClusterOrigin } from './cluster/origin.js';
import { ProgrammeRelay } from './cluster/programme-relay.js';
import { originMedia, sessionLoad } from './origin-media.js';
import { ClusterService } from './services/cluster-service.js';
import { registry } from './observability/metrics.js';
import { MemoryCounters } from './counters/memory-counters.js';
import { RedisCounters } from './counters/redis-counters.js';
import { createPostgresStore } from './store/postgres/index.js';
import { createHttpApp, registerControlPlane } from './control/app.js';
import { TICKET_HEADER } from './control/defence/room-ticket.js';
import { installShedding, type LoadGauges } from './control/defence/shedding.js';
import { installPowGate } from './control/defence/pow-gate.js';
import { ProofOfWork } from './control/defence/proof-of-work.js';
import { UnderAttack } from './control/defence/under-attack.js';
import { WaitingRoom } from './control/defence/waiting-room.js';
import { installWaitingRoomGate } from './control/defence/waiting-room-gate.js';
import type { ControlContext } from './control/context.js';
import { createRateLimits, type LimiterFactory } from './control/rate-limits.js';
import { MemoryWaitingRoom, memoryLimiter, RedisWaitingRoom, redisLimiter } from './limits/index.js';
import { closeRedis } from './bus/redis/close-redis.js';
import { Redis } from 'ioredis';
import { pageHeads } from './control/routes/sharing.js';
import { AudienceService } from './services/audience-service.js';
import { AuthService } from './services/auth-service.js';
import { systemClock, type Clock } from './services/clock.js';
import { NO_MEDIA, type MediaHooks } from './services/media-hooks.js';
import { FollowService } from './services/follow-service.js';
import { PushNotifier, loadVapidKeys } from './services/push-notifier.js';
import { QuestionService } from './services/question-service.js';
import { SpaceService } from './services/space-service.js';
import { StageService } from './services/stage-service.js';
import { TrustSafetyService } from './trust-safety/service.js';
import { NotesService } from './notes/service.js';
import { OutboxRelay } from './services/outbox-relay.js';
import { watchOutbox } from './observability/outbox-metrics.js';
import { createStageMedia, stageRoutes as stageMediaRoutes, type StageMedia } from './stage/index.js';
import { createSqliteStore } from './store/sqlite/index.js';
import { webappRoutes, WEB_DIST_DIR } from './webapp/routes.js';
import type { Store } from './store/store.js';

export interface ServerOptions {
  /** fastify's logger option: pino options, false in tests. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Without media the control plane runs alone (no UDP port, no packager): for its own tests. */
  readonly media?: boolean;
  readonly clock?: Clock;
  /** The load gauges load shedding reads (tests reach a pressure level with their own). */
  readonly loadGauges?: LoadGauges;
  /** The HTTPS agent for Web Push requests (a test's push service with its own certificate). */
  readonly pushAgent?: HttpsAgent;
}

export interface RunningServer {
  readonly url: string;
  readonly config: Config;
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly bus: Bus;
  readonly stageMedia: StageMedia | null;
  readonly audience: Audience | null;
  close(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const DAY_MS = 86_400_000;
/** How stale, at most, one origin's view of what the others decided (restrictions, note scores) is in cluster mode. */
const CLUSTER_REFRESH_MS = 2_000;
/**
 * How often a relay looks at the outbox besides its own origin's commits: the delay, at most, before an
 * event another origin committed is published when that origin's own relay did not (it died, or Redis
 * was away). Alone, every commit wakes the relay, so the poll only picks up what a restart left.
 */
const CLUSTER_OUTBOX_POLL_MS = 200;
const EMBEDDED_OUTBOX_POLL_MS = 1_000;

/**
 * The composition root: builds the store, the bus, the services and the three planes, wires them the
 * one way data flows (control -> stage -> program -> audience), and listens.
 */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const app = await createHttpApp({ logger: options.logger ?? false, bodyLimit: config.bodyLimitBytes, trustProxy: config.trustProxy.length > 0 ? [...config.trustProxy] : false, version: VERSION,
    publicUrl: config.publicUrl, mediaOrigins: config.audience.backupEdgeUrls, headersTimeoutMs: config.http.headersTimeoutMs, requestTimeoutMs: config.http.requestTimeoutMs });
  // The defences, in the order a request meets them: load shedding, proof of work under attack, the
  // waiting room.
  const shedding = await installShedding(app, config.shedding, options.loadGauges);
  const underAttack = new UnderAttack(config.underAttack, shedding.pressure, clock.now);
  const pow = new ProofOfWork(config.secret, { now: clock.now });
  installPowGate(app, underAttack, pow);
  // Limits and the waiting room are one across every origin of a cluster (Redis, falling back to
  // memory while it is away).
  const limitsRedis = isClusterMode(config) ? new Redis(config.cluster.redisUrl!, { maxRetriesPerRequest: 1, enableOfflineQueue: false, enableAutoPipelining: true }) : null;
  limitsRedis?.on('error', () => {});
  const waitingRoom = new WaitingRoom({
    settings: config.waitingRoom, secret: config.secret, now: clock.now, underAttack: () => underAttack.state().underAttack,
    store: limitsRedis ? new RedisWaitingRoom(limitsRedis, `${config.cluster.redisPrefix}:`) : new MemoryWaitingRoom(),
  });
  installWaitingRoomGate(app, waitingRoom);
  const { store, bus, counters, recordings } = await openEngines(config, clock, app.log);
  // The domain events writes committed to the outbox reach the bus through this origin's relay
  // (and every other origin's: whichever holds the outbox at the moment publishes).
  const relay = new OutboxRelay({
    outbox: store.outbox, bus, pollMs: isClusterMode(config) ? CLUSTER_OUTBOX_POLL_MS : EMBEDDED_OUTBOX_POLL_MS,
    onError: (err) => app.log.warn({ err }, 'outbox relay: publishing failed, the events wait in the outbox'),
  });
  relay.start();
  watchOutbox(store.outbox);
  const publishQuietly = (spaceId: string, event: SpaceEvent) => {
    bus.publish(spaceId, event).catch((err: unknown) => app.log.warn({ err, event: event.type }, 'bus publish failed'));
  };

  /** The address the server listens on, known once listening (page links when no publicUrl is set). */
  let url = '';
  let stageMedia: StageMedia | null = null;
  let audience: Audience | null = null;
  let captions: CaptionsWiring | null = null;
  if (options.media !== false) {
    // Cluster mode: recordings in PostgreSQL, so a Space that moves continues one recording and any
    // origin answers its replay. The embedded default keeps them under <data-dir>/media/.
    const shared = recordings ? new SharedRecordingStore(recordings, () => clock.now()) : undefined;
    audience = createAudience({ dataDir: config.dataDir, partTargetMs: config.audience.partTargetMs, segmentTargetMs: config.audience.segmentTargetMs, retentionDays: config.audience.retentionDays, opusBitrate: config.stage.programBitrate, backupEdgeUrls: config.audience.backupEdgeUrls }, shared);
    stageMedia = createStageMedia({
      ...STAGE_MEDIA_TUNING,
      udpPort: config.stage.udpPort, bindAddress: config.stage.bindAddress, advertisedAddresses: config.stage.advertisedAddresses,
      iceServers: config.stage.iceServers, maxSessions: config.stage.maxMediaSessions, opusBitrate: config.stage.programBitrate,
      ...(isClusterMode(config) ? { sessionIdPrefix: sessionIdPrefix(config.cluster.originId!) } : {}),
    });
    captions = new CaptionsWiring({ config: config.captions, stageMedia, audience, store, log: app.log });
  }
  let media: MediaHooks = stageMedia && audience ? mediaHooks(stageMedia, audience, captions!) : NO_MEDIA;
  let clusterOrigin: ClusterOrigin | null = null;
  let programmeRelay: ProgrammeRelay | null = null;
  let clusterStatus = embeddedStatus(() => (stageMedia ? sessionLoad(stageMedia, config.stage.maxMediaSessions) : 0), () => stageMedia?.stats().spaces ?? 0);
  if (isClusterMode(config)) {
    const { redisUrl, redisPrefix, originId, internalUrl } = config.cluster;
    // Every series says which origin it comes from, so one Prometheus can scrape them all.
    registry.setDefaultLabels({ service: 'tribune', origin: originId! });
    const onError = (err: unknown) => app.log.error({ err }, 'cluster reconciler');
    // Every live Space has a hot standby on another origin, fed by this relay (docs/cluster.md).
    programmeRelay = stageMedia && audience ? new ProgrammeRelay(redisUrl!, redisPrefix, onError) : null;
    let kick: () => void = () => {};
    clusterOrigin = startClusterOrigin({
      redisUrl: redisUrl!, prefix: redisPrefix, originId: originId!, internalUrl: internalUrl ?? null, store, bus, clock,
      media: stageMedia && audience
        ? originMedia({ stageMedia, audience, captions: captions!, maxSessions: config.stage.maxMediaSessions, ...(programmeRelay ? { relay: programmeRelay } : {}), onPrimarySilent: () => kick(), log: app.log })
        : bookkeepingMedia(),
      onError, standbys: programmeRelay !== null, leaseTtlMs: config.cluster.leaseTtlMs, secret: config.secret, alsoRelayed: [TICKET_HEADER],
    });
    const reconciler = clusterOrigin.reconciler;
    kick = () => { void reconciler.kick(); };
    media = clusterOrigin.hooks(media);
    clusterStatus = clusterOrigin.status;
    clusterOrigin.forwardMedia(app);
  }

  // A replay a moderation decision disabled is not offered, whichever service asks.
  let replayAllowed: (spaceId: string) => boolean = () => true;
  const ungated = media;
  media = { ...ungated, hasReplay: async (spaceId) => replayAllowed(spaceId) && ungated.hasReplay(spaceId) };

  const auth = new AuthService(store, clock, { sessionTtlDays: config.sessionTtlDays });
  // One key pair for the deployment, kept in the store: every origin signs with the key browsers subscribed with.
  const push = new PushNotifier({
    store, keys: await store.follows.pushKeys(loadVapidKeys(config.dataDir)), agent: options.pushAgent,
    subject: config.publicUrl?.startsWith('https:') ? config.publicUrl : 'mailto:tribune@localhost',
    onError: (err) => app.log.warn({ err }, 'web push failed'),
  });
  const pageBase = () => (config.publicUrl ?? url).replace(/\/+$/, '');
  const spaces = new SpaceService({
    store, media, clock, limits: { maxOnStage: config.stage.maxOnStage, maxCohosts: config.stage.maxCohosts },
    onLive: (space) => push.spaceLive(space, `${pageBase()}/s/${space.id}`),
  });
  const follows = new FollowService({ store, clock });
  const stage = new StageService({ store, bus, media, clock, spaces, auth, inviteTtlHours: config.stage.inviteTtlHours });
  const questions = new QuestionService({ store, clock, stage, questionsPerMinute: config.limits.questionsPerMinute });
  const audienceService = new AudienceService({ store, bus, clock, counters, secret: config.secret, onError: (err) => app.log.error({ err }, 'audience flush failed') });
  audienceService.start();
  const trustSafety = new TrustSafetyService({ store, clock, spaces, stage });
  await trustSafety.start();
  replayAllowed = (spaceId) => !trustSafety.isReplayDisabled(spaceId);
  // With several origins, each reloads what the others decided (suspensions, disabled replays, reversals):
  // a read every origin does for its own memory, so no lease. Alone, its own decisions are all there are.
  const restrictionsRefresh = isClusterMode(config) ? setInterval(() => {
    trustSafety.refresh().catch((err: unknown) => app.log.warn({ err }, 'trust & safety refresh failed'));
  }, CLUSTER_REFRESH_MS) : null;
  restrictionsRefresh?.unref();
  const notes = new NotesService({ store, clock, spaces, ...(isClusterMode(config) ? { maxScoreAgeMs: CLUSTER_REFRESH_MS } : {}) });

  const cluster = new ClusterService({ store, status: clusterStatus, clock });
  const limiterFactory: LimiterFactory = limitsRedis
    ? (name, spec) => redisLimiter(limitsRedis, `${config.cluster.redisPrefix}:`, name, spec)
    : memoryLimiter;

  const users = new UserDirectory(store);
  const replays = new ReplayService({ media, spaces });
  const state = new SpaceStateService({
    store, clock, spaces, audience: audienceService, questions, users, replays, baseUrl: publicBaseUrl(config.publicUrl),
    hlsDelivery: config.audience.delivery,
    defence: () => {
      const d = underAttack.state();
      return { underAttack: d.underAttack, shedding: d.pressure.level > 0, waitingRoom: waitingRoom.isOpen() };
    },
  });
  const readiness = new Readiness({ store, bus });

  let ready = false;
  const ctx: ControlContext = {
    config, auth, users, replays, state, readiness, spaces, stage, questions, audience: audienceService, trustSafety, notes, follows, push, cluster,
    limits: createRateLimits(config.limits, limiterFactory), defence: { underAttack, pow, waitingRoom }, isReady: () => ready,
  };
  const live = registerControlPlane(app, ctx);
  // The pages and their content-hashed assets, built by Vite into dist/web.
  await app.register(webappRoutes, { distDir: WEB_DIST_DIR, heads: pageHeads(ctx) });

  if (stageMedia && audience) {
    const planes = { media: stageMedia, authority: stage };
    await app.register(async (scope) => stageMediaRoutes(scope, planes));
    const hls = { audience };
    await app.register(async (scope) => audienceRoutes(scope, hls));
    const subtitles = { subtitles: audience.subtitles, targetDuration: Math.max(1, Math.round(config.audience.segmentTargetMs / 1000)) };
    await app.register(async (scope) => subtitleRoutes(scope, subtitles));
    stageMedia.events.on('levels', (levels) => {
      audienceService.noteLevels(levels);
      publishQuietly(levels.spaceId, { type: 'stage.levels', levels: levels.levels });
    });
    stageMedia.events.on('seat-state', (e) => {
      publishQuietly(e.spaceId, { type: 'stage.media', participantId: e.participantId, state: e.state });
      if (e.state === 'connected') captions?.refreshNames(e.spaceId);
    });
    stageMedia.events.on('error', (err) => app.log.error({ err }, 'stage media fault'));
    // A restart while Spaces were live: their program resumes (the playlist continues after a discontinuity).
    // Not in cluster mode: there every origin would open every live Space; which origin runs a Space's
    // media is for placement to decide (docs/cluster.md: not built yet).
    const resumed = isClusterMode(config) ? [] : await store.spaces.list({ states: ['live'], limit: 1000 });
    for (const space of resumed) {
      media.spaceLive(space.id);
      for (const seat of await store.stage.onStage(space.id)) if (seat.muted) media.setMuted(space.id, seat.id, true);
    }
  }
  const purge = setInterval(() => {
    audience?.purgeExpired().then((ids) => { if (ids.length) app.log.info({ spaces: ids }, 'expired recordings deleted'); }, (err) => app.log.error({ err }, 'purge failed'));
  }, DAY_MS / 24);
  purge.unref();
  void audience?.purgeExpired().catch(() => {});

  const address = await app.listen({ port: config.port, host: config.host });
  ready = true;
  clusterOrigin?.reconciler.start();
  url = address.replace(/:\/\/(0\.0\.0\.0|127\.0\.0\.1|\[::1?\])/, '://localhost');

  let closing: Promise<void> | undefined;
  return {
    url, config, app, store, bus, stageMedia, audience,
    close() {
      closing ??= (async () => {
        ready = false;
        clearInterval(purge);
        if (restrictionsRefresh) clearInterval(restrictionsRefresh);
        await push.idle();
        // First hand this origin's Spaces to the others (they take them within a tick or two).
        await clusterOrigin?.close();
        await programmeRelay?.close();
        live.close();
        await app.close();
        await captions?.close();
        await stageMedia?.close();
        await audience?.close();
        await audienceService.close();
        // After the services: what they committed last is published before the bus closes.
        await relay.close();
        await counters.close();
        await bus.close();
        if (limitsRedis) await closeRedis(limitsRedis);
        await store.close();
      })();
      return closing;
    },
  };
}

/**
 * The embedded default: SQLite in the data directory and the in-process bus. Cluster mode: PostgreSQL
 * (migrated before this origin answers) and Redis, shared by every origin of the deployment.
 */
async function openEngines(config: Config, clock: Clock, log: FastifyBaseLogger): Promise<{ store: Store; bus: Bus; counters: AudienceCounters; recordings: RecordingRows | null }> {
  const now = () => clock.now();
  if (!isClusterMode(config)) {
    const bus = new MemoryBus({ now, onError: (err, envelope) => log.error({ err, event: envelope.event.type }, 'bus subscriber failed') });
    return { store: createSqliteStore(config.dataDir, { origin: bus.origin }), bus, counters: new MemoryCounters(), recordings: null };
  }
  const { databaseUrl, redisUrl, originId, redisPrefix } = config.cluster;
  const store = await createPostgresStore({ url: databaseUrl!, origin: originId! });
  // ioredis reports every failed reconnection: say it once per outage, not ten times a second.
  let redisDown = false;
  const onRedisError = (err: unknown) => {
    if (!redisDown) log.error({ err }, 'redis error');
    redisDown = true;
    setTimeout(() => { redisDown = false; }, 10_000).unref();
  };
  const bus = new RedisBus({ url: redisUrl!, prefix: redisPrefix, origin: originId!, now, onError: onRedisError });
  const counters = new RedisCounters({ url: redisUrl!, prefix: redisPrefix, onError: onRedisError });
  return { store, bus, counters, recordings: store.recordings };
}

function mediaHooks(stageMedia: StageMedia, audience: Audience, captions: CaptionsWiring): MediaHooks {
  return {
    spaceLive: (spaceId) => {
      stageMedia.openSpace(spaceId, audience.begin(spaceId));
      captions.spaceLive(spaceId);
    },
    spaceEnded: async (spaceId) => {
      captions.spaceEnded(spaceId);
      await stageMedia.closeSpace(spaceId);
    },
    setMuted: (spaceId, participantId, muted) => stageMedia.setMuted(spaceId, participantId, muted),
    removeSeat: (spaceId, participantId) => stageMedia.removeSeat(spaceId, participantId),
    deleteRecording: (spaceId) => audience.deleteRecording(spaceId),
    hasReplay: (spaceId) => audience.hasReplay(spaceId),
    makeClip: (spaceId, fromMs, durationMs) => audience.makeClip(spaceId, fromMs, durationMs),
    clipInfo: async (spaceId, clipId) => (await audience.clip(spaceId, clipId)).info,
    recordingBytes: async (spaceId) => (await audience.hasReplay(spaceId) ? (await audience.recording(spaceId)).size : null),
  };
}
