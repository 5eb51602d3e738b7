/** The microphone and a level meter on it (RMS over an analyser, ~10 Hz), for mic checks. */
export interface Mic {
  readonly stream: MediaStream;
  readonly track: MediaStreamTrack;
  /** Current level in [0, 1]. */
  level(): number;
  stop(): void;
}

export async function openMic(): Promise<Mic> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
  const track = stream.getAudioTracks()[0]!;
  const ctx = new AudioContext();
  void ctx.resume();
  const source = ctx.createMediaStreamSource(stream);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  let stopped = false;
  return {
    stream, track,
    level() {
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      // A perceptual-ish scale: speech at a normal distance reads around the middle of the meter.
      return Math.min(1, Math.sqrt(sum / buf.length) * 4);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      for (const t of stream.getTracks()) t.stop();
      void ctx.close();
    },
  };
}
