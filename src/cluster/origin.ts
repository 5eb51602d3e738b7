import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Bus } from '../bus/bus.js';
import { closeRedis } from '../bus/redis/close-redis.js';
import type { ClusterStatus } from '../services/cluster-service.js';
import type { Clock } from '../services/clock.js';
import type { MediaHooks } from '../services/media-hooks.js';
import type { Store } from '../store/store.js';
import { SpaceLeases } from './leases.js';
import type { LocalMedia } from './local-media.js';
import { forwardMediaToRunningOrigin } from './media-forwarding.js';
import { Reconciler } from './reconciler.js';
import { OriginRegistry } from './registry.js';

export interface ClusterOrigin {
  readonly status: ClusterStatus;
  /** Started by the caller once the origin answers requests (reconciler.start()). */
  readonly reconciler: Reconciler;
  /** What the services call after a write: the reconciler looks at the store again at once. */
  hooks(local: Omit<MediaHooks, 'spaceLive' | 'spaceEnded' | 'setMuted' | 'removeSeat'>): MediaHooks;
  /** Makes this origin forward a Space's media requests to the origin running it (register before the media routes). */
  forwardMedia(app: FastifyInstance): void;
  /** Hands this origin's Spaces to the others, then stops. */
  close(): Promise<void>;
}

/**
 * This origin's part in a cluster: it reports itself in the registry, holds the leases of the Spaces it
 * runs, and reconciles its media with the store. Services never open media themselves here: whichever
 * origin answers POST /start, the Space runs where placement puts it.
 */
export function startClusterOrigin(options: {
  redisUrl: string; prefix: string; originId: string; internalUrl: string | null;
  store: Store; bus: Bus; clock: Clock; media: LocalMedia; onError: (err: unknown) => void;
  intervalMs?: number; leaseTtlMs?: number;
  /** Keep a hot standby of every live Space on another origin (the media planes relay the programme). */
  standbys?: boolean;
  /** The secret every origin of the deployment shares (config.secret). */
  secret: string;
  /** Headers of other planes that forwarded media requests carry both ways. */
  alsoRelayed?: readonly string[];
}): ClusterOrigin {
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', options.onError);
  const leases = new SpaceLeases(redis, options.prefix);
  const standbys = options.standbys ? new SpaceLeases(redis, options.prefix, 'standby') : null;
  const registry = new OriginRegistry(redis, options.prefix);
  let forgetPlacement: (spaceId: string) => void = () => {};
  // After this origin closes a Space's media, its requests are forwarded at once (not answered here
  // from a placement cached a moment before).
  const media: LocalMedia = {
    ...options.media,
    close: async (spaceId, why, closing) => {
      forgetPlacement(spaceId);
      await options.media.close(spaceId, why, closing);
      forgetPlacement(spaceId);
    },
    letSessionsMove: async (spaceId) => {
      // The clients' next sessions are POSTed here too: forwarded to the new primary, not answered here.
      forgetPlacement(spaceId);
      await options.media.letSessionsMove(spaceId);
    },
    standDown: async (spaceId) => {
      await options.media.standDown(spaceId);
      forgetPlacement(spaceId);
    },
  };
  const reconciler = new Reconciler({
    originId: options.originId, internalUrl: options.internalUrl, store: options.store, bus: options.bus, leases, standbys, registry,
    media, clock: options.clock, onError: options.onError,
    ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}), ...(options.leaseTtlMs ? { leaseTtlMs: options.leaseTtlMs } : {}),
  });
  const status: ClusterStatus = {
    mode: 'cluster',
    originId: options.originId,
    async origins(now) {
      return (await registry.list(now)).map((o) => ({
        id: o.id, internalUrl: o.internalUrl, state: o.state, load: o.load, spaces: o.spaces, lastHeartbeat: new Date(o.heartbeatAt).toISOString(),
      }));
    },
    placement: (spaceIds) => leases.holders(spaceIds),
    standbys: async (spaceIds) => standbys ? standbys.holders(spaceIds) : new Map(),
  };
  let closing: Promise<void> | undefined;
  return {
    status,
    reconciler,
    forwardMedia(app) {
      forgetPlacement = forwardMediaToRunningOrigin(app, {
        originId: options.originId, leases, standbys, registry, now: () => options.clock.now(), onError: options.onError, secret: options.secret, alsoRelayed: options.alsoRelayed ?? [],
      }).forget;
    },
    hooks(local) {
      const kick = () => { void reconciler.kick(); };
      // The reconciler alone opens and closes media here: the local planes' own spaceLive (what the
      // embedded default calls) must not also open the Space on whichever origin handled the start.
      return { ...local, spaceLive: kick, spaceEnded: () => reconciler.kick(), setMuted: kick, removeSeat: kick };
    },
    close() {
      closing ??= (async () => {
        await reconciler.drain().catch(options.onError);
        await reconciler.stop();
        await closeRedis(redis);
      })();
      return closing;
    },
  };
}

/** The embedded default's answer to GET /api/v1/cluster: one origin, running every live Space. */
export function embeddedStatus(load: () => number, running: () => number): ClusterStatus {
  return {
    mode: 'embedded',
    originId: 'local',
    async origins(now) {
      return [{ id: 'local', internalUrl: null, state: 'serving', load: load(), spaces: running(), lastHeartbeat: new Date(now).toISOString() }];
    },
    async placement(spaceIds) { return new Map(spaceIds.map((id) => [id, 'local'])); },
    async standbys() { return new Map(); },
  };
}
