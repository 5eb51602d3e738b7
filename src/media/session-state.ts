/**
 * The answer to a probe of a WHIP/WHEP session resource (GET), shared by the origin and its clients
 * (node and browser): 404 when the session is gone; otherwise 200 with this header, `held`, or `moving`
 * while the origin hands the Space over (a drain), when the client opens its next session through the
 * same URL and lets this one go once the next one carries its media: make before break.
 */
export const SESSION_STATE_HEADER = 'Tribune-Session';

export type SessionState = 'held' | 'moving' | 'gone';
