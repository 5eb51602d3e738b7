import opus from '@discordjs/opus';

/** `count` consecutive 20 ms Opus frames (48 kHz mono) of a sine at `frequency`, for feeding benches. */
export function opusTone(frequency: number, count: number, amplitude = 0.2, bitrate = 48_000): Buffer[] {
  const encoder = new opus.OpusEncoder(48_000, 1);
  encoder.setBitrate(bitrate);
  const frames: Buffer[] = [];
  for (let f = 0; f < count; f++) {
    const pcm = Buffer.alloc(1920);
    for (let i = 0; i < 960; i++) {
      pcm.writeInt16LE(Math.round(amplitude * 32_767 * Math.sin((2 * Math.PI * frequency * (f * 960 + i)) / 48_000)), i * 2);
    }
    frames.push(encoder.encode(pcm));
  }
  return frames;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;
