import type { User } from '../domain/types.js';
import { TribuneError } from '../errors/catalogue.js';
import type { Actor } from '../services/actor.js';

/** The author of decisions taken by a rule (the Art. 23 suspension), not by a person. */
export const SYSTEM_ACTOR = 'system';
export const SYSTEM_USER: User = { id: SYSTEM_ACTOR, handle: 'system', displayName: 'Tribune', platformRole: 'admin', createdAt: '2020-01-01T00:00:00.000Z' };

export function requireAccount(actor: Actor): User {
  if (!actor.user) throw new TribuneError('AUTH_REQUIRED');
  return actor.user;
}

export function requireStaff(actor: Actor): User {
  const user = requireAccount(actor);
  if (user.platformRole === 'user') throw new TribuneError('FORBIDDEN', { role: 'listener', action: 'moderate the platform' });
  return user;
}
