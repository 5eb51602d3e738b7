/**
 * The client side of the server's waiting room (docs/security.md). Interactive requests (asking,
 * voting, asking to speak, registering) may be held: the answer is 503 WAITING_ROOM with a ticket,
 * a position and an estimate. The page keeps the ticket (one per Space, for this tab), shows where it
 * stands, checks in again after Retry-After (about 20 s) and goes on by itself once admitted; the
 * pass it then gets is sent with later interactive requests. LL-HLS keeps playing all along.
 */
export const TICKET_HEADER = 'x-tribune-ticket';
const STORAGE_KEY = 'tribune.room';

export interface Waiting {
  readonly position: number;
  readonly estimatedWaitSeconds: number;
}

let waiting: Waiting | null = null;
const listeners = new Set<(w: Waiting | null) => void>();

export function onWaiting(fn: (w: Waiting | null) => void): () => void {
  listeners.add(fn);
  fn(waiting);
  return () => { listeners.delete(fn); };
}

/** Several actions may wait at once: the page shows the best place held. */
const held = new Map<symbol, Waiting>();
function publish(): void {
  let best: Waiting | null = null;
  for (const w of held.values()) if (!best || w.position < best.position) best = w;
  waiting = best;
  for (const fn of listeners) fn(best);
}

export function setWaiting(action: symbol, w: Waiting | null): void {
  if (w) held.set(action, w); else held.delete(action);
  publish();
}

function tickets(): Record<string, string> {
  try { return JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, string>; } catch { return {}; }
}

/** A ticket names its Space in clear (`<body>.<space>.<mac>`); '' outside any Space. */
function scopeOf(ticket: string): string | null {
  const parts = ticket.split('.');
  return parts.length === 3 ? parts[1]! : null;
}

/** The Space a request path acts in; null outside any (registering takes a ticket from any Space). */
export function spaceOfPath(path: string): string | null {
  const m = /^\/api\/v1\/spaces\/([^/?]+)/.exec(path);
  return m ? decodeURIComponent(m[1]!) : null;
}

/**
 * The ticket or pass to show for a request in `space`: that Space's, else one from outside any Space
 * (registering), which is good everywhere; for a request outside any Space, the latest.
 */
export function ticketFor(space: string | null): string | undefined {
  const all = tickets();
  return space === null ? all[LATEST] : all[space] ?? all[''];
}

/** Keyed by the ticket's own Space ('' outside any), and as the latest. */
const LATEST = '*';

function save(all: Record<string, string>): void {
  try { sessionStorage.setItem(STORAGE_KEY, JSON.stringify(all)); } catch { /* storage refused: queue afresh next time */ }
}

export function keepTicket(ticket: string): void {
  const scope = scopeOf(ticket);
  if (scope === null) return;
  save({ ...tickets(), [scope]: ticket, [LATEST]: ticket });
}

/** Forgets the ticket a request showed (the room no longer knows it): the next one queues afresh. */
export function dropTicket(ticket: string): void {
  save(Object.fromEntries(Object.entries(tickets()).filter(([, t]) => t !== ticket)));
}
