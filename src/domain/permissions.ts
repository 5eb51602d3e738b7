/**
 * Who may do what, as data. One row per action, one column per role; a test drives every cell through
 * the HTTP API. Rules that depend on more than the role (a co-host cannot remove the host, only the
 * speaker unmutes themself) live beside the action, in the services.
 */
export const ROLES = ['anonymous', 'listener', 'speaker', 'cohost', 'host', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = [
  'space.create', 'space.start', 'space.end', 'space.cancel', 'space.update', 'space.delete-recording',
  'stage.invite', 'stage.request', 'stage.approve', 'stage.deny', 'stage.mute', 'stage.mute-self',
  'stage.remove', 'stage.block', 'stage.promote', 'stage.leave', 'stage.connect',
  'question.submit', 'question.vote', 'question.moderate', 'question.highlight', 'question.answer',
  'question.list-pending', 'reaction.send', 'platform.set-role',
] as const;
export type Action = (typeof ACTIONS)[number];

const Y = true;
const _ = false;
// Columns:                     anon list spkr coh  host mod  admin
const TABLE: Record<Action, readonly [boolean, boolean, boolean, boolean, boolean, boolean, boolean]> = {
  'space.create':            [_,   Y,   Y,   Y,   Y,   Y,   Y],
  'space.start':             [_,   _,   _,   Y,   Y,   _,   _],
  'space.end':               [_,   _,   _,   Y,   Y,   Y,   Y],
  'space.cancel':            [_,   _,   _,   _,   Y,   Y,   Y],
  'space.update':            [_,   _,   _,   Y,   Y,   _,   _],
  'space.delete-recording':  [_,   _,   _,   _,   Y,   Y,   Y],
  'stage.invite':            [_,   _,   _,   Y,   Y,   _,   _],
  'stage.request':           [_,   Y,   _,   _,   _,   _,   _],
  'stage.approve':           [_,   _,   _,   Y,   Y,   _,   _],
  'stage.deny':              [_,   _,   _,   Y,   Y,   _,   _],
  'stage.mute':              [_,   _,   _,   Y,   Y,   Y,   Y],
  'stage.mute-self':         [_,   _,   Y,   Y,   Y,   _,   _],
  'stage.remove':            [_,   _,   _,   Y,   Y,   Y,   Y],
  'stage.block':             [_,   _,   _,   Y,   Y,   Y,   Y],
  'stage.promote':           [_,   _,   _,   _,   Y,   _,   _],
  'stage.leave':             [_,   _,   Y,   Y,   _,   _,   _],
  'stage.connect':           [_,   _,   Y,   Y,   Y,   Y,   Y],
  'question.submit':         [_,   Y,   Y,   Y,   Y,   Y,   Y],
  'question.vote':           [_,   Y,   Y,   Y,   Y,   Y,   Y],
  'question.moderate':       [_,   _,   _,   Y,   Y,   Y,   Y],
  'question.highlight':      [_,   _,   _,   Y,   Y,   _,   _],
  'question.answer':         [_,   _,   _,   Y,   Y,   _,   _],
  'question.list-pending':   [_,   _,   _,   Y,   Y,   Y,   Y],
  'reaction.send':           [Y,   Y,   Y,   Y,   Y,   Y,   Y],
  // Outside any Space: decided on the platform role alone (platformAccess in services/actor.ts).
  'platform.set-role':       [_,   _,   _,   _,   _,   _,   Y],
};

export function isAllowed(role: Role, action: Action): boolean {
  return TABLE[action][ROLES.indexOf(role)] ?? false;
}

/** An actor holds several roles at once (a moderator who hosts); any one that allows is enough. */
export function allowedForAny(roles: Iterable<Role>, action: Action): boolean {
  for (const role of roles) if (isAllowed(role, action)) return true;
  return false;
}

/** The role named in an error message: the most privileged one held, for a useful "a X may not Y". */
export function primaryRole(roles: ReadonlySet<Role>): Role {
  for (let i = ROLES.length - 1; i >= 0; i--) if (roles.has(ROLES[i]!)) return ROLES[i]!;
  return 'anonymous';
}
