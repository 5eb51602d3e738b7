import { TribuneError } from '../errors/catalogue.js';
import type { SpaceState } from './types.js';

export type SpaceTransition = 'start' | 'end' | 'cancel';

const NEXT: Record<SpaceTransition, Partial<Record<SpaceState, SpaceState>>> = {
  start: { scheduled: 'live' },
  end: { live: 'ended' },
  cancel: { scheduled: 'cancelled' },
};

/** scheduled -> live -> ended, or scheduled -> cancelled. Anything else is a 409 with the reason. */
export function nextSpaceState(current: SpaceState, transition: SpaceTransition): SpaceState {
  const next = NEXT[transition][current];
  if (!next) throw new TribuneError('SPACE_STATE_CONFLICT', { state: current, action: transition });
  return next;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
