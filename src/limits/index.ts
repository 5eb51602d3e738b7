export { memoryLimiter, redisLimiter } from './flexible-limiter.js';
export { perMinute, perSecond } from './limiter.js';
export type { LimitDecision, Limiter, LimitSpec } from './limiter.js';
