/**
 * Soft limiter for a mixed bus, one per output (program, each mix-minus). A per-frame peak follower
 * pulls the gain down at once (ramped across the frame) and lets it recover slowly; a soft knee then
 * bends whatever still exceeds `knee` so the output stays inside [-0.99, 0.99]: the int16
 * conversion after it can never wrap or clip.
 */
export class SoftLimiter {
  #gain = 1;
  readonly #ceiling: number;
  readonly #knee: number;
  readonly #release: number;

  /** `releasePerFrame`: fraction of the way back to unity gain recovered each 20 ms frame. */
  constructor(ceiling = 0.89, knee = 0.8, releasePerFrame = 0.05) {
    this.#ceiling = ceiling;
    this.#knee = knee;
    this.#release = releasePerFrame;
  }

  get gain(): number {
    return this.#gain;
  }

  process(frame: Float32Array): void {
    let peak = 0;
    for (let i = 0; i < frame.length; i++) {
      const v = Math.abs(frame[i]!);
      if (v > peak) peak = v;
    }
    const wanted = peak * this.#gain > this.#ceiling ? this.#ceiling / peak : 1;
    const target = wanted < this.#gain ? wanted : this.#gain + (wanted - this.#gain) * this.#release;
    const start = this.#gain;
    const step = (target - start) / frame.length;
    const knee = this.#knee;
    // The knee bends toward 0.99, not 1: tanh rounds to exactly 1 in float for large inputs.
    const room = 0.99 - knee;
    for (let i = 0; i < frame.length; i++) {
      const v = frame[i]! * (start + step * i);
      const a = v < 0 ? -v : v;
      frame[i] = a <= knee ? v : Math.sign(v) * (knee + room * Math.tanh((a - knee) / room));
    }
    this.#gain = target;
  }
}

/** Float [-1, 1) -> int16 in `out` (host order: little-endian on every platform we target). */
export function floatToPcm16(frame: Float32Array, out: Buffer): Buffer {
  // A typed view is ~3x faster than Buffer#writeInt16LE per sample; this runs 14 times per tick.
  const view = new Int16Array(out.buffer, out.byteOffset, frame.length);
  for (let i = 0; i < frame.length; i++) {
    const s = Math.round(frame[i]! * 32767);
    view[i] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
  }
  return out;
}
