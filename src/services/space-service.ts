import { isValidTimeZone, nextSpaceState, type SpaceTransition } from '../domain/space-lifecycle.js';
import type { Space } from '../domain/types.js';
import { TribuneError } from '../errors/catalogue.js';
import type { Store } from '../store/store.js';
import { accessTo, demand, platformAccess, requireUser, type Actor } from './actor.js';
import { iso, type Clock } from './clock.js';
import { newId } from './crypto.js';
import type { MediaHooks } from './media-hooks.js';

export interface CreateSpaceInput {
  title: string;
  description?: string;
  language?: string;
  scheduledStart?: string;
  timeZone?: string;
}

const ACTION: Record<SpaceTransition, 'space.start' | 'space.end' | 'space.cancel'> = {
  start: 'space.start', end: 'space.end', cancel: 'space.cancel',
};

export class SpaceService {
  readonly #store: Store;
  readonly #media: MediaHooks;
  readonly #onLive: (space: Space) => void;
  readonly #clock: Clock;
  readonly #limits: { maxOnStage: number; maxCohosts: number };
  readonly #recent = new Map<string, { space: Space; at: number }>();

  /** `onLive`: told once per go-live (Web Push to followers); it must not block the transition. */
  constructor(deps: { store: Store; media: MediaHooks; clock: Clock; limits: { maxOnStage: number; maxCohosts: number }; onLive?: (space: Space) => void }) {
    this.#store = deps.store;
    this.#media = deps.media;
    this.#onLive = deps.onLive ?? (() => {});
    this.#clock = deps.clock;
    this.#limits = deps.limits;
  }

  async get(spaceId: string): Promise<Space> {
    const space = await this.#store.spaces.byId(spaceId);
    if (!space) throw new TribuneError('SPACE_NOT_FOUND', { spaceId });
    return space;
  }

  /**
   * A Space read at most `maxAgeMs` ago: the audience's write paths (heartbeats, reactions) arrive at
   * tens of thousands a second and need only to know the Space exists and whether it is live.
   */
  async getRecent(spaceId: string, maxAgeMs = 1000): Promise<Space> {
    const now = this.#clock.now();
    const hit = this.#recent.get(spaceId);
    if (hit && now - hit.at < maxAgeMs) return hit.space;
    const space = await this.get(spaceId);
    if (this.#recent.size >= 10_000) this.#recent.clear();
    this.#recent.set(spaceId, { space, at: now });
    return space;
  }

  async list(filter: { states?: Space['state'][]; hostId?: string; limit?: number }): Promise<Space[]> {
    return this.#store.spaces.list({ ...filter, limit: Math.min(filter.limit ?? 50, 200) });
  }

  /** Creates the Space with its host already seated, so the stage shows who hosts before it starts. */
  async create(actor: Actor, input: CreateSpaceInput): Promise<Space> {
    const user = requireUser(actor);
    demand(platformAccess(actor), 'space.create');
    if (input.timeZone !== undefined && !isValidTimeZone(input.timeZone)) throw new TribuneError('INVALID_TIME_ZONE', { timeZone: input.timeZone });
    const now = iso(this.#clock.now());
    const space: Space = {
      id: newId('sp'),
      title: input.title.trim(),
      description: input.description?.trim() ?? '',
      language: input.language ?? 'en',
      hostId: user.id,
      state: 'scheduled',
      scheduledStart: input.scheduledStart ? new Date(input.scheduledStart).toISOString() : null,
      timeZone: input.timeZone ?? null,
      createdAt: now,
      startedAt: null,
      endedAt: null,
      ...this.#limits,
    };
    await this.#store.spaces.create(space);
    await this.#store.stage.takeSeat({
      id: newId('p'), spaceId: space.id, userId: user.id, displayName: user.displayName, role: 'host',
      muted: false, joinedAt: now, leftAt: null,
    });
    return space;
  }

  /** A Space that never went live can be deleted outright (the same people who may cancel it). */
  async delete(actor: Actor, spaceId: string): Promise<void> {
    const space = await this.get(spaceId);
    demand(await accessTo(this.#store, actor, space), 'space.cancel');
    if (space.state !== 'scheduled' && space.state !== 'cancelled') throw new TribuneError('SPACE_STATE_CONFLICT', { state: space.state, action: 'delete' });
    await this.#store.spaces.delete(spaceId);
  }

  async update(actor: Actor, spaceId: string, patch: Partial<CreateSpaceInput>): Promise<Space> {
    const space = await this.get(spaceId);
    demand(await accessTo(this.#store, actor, space), 'space.update');
    if (space.state !== 'scheduled' && patch.scheduledStart !== undefined) throw new TribuneError('SPACE_STATE_CONFLICT', { state: space.state, action: 'reschedule' });
    if (patch.timeZone !== undefined && !isValidTimeZone(patch.timeZone)) throw new TribuneError('INVALID_TIME_ZONE', { timeZone: patch.timeZone });
    const updated = await this.#store.spaces.update(spaceId, {
      title: patch.title?.trim(),
      description: patch.description?.trim(),
      language: patch.language,
      scheduledStart: patch.scheduledStart ? new Date(patch.scheduledStart).toISOString() : undefined,
      timeZone: patch.timeZone,
    });
    return updated ?? space;
  }

  /** Deletes the replay for good (a takedown, or the host's wish). Only once the Space is over. */
  async deleteRecording(actor: Actor, spaceId: string): Promise<void> {
    const space = await this.get(spaceId);
    demand(await accessTo(this.#store, actor, space), 'space.delete-recording');
    if (space.state === 'live') throw new TribuneError('SPACE_STATE_CONFLICT', { state: space.state, action: 'delete the recording' });
    await this.#media.deleteRecording(spaceId);
  }

  /**
   * Moves the Space along its lifecycle with a compare-and-set. When someone else moved it between our
   * read and our write, we re-read and decide again from the state they left: the lifecycle only moves
   * forward (scheduled -> live -> ended, or cancelled), so this settles within as many rounds as it has
   * states; the bound is there so a store that misbehaves cannot loop us forever.
   */
  async transition(actor: Actor, spaceId: string, transition: SpaceTransition): Promise<Space> {
    for (let round = 0; round < 4; round++) {
      const space = await this.get(spaceId);
      demand(await accessTo(this.#store, actor, space), ACTION[transition]);
      const state = nextSpaceState(space.state, transition);
      const now = iso(this.#clock.now());
      const patch = transition === 'start' ? { state, startedAt: now } : { state, endedAt: now };
      const updated = await this.#store.spaces.transition(spaceId, space.state, patch, [{ spaceId, event: { type: 'space.state', state } }]);
      if (!updated) continue;
      if (state === 'live') {
        this.#media.spaceLive(spaceId);
        this.#onLive(updated);
      }
      if (state === 'ended') await this.#media.spaceEnded(spaceId);
      return updated;
    }
    throw new TribuneError('SPACE_STATE_CONFLICT', { state: 'changing', action: transition });
  }
}
