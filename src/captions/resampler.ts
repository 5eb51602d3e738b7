/**
 * 48 kHz float -> 16 kHz int16 by a windowed-sinc low-pass (cut at 7.2 kHz) and decimation by 3.
 * Keeps the filter's history across calls, so a stream cut in 20 ms frames resamples seamlessly.
 */
const TAPS = 33;
const FACTOR = 3;

function design(): Float32Array {
  const h = new Float32Array(TAPS);
  const fc = 7_200 / 48_000;
  const mid = (TAPS - 1) / 2;
  let sum = 0;
  for (let i = 0; i < TAPS; i++) {
    const x = i - mid;
    const sinc = x === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
    const blackman = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (TAPS - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (TAPS - 1));
    h[i] = sinc * blackman;
    sum += h[i]!;
  }
  for (let i = 0; i < TAPS; i++) h[i]! /= sum;
  return h;
}

const KERNEL = design();

export class Downsampler48to16 {
  /** The last TAPS - 1 input samples, then the new block. */
  #buffer = new Float32Array(TAPS - 1);
  #phase = 0;

  /** Returns the 16 kHz samples for this block (input length need not be a multiple of 3). */
  process(input: Float32Array): Int16Array {
    const history = TAPS - 1;
    const work = new Float32Array(history + input.length);
    work.set(this.#buffer, 0);
    work.set(input, history);
    const out: number[] = [];
    let i = this.#phase;
    for (; i < input.length; i += FACTOR) {
      let acc = 0;
      // Output aligned on the newest sample of the window: work[i .. i + history].
      for (let k = 0; k < TAPS; k++) acc += KERNEL[k]! * work[i + k]!;
      const v = Math.max(-1, Math.min(1, acc));
      out.push(Math.round(v * 32767));
    }
    this.#phase = i - input.length;
    this.#buffer = work.slice(work.length - history);
    return Int16Array.from(out);
  }
}
