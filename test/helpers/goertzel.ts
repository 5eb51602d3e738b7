/** Amplitude (0..1 of full scale) of `frequency` in int16 `samples`, by the Goertzel algorithm. */
export function toneAmplitude(samples: Int16Array, frequency: number, sampleRate = 48_000): number {
  const n = samples.length;
  if (n === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    // A Hann window keeps neighbouring tones from leaking into each other's bins.
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const s0 = (samples[i]! / 32768) * w + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  // Hann window coherent gain is 0.5: amplitude = 2|X| / (N * 0.5).
  return (4 * Math.sqrt(Math.max(0, power))) / n;
}
