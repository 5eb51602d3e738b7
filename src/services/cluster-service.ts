import { TribuneError } from '../errors/catalogue.js';
import type { Store } from '../store/store.js';
import { requireUser, type Actor } from './actor.js';
import type { Clock } from './clock.js';

export interface OriginView {
  readonly id: string;
  readonly internalUrl: string | null;
  readonly state: 'serving' | 'draining';
  readonly load: number;
  readonly spaces: number;
  readonly lastHeartbeat: string;
}

/** What the deployment knows of its origins and who runs each live Space (Redis in cluster mode). */
export interface ClusterStatus {
  readonly mode: 'embedded' | 'cluster';
  readonly originId: string;
  origins(now: number): Promise<OriginView[]>;
  /** The origin running each Space's media; null when nobody does yet. */
  placement(spaceIds: readonly string[]): Promise<Map<string, string | null>>;
  /** The origin keeping each Space's hot standby; null when none does. */
  standbys(spaceIds: readonly string[]): Promise<Map<string, string | null>>;
}

export interface ClusterView {
  readonly mode: 'embedded' | 'cluster';
  readonly origin: string;
  readonly origins: OriginView[];
  readonly spaces: Array<{ spaceId: string; origin: string | null; standby: string | null }>;
}

/** For operators: the origins and where every live Space runs. Platform admins only. */
export class ClusterService {
  readonly #store: Store;
  readonly #status: ClusterStatus;
  readonly #clock: Clock;

  constructor(deps: { store: Store; status: ClusterStatus; clock: Clock }) {
    this.#store = deps.store;
    this.#status = deps.status;
    this.#clock = deps.clock;
  }

  async view(actor: Actor): Promise<ClusterView> {
    const user = requireUser(actor);
    if (user.platformRole !== 'admin') throw new TribuneError('FORBIDDEN', { role: user.platformRole === 'user' ? 'listener' : user.platformRole, action: 'see the cluster' });
    const live = await this.#store.spaces.list({ states: ['live'], limit: 10_000 });
    const ids = live.map((s) => s.id);
    const [origins, placement, standbys] = await Promise.all([this.#status.origins(this.#clock.now()), this.#status.placement(ids), this.#status.standbys(ids)]);
    return {
      mode: this.#status.mode, origin: this.#status.originId, origins,
      spaces: live.map((s) => ({ spaceId: s.id, origin: placement.get(s.id) ?? null, standby: standbys.get(s.id) ?? null })),
    };
  }
}
