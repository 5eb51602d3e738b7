export { createAudience } from './audience.js';
export type { Audience, AudienceStats, PlaylistQuery, PlaylistAnswer } from './audience.js';
export type { AudienceOptions } from './options.js';
export { AUDIENCE_DEFAULTS } from './options.js';
export { audienceRoutes } from './routes.js';
export { renderEdgeConfig } from './edge-config.js';
export type { EdgeConfigParams } from './edge-config.js';
export { subtitleRoutes } from './subtitle-routes.js';
export type { Subtitles, TranscriptLine } from './subtitles.js';
