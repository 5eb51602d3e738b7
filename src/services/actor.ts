import type { Participant, Space, User } from '../domain/types.js';
import { allowedForAny, primaryRole, type Action, type Role } from '../domain/permissions.js';
import { TribuneError } from '../errors/catalogue.js';
import type { Store } from '../store/store.js';

/** Who is asking: a logged-in user, a guest holding a stage invite, or nobody in particular. */
export interface Actor {
  readonly user: User | null;
  /** The hash of the stage invite token that authenticated this request, if it was one. */
  readonly inviteTokenHash: string | null;
}

export const ANONYMOUS: Actor = Object.freeze({ user: null, inviteTokenHash: null });

/** The actor's roles in one Space, with their seat on its stage if they have one. */
export interface SpaceAccess {
  readonly roles: ReadonlySet<Role>;
  readonly seat: Participant | null;
}

export async function accessTo(store: Store, actor: Actor, space: Space): Promise<SpaceAccess> {
  const roles = new Set<Role>();
  let seat: Participant | null = null;
  if (actor.user) {
    seat = await store.stage.seatOfUser(space.id, actor.user.id);
    if (actor.user.platformRole !== 'user') roles.add(actor.user.platformRole);
  } else if (actor.inviteTokenHash) {
    const invite = await store.stage.invite(actor.inviteTokenHash);
    if (invite?.spaceId === space.id && invite.participantId && !invite.revokedAt) {
      const p = await store.stage.participant(invite.participantId);
      // The token is the credential of a guest seat only: a seat an account redeemed is that
      // account's, and the link (which others may hold) grants nothing any more.
      if (p && !p.leftAt && p.userId === null) seat = p;
    }
  }
  if (seat) roles.add(seat.role);
  // Platform staff act under their own column, not also as listeners (the table says what they may do).
  else if (actor.user && actor.user.platformRole === 'user') roles.add('listener');
  if (roles.size === 0) roles.add('anonymous');
  return { roles, seat };
}

/** The roles of an actor outside any Space (creating one, managing accounts): the platform role alone. */
export function platformAccess(actor: Actor): SpaceAccess {
  const user = actor.user;
  const role: Role = !user ? 'anonymous' : user.platformRole === 'user' ? 'listener' : user.platformRole;
  return { roles: new Set([role]), seat: null };
}

/** Throws AUTH_REQUIRED for an anonymous actor, FORBIDDEN for a known one, unless the table allows. */
export function demand(access: SpaceAccess, action: Action): void {
  if (allowedForAny(access.roles, action)) return;
  if (access.roles.has('anonymous')) throw new TribuneError('AUTH_REQUIRED');
  throw new TribuneError('FORBIDDEN', { role: primaryRole(access.roles), action });
}

export function requireUser(actor: Actor): User {
  if (!actor.user) throw new TribuneError('AUTH_REQUIRED');
  return actor.user;
}
