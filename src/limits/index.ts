export { memoryLimiter, redisLimiter } from './flexible-limiter.js';
export { perMinute, perSecond } from './limiter.js';
export type { LimitDecision, Limiter, LimitSpec } from './limiter.js';
export { MemoryWaitingRoom } from './memory-waiting-room.js';
export { RedisWaitingRoom } from './redis-waiting-room.js';
export { estimatedWaitSeconds, freePlaces } from './waiting-room.js';
export type { RoomLimits, RoomStats, Standing, WaitingRoomStore } from './waiting-room.js';
