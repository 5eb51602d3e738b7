import type { Space, User } from '../domain/types.js';
import { TribuneError } from '../errors/catalogue.js';
import type { Store } from '../store/store.js';
import { requireUser, type Actor } from './actor.js';
import type { Clock } from './clock.js';

const iso = (ms: number) => new Date(ms).toISOString();
const NOTIFICATION_LIMIT = 20;
/** Browsers and devices per account that get a push: more than anyone has, few enough to bound a go-live. */
const PUSH_SUBSCRIPTIONS_PER_ACCOUNT = 10;

/**
 * Follow a host, be reminded of a Space. Going live writes nothing per follower: a follower's
 * notifications are the live Spaces their follows and reminders point at, found when they ask.
 */
export class FollowService {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(deps: { store: Store; clock: Clock }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
  }

  async #host(handle: string): Promise<User> {
    const host = await this.#store.users.byHandle(handle);
    if (!host) throw new TribuneError('HANDLE_NOT_FOUND', { handle });
    return host;
  }

  async follow(actor: Actor, handle: string): Promise<void> {
    const user = requireUser(actor);
    const host = await this.#host(handle);
    if (host.id === user.id) throw new TribuneError('CANNOT_FOLLOW_SELF');
    await this.#store.follows.follow(user.id, host.id, iso(this.#clock.now()));
  }

  async unfollow(actor: Actor, handle: string): Promise<void> {
    const user = requireUser(actor);
    await this.#store.follows.unfollow(user.id, (await this.#host(handle)).id);
  }

  async followState(actor: Actor, handle: string): Promise<{ following: boolean; followers: number }> {
    const host = await this.#host(handle);
    return {
      following: actor.user ? await this.#store.follows.isFollowing(actor.user.id, host.id) : false,
      followers: await this.#store.follows.followerCount(host.id),
    };
  }

  async remind(actor: Actor, space: Space, on: boolean): Promise<void> {
    const user = requireUser(actor);
    if (on && space.state !== 'scheduled' && space.state !== 'live') {
      throw new TribuneError('SPACE_STATE_CONFLICT', { state: space.state, action: 'set a reminder' });
    }
    if (on) await this.#store.follows.remind(user.id, space.id, iso(this.#clock.now()));
    else await this.#store.follows.unremind(user.id, space.id);
  }

  async isReminded(actor: Actor, spaceId: string): Promise<boolean> {
    return actor.user ? this.#store.follows.isReminded(actor.user.id, spaceId) : false;
  }

  /** Web Push to this browser when a followed or reminded Space goes live; the oldest beyond the cap go. */
  async subscribePush(actor: Actor, subscription: { endpoint: string; keys: { p256dh: string; auth: string } }): Promise<void> {
    const user = requireUser(actor);
    const { endpoint, keys } = subscription;
    await this.#store.follows.savePushSubscription({ endpoint, userId: user.id, p256dh: keys.p256dh, auth: keys.auth, createdAt: iso(this.#clock.now()) }, PUSH_SUBSCRIPTIONS_PER_ACCOUNT);
  }

  /** The endpoint is the browser's secret: whoever holds it may stop it. */
  async unsubscribePush(endpoint: string): Promise<void> {
    await this.#store.follows.deletePushSubscription(endpoint);
  }

  /** What is live now for this user (read-time fan-out). */
  async notifications(actor: Actor): Promise<Space[]> {
    return this.#store.follows.liveFor(requireUser(actor).id, NOTIFICATION_LIMIT);
  }
}
