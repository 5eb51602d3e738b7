export { createCaptions, CAPTIONS_DEFAULTS } from './captions.js';
export type { Captions, CaptionsOptions } from './captions.js';
export type { SpaceCaptioner } from './space-captioner.js';
export { ASR_SAMPLE_RATE, primaryLanguage } from './asr-engine.js';
export type { AsrEngine, AsrEngineFactory, AsrHypothesis, AsrStream, AsrStreamOptions, AsrWord } from './asr-engine.js';
export { wordErrorRate, normaliseWords } from './word-error-rate.js';
