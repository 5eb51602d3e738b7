import type { Bus, SpaceEventHandler } from '../bus.js';
import type { SpaceEvent } from '../events.js';

/** The embedded default: in-process delivery. A subscriber that throws is reported, never breaks the others. */
export class MemoryBus implements Bus {
  readonly #subscribers = new Map<string, Set<SpaceEventHandler>>();
  readonly #onError: (err: unknown, event: SpaceEvent) => void;
  #closed = false;

  constructor(options: { onError?: (err: unknown, event: SpaceEvent) => void } = {}) {
    this.#onError = options.onError ?? (() => {});
  }

  publish(spaceId: string, event: SpaceEvent): void {
    if (this.#closed) return;
    const handlers = this.#subscribers.get(spaceId);
    if (!handlers) return;
    for (const handler of [...handlers]) {
      try {
        handler(event);
      } catch (err) {
        this.#onError(err, event);
      }
    }
  }

  subscribe(spaceId: string, handler: SpaceEventHandler): () => void {
    let handlers = this.#subscribers.get(spaceId);
    if (!handlers) this.#subscribers.set(spaceId, (handlers = new Set()));
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
      if (handlers.size === 0) this.#subscribers.delete(spaceId);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#subscribers.clear();
  }
}
