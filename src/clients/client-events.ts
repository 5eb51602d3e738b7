import { EventEmitter } from 'node:events';
import type { LossReason } from './session-watch.js';

/** What a WHIP publisher or WHEP listener says about its path to the origin. */
export interface SessionEvents {
  /** The session was lost; the client is trying again (`attempt` counts from 1 for each loss). */
  reconnecting: { reason: LossReason; attempt: number };
  /** A new session carries the media again; `gapMs` from the loss being noticed. */
  published: { location: string | undefined; gapMs: number; reconnects: number };
  /** The origin handed the Space over and the next session carries the media: no loss, no gap. */
  moved: { location: string | undefined; moves: number };
  /** Republishing stopped: a final refusal, or nothing worked within the bound. */
  'gave-up': { error: Error };
}

export interface SessionEventSource {
  on<K extends keyof SessionEvents>(event: K, listener: (payload: SessionEvents[K]) => void): void;
  off<K extends keyof SessionEvents>(event: K, listener: (payload: SessionEvents[K]) => void): void;
}

/** A typed face on EventEmitter; a listener that throws does not stop the client. */
export class SessionEmitter implements SessionEventSource {
  readonly #emitter = new EventEmitter();
  on<K extends keyof SessionEvents>(event: K, listener: (payload: SessionEvents[K]) => void): void { this.#emitter.on(event, listener); }
  off<K extends keyof SessionEvents>(event: K, listener: (payload: SessionEvents[K]) => void): void { this.#emitter.off(event, listener); }
  emit<K extends keyof SessionEvents>(event: K, payload: SessionEvents[K]): void {
    for (const listener of this.#emitter.listeners(event)) {
      try { (listener as (p: SessionEvents[K]) => void)(payload); } catch { /* the caller's bug is not the session's */ }
    }
  }
}
