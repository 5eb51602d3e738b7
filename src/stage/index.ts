export { createStageMedia } from './stage-media.js';
export { stageRoutes } from './routes.js';
export type { StageRoutesDeps } from './routes.js';
export type { StageMediaOptions } from './options.js';
export type {
  SeatStateEvent, SessionAnswer, SessionRequest, StageMedia, StageMediaEvents, StageMediaStats,
} from './stage-media-types.js';
export { TypedEmitter } from './typed-emitter.js';
