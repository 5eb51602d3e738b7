/**
 * A small typed event emitter. A listener that throws is isolated (reported through `onListenerError`)
 * so a fault in, say, the stage WebSocket forwarder cannot stop the mixer clock.
 */
export type EventMap = Record<string, unknown>;
type Listener<T> = (payload: T) => void;

export class TypedEmitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Set<Listener<never>>>();
  readonly #onListenerError: (err: unknown, event: keyof E) => void;

  constructor(onListenerError: (err: unknown, event: keyof E) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  listenerCount<K extends keyof E>(event: K): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Emits to every listener; exceptions are caught per listener. */
  safeEmit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<E[K]>)(payload);
      } catch (err) {
        try { this.#onListenerError(err, event); } catch { /* the reporter itself must not throw into us */ }
      }
    }
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
