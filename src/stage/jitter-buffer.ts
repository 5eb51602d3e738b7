/**
 * Reorders one speaker's Opus packets by RTP sequence number. The mixer pulls one packet per 20 ms
 * tick; the buffer never advances past a packet that has not arrived unless a later one has (then
 * the missing one is declared lost). Holding on an empty buffer instead of skipping is what makes
 * the delay grow by one frame when the network jitters; `drainIfDeep` brings it back down.
 */
export type JitterPop =
  | { readonly kind: 'packet'; readonly payload: Buffer }
  | { readonly kind: 'lost' }
  | { readonly kind: 'empty' };

export type JitterPush = 'accepted' | 'late' | 'duplicate' | 'reset';

const EMPTY: JitterPop = Object.freeze({ kind: 'empty' });
const LOST: JitterPop = Object.freeze({ kind: 'lost' });

export class JitterBuffer {
  readonly #packets = new Map<number, Buffer>();
  readonly #capacity: number;
  #next = -1;
  #highest = -1;
  #windowTicks = 0;
  #minDepth = Number.POSITIVE_INFINITY;

  /** `capacity`: packets held at most (1 s at 20 ms); a jump further than that restarts the stream. */
  constructor(capacity = 50) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#packets.size;
  }

  /** Packets between the next to play and the newest received, gaps included. */
  get depth(): number {
    return this.#highest < 0 ? 0 : Math.max(0, this.#highest - this.#next + 1);
  }

  push(sequence: number, payload: Buffer): JitterPush {
    if (this.#next < 0) {
      this.#next = this.#highest = sequence;
      this.#packets.set(sequence, payload);
      return 'accepted';
    }
    const extended = this.#unwrap(sequence);
    if (extended < this.#next) return 'late';
    if (extended - this.#next >= this.#capacity) {
      // A new SSRC or a long outage: start over at this packet.
      this.#packets.clear();
      this.#next = this.#highest = extended;
      this.#packets.set(extended, payload);
      return 'reset';
    }
    if (this.#packets.has(extended)) return 'duplicate';
    this.#packets.set(extended, payload);
    if (extended > this.#highest) this.#highest = extended;
    return 'accepted';
  }

  pop(): JitterPop {
    if (this.#next < 0 || this.#packets.size === 0) return EMPTY;
    const payload = this.#packets.get(this.#next);
    this.#next += 1;
    if (payload === undefined) return LOST;
    this.#packets.delete(this.#next - 1);
    return { kind: 'packet', payload };
  }

  /**
   * Called once per tick, before pop(). Tracks the smallest depth seen over a window of `ticks`;
   * if even the smallest left a spare packet (depth >= 2: one to play now, one waiting), the
   * buffer holds a frame more delay than the network needs, so drop the oldest packet. This is
   * how the delay added by an underrun (see pop) comes back down once the jitter is gone.
   */
  drainIfDeep(ticks = 10): boolean {
    const depth = this.#packets.size === 0 ? 0 : this.depth;
    if (depth < this.#minDepth) this.#minDepth = depth;
    if (++this.#windowTicks < ticks) return false;
    const spare = this.#minDepth >= 2;
    this.#windowTicks = 0;
    this.#minDepth = Number.POSITIVE_INFINITY;
    if (!spare) return false;
    this.#packets.delete(this.#next);
    this.#next += 1;
    return true;
  }

  reset(): void {
    this.#packets.clear();
    this.#next = this.#highest = -1;
    this.#windowTicks = 0;
    this.#minDepth = Number.POSITIVE_INFINITY;
  }

  /** Maps a 16-bit sequence number to the extended value closest to the highest seen. */
  #unwrap(sequence: number): number {
    const base = this.#highest & ~0xffff;
    let candidate = base + sequence;
    if (candidate - this.#highest > 0x8000) candidate -= 0x10000;
    else if (this.#highest - candidate > 0x8000) candidate += 0x10000;
    return candidate;
  }
}
