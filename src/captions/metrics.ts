import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../observability/metrics.js';

/** Captions metrics on the process registry. Words per second is rate(tribune_captions_words_total). */
export const captionMetrics = {
  words: new Counter({ name: 'tribune_captions_words_total', help: 'Words recognised (final hypotheses).', registers: [registry] }),
  cues: new Counter({ name: 'tribune_captions_cues_total', help: 'Caption lines produced.', registers: [registry] }),
  lag: new Histogram({
    name: 'tribune_captions_engine_lag_seconds',
    help: 'From a batch of speaker audio leaving the mixer thread to the captions worker having processed it.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4],
    registers: [registry],
  }),
  dropped: new Counter({
    name: 'tribune_captions_audio_dropped_seconds_total',
    help: 'Speaker audio not transcribed because the engine was behind (listeners never lose it).',
    registers: [registry],
  }),
  cpu: new Counter({ name: 'tribune_captions_engine_cpu_seconds_total', help: 'Time the captions worker spent on speaker audio.', registers: [registry] }),
  streams: new Gauge({ name: 'tribune_captions_streams', help: 'Speakers being transcribed.', registers: [registry] }),
};
