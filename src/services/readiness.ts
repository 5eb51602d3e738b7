import type { Bus } from '../bus/bus.js';
import type { Store } from '../store/store.js';

const PING_TIMEOUT_MS = 2_000;

/** Whether this origin's dependencies answer (in cluster mode PostgreSQL and Redis). */
export class Readiness {
  readonly #store: Store;
  readonly #bus: Bus;

  constructor(deps: { store: Store; bus: Bus }) {
    this.#store = deps.store;
    this.#bus = deps.bus;
  }

  /** Null when both answer, else what does not: an origin that cannot reach them leaves the pool. */
  async unanswered(): Promise<string | null> {
    if (!(await answers(this.#store.ping()))) return 'the database does not answer';
    if (!(await answers(this.#bus.ping()))) return 'the bus does not answer';
    return null;
  }
}

/** Whether a ping resolves in time; a database that hangs is as unready as one that refuses. */
async function answers(ping: Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS); });
  try {
    return await Promise.race([ping.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
