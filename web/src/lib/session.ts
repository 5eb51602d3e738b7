import { api, ApiError } from './api.js';
import type { SessionView, User } from './types.js';

/**
 * The browser's identity. The session cookie is httpOnly and the only credential the pages use,
 * WHIP included, so one login serves every tab; the page keeps only a marker of who is logged in
 * (so anonymous listeners never call /me and get a 401).
 */
const USER_KEY = 'tribune.user';
/** Where earlier versions kept the bearer for WHIP: cleared on sight. */
const OLD_TOKEN_KEY = 'tribune.token';

function read<T>(storage: Storage, key: string): T | null {
  try { return JSON.parse(storage.getItem(key) ?? 'null') as T | null; } catch { return null; }
}

export function knownUser(): User | null {
  return read<User>(localStorage, USER_KEY);
}

export function remember(session: SessionView): User {
  localStorage.setItem(USER_KEY, JSON.stringify(session.user));
  sessionStorage.removeItem(OLD_TOKEN_KEY);
  return session.user;
}

export function forget(): void {
  localStorage.removeItem(USER_KEY);
  sessionStorage.removeItem(OLD_TOKEN_KEY);
}

/** Confirms the marker against the server; a session that expired clears it. */
export async function currentUser(): Promise<User | null> {
  if (!knownUser()) return null;
  try {
    const user = await api.me();
    localStorage.setItem(USER_KEY, JSON.stringify(user));
    return user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) forget();
    return null;
  }
}

export async function logout(): Promise<void> {
  await api.logout().catch(() => {});
  forget();
}
