import type { PlatformRole, User } from '../records.js';
import type { SessionRecord, SessionRepository, UserRecord, UserRepository } from '../store.js';
import type { Db } from './database.js';

interface UserRow { id: string; handle: string; display_name: string; password_hash: string; platform_role: PlatformRole; created_at: string }

const toUser = (r: UserRow): UserRecord => ({
  id: r.id, handle: r.handle, displayName: r.display_name, passwordHash: r.password_hash,
  platformRole: r.platform_role, createdAt: r.created_at,
});

export function sqliteUsers(db: Db): UserRepository {
  const insert = db.prepare(`INSERT INTO users (id, handle, display_name, password_hash, platform_role, created_at)
    VALUES (@id, @handle, @displayName, @passwordHash, @platformRole, @createdAt) ON CONFLICT DO NOTHING`);
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  // One statement whatever the number of ids: the list travels as one JSON array.
  const byIds = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))');
  const byHandle = db.prepare<[string], UserRow>('SELECT * FROM users WHERE lower(handle) = lower(?)');
  const setRole = db.prepare('UPDATE users SET platform_role = ? WHERE id = ?');
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users');
  return {
    async create(user) { return insert.run(user).changes === 1; },
    async byId(id) {
      const row = byId.get(id);
      if (!row) return null;
      const { passwordHash: _, ...user } = toUser(row);
      return user satisfies User;
    },
    async byIds(ids) {
      if (ids.length === 0) return [];
      return byIds.all(JSON.stringify([...new Set(ids)])).map((row) => {
        const { passwordHash: _, ...user } = toUser(row);
        return user satisfies User;
      });
    },
    async byHandle(handle) { const row = byHandle.get(handle); return row ? toUser(row) : null; },
    async setPlatformRole(id, role) { setRole.run(role, id); },
    async count() { return count.get()?.n ?? 0; },
  };
}

interface SessionRow { token_hash: string; user_id: string; created_at: string; expires_at: string }

export function sqliteSessions(db: Db): SessionRepository {
  const insert = db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)');
  const get = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE token_hash = ?');
  const del = db.prepare('DELETE FROM sessions WHERE token_hash = ?');
  return {
    async create(s) { insert.run(s.tokenHash, s.userId, s.createdAt, s.expiresAt); },
    async byTokenHash(hash): Promise<SessionRecord | null> {
      const r = get.get(hash);
      return r ? { tokenHash: r.token_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at } : null;
    },
    async delete(hash) { del.run(hash); },
  };
}
