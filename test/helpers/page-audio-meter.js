// Runs inside the page (evaluated by test/helpers/browser.ts): plain JS with DOM types, which the node-side
// tsconfig does not have. window.__tribuneMeasure(selector, frequencies, ms) listens to an <audio>
// element: a WebAudio analyser on the element (MSE playback) or on its MediaStream (WebRTC, which
// Chromium does not route through createMediaElementSource); RMS from the waveform, tone strength
// (linear magnitude, the best of +-1 FFT bin, averaged over the window) from the spectrum.
window.__tribuneMeasure = async (selector, frequencies, ms) => {
  const el = document.querySelector(selector);
  if (!el) throw new Error(`no element ${selector}`);
  window.__tribuneMeters ??= new Map();
  let meter = window.__tribuneMeters.get(el);
  const stream = el.srcObject instanceof MediaStream ? el.srcObject : null;
  if (!meter || meter.src !== stream) {
    const ctx = new AudioContext({ sampleRate: 48000 });
    const source = stream ? ctx.createMediaStreamSource(stream) : ctx.createMediaElementSource(el);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 8192;
    analyser.smoothingTimeConstant = 0;
    source.connect(analyser);
    // Keep the element audible (an element source is rerouted into the graph) and the graph pulled.
    if (!stream) analyser.connect(ctx.destination);
    else { const mute = ctx.createGain(); mute.gain.value = 0; analyser.connect(mute).connect(ctx.destination); }
    meter = { ctx, analyser, src: stream };
    window.__tribuneMeters.set(el, meter);
  }
  const { ctx, analyser } = meter;
  await ctx.resume();
  const time = new Float32Array(analyser.fftSize);
  const freq = new Float32Array(analyser.frequencyBinCount);
  const binHz = ctx.sampleRate / analyser.fftSize;
  let sumSq = 0;
  let n = 0;
  let frames = 0;
  const tones = Object.fromEntries(frequencies.map((f) => [String(f), 0]));
  const end = performance.now() + ms;
  while (performance.now() < end) {
    analyser.getFloatTimeDomainData(time);
    for (const v of time) { sumSq += v * v; n++; }
    analyser.getFloatFrequencyData(freq);
    for (const f of frequencies) {
      const centre = Math.round(f / binHz);
      let best = 0;
      for (let b = centre - 1; b <= centre + 1; b++) best = Math.max(best, 10 ** ((freq[b] ?? -200) / 20));
      tones[String(f)] += best;
    }
    frames++;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const f of frequencies) tones[String(f)] /= Math.max(1, frames);
  return { rms: Math.sqrt(sumSq / Math.max(1, n)), tones };
};
