export { publishWhip } from './whip-publisher.js';
export type { PublishWhipOptions, PublisherStats, WhipPublisher } from './whip-publisher.js';
export { listenWhep } from './whep-listener.js';
export type { ListenWhepOptions, ListenerStats, WhepListener } from './whep-listener.js';
export { espeakSource, loopSource, parseWav, toneSource, toProgramRate, wavFileSource } from './audio-sources.js';
export type { FrameSource, Wav } from './audio-sources.js';
export { SignallingError } from './signalling.js';
export { CLIENT_DEFAULTS } from './defaults.js';
