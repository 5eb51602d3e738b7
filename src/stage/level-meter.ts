/**
 * Speaking indicator for one seat: RMS over the reporting window, mapped to [0, 1] on a dBFS scale
 * (-60 dBFS -> 0, 0 dBFS -> 1), because a linear RMS reads as "silent" for normal speech.
 */
const FLOOR_DB = -60;
const SPEAKING_DB = -42;

export class LevelMeter {
  #sumSquares = 0;
  #samples = 0;

  add(frame: Float32Array | null, gain: number, length: number): void {
    this.#samples += length;
    if (frame === null || gain === 0) return;
    let sum = 0;
    for (let i = 0; i < frame.length; i++) sum += frame[i]! * frame[i]!;
    this.#sumSquares += sum * gain * gain;
  }

  /** The window's level, then starts a new window. */
  take(): { level: number; speaking: boolean } {
    const rms = this.#samples > 0 ? Math.sqrt(this.#sumSquares / this.#samples) : 0;
    this.#sumSquares = 0;
    this.#samples = 0;
    const db = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
    const level = Math.max(0, Math.min(1, (db - FLOOR_DB) / -FLOOR_DB));
    return { level: Math.round(level * 1000) / 1000, speaking: db >= SPEAKING_DB };
  }
}
