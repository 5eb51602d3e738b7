import { TribuneError } from '../errors/catalogue.js';

export interface PasswordWorkOptions {
  /** Hashes computed at once (each scrypt takes a core for ~100 ms). */
  readonly concurrency: number;
  /** Requests that may wait for a slot; past that they are shed at once with a 503. */
  readonly queue: number;
}

/**
 * Bounds password hashing, so that a login flood costs at most `concurrency` cores and never starves
 * the mixer's clock or the audience's reads. Beyond a short queue the request is refused with 503 and
 * a jittered Retry-After rather than queued for seconds.
 */
export class PasswordWork {
  readonly #o: PasswordWorkOptions;
  #active = 0;
  readonly #waiting: Array<() => void> = [];
  #shed = 0;

  constructor(options: PasswordWorkOptions) {
    if (!(options.concurrency >= 1) || !(options.queue >= 0)) throw new TypeError('concurrency >= 1 and queue >= 0');
    this.#o = options;
  }

  get shed(): number { return this.#shed; }
  get active(): number { return this.#active; }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#o.concurrency) {
      if (this.#waiting.length >= this.#o.queue) {
        this.#shed++;
        const retryAfter = 1 + Math.floor(Math.random() * 3);
        throw new TribuneError('OVERLOADED', { work: 'password hashing', retryAfter }, { details: { retryAfter } });
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter: #active stays the same.
      if (next) next();
      else this.#active--;
    }
  }
}
