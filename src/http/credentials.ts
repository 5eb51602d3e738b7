import type { IncomingHttpHeaders } from 'node:http';

/** The browser's session cookie (HttpOnly, SameSite=Lax), set at login. */
export const SESSION_COOKIE = 'tribune_session';

/** RFC 6750 §2.1: `Bearer` then one b64token. */
const BEARER = /^Bearer\s+([A-Za-z0-9_\-.~+/]+=*)\s*$/i;

/**
 * The credential a request carries, by one rule for every route of both planes (REST, WHIP/WHEP, the
 * stage WebSocket): `Authorization` first; then, only where a client cannot set headers (a browser's
 * WebSocket), the `token` query parameter; then the session cookie. A malformed `Authorization` is
 * still a credential attempt: it is returned whole so that it fails authentication, never falls
 * back to the cookie or to anonymous access.
 */
export function credentialOf(headers: IncomingHttpHeaders, queryToken?: string | null): string | undefined {
  const header = headers.authorization;
  if (header) return BEARER.exec(header)?.[1] ?? header;
  if (queryToken) return queryToken;
  return cookieOf(headers, SESSION_COOKIE);
}

export function cookieOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers.cookie;
  if (!raw) return undefined;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Whether a request carries any credential at all (the load shedder's "known client" hint). */
export function carriesCredential(headers: IncomingHttpHeaders): boolean {
  return headers.authorization !== undefined || cookieOf(headers, SESSION_COOKIE) !== undefined;
}
