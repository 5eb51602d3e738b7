import type { Space, User } from '../domain/types.js';
import type { Store } from '../store/store.js';

/** Public facts about accounts, as the pages and lists that name people read them. */
export class UserDirectory {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  byId(id: string): Promise<User | null> {
    return this.#store.users.byId(id);
  }

  /** Never carries the password hash out of the services. */
  async byHandle(handle: string): Promise<User | null> {
    const found = await this.#store.users.byHandle(handle);
    if (!found) return null;
    const { passwordHash: _, ...user } = found;
    return user;
  }

  /** The hosts of a page of Spaces in one store query, whatever the page's length. */
  async hostsOf(spaces: readonly Space[]): Promise<ReadonlyMap<string, User>> {
    const users = await this.#store.users.byIds(spaces.map((s) => s.hostId));
    return new Map(users.map((u) => [u.id, u]));
  }

  /** Users looked up once per response, however many questions or requests they wrote. */
  lookup(): (id: string) => Promise<User | null> {
    const cache = new Map<string, Promise<User | null>>();
    return (id) => {
      let user = cache.get(id);
      if (!user) cache.set(id, (user = this.#store.users.byId(id)));
      return user;
    };
  }
}
