import type { PlatformRole, User } from '../records.js';
import type { SessionRecord, SessionRepository, UserRecord, UserRepository } from '../store.js';
import type { Queryable } from './database.js';

interface UserRow { id: string; handle: string; display_name: string; password_hash: string; platform_role: PlatformRole; created_at: string }

const toUser = (r: UserRow): UserRecord => ({
  id: r.id, handle: r.handle, displayName: r.display_name, passwordHash: r.password_hash,
  platformRole: r.platform_role, createdAt: r.created_at,
});

export function postgresUsers(db: Queryable): UserRepository {
  return {
    async create(u) {
      const { rowCount } = await db.query(`INSERT INTO users (id, handle, display_name, password_hash, platform_role, created_at)
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, [u.id, u.handle, u.displayName, u.passwordHash, u.platformRole, u.createdAt]);
      return rowCount === 1;
    },
    async byId(id) {
      const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
      if (!rows[0]) return null;
      const { passwordHash: _, ...user } = toUser(rows[0]);
      return user satisfies User;
    },
    async byIds(ids) {
      if (ids.length === 0) return [];
      const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE id = ANY($1::text[])', [[...new Set(ids)]]);
      return rows.map((row) => {
        const { passwordHash: _, ...user } = toUser(row);
        return user satisfies User;
      });
    },
    async byHandle(handle) {
      const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE lower(handle) = lower($1)', [handle]);
      return rows[0] ? toUser(rows[0]) : null;
    },
    async setPlatformRole(id, role) { await db.query('UPDATE users SET platform_role = $1 WHERE id = $2', [role, id]); },
    async count() {
      const { rows } = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
      return rows[0]?.n ?? 0;
    },
  };
}

interface SessionRow { token_hash: string; user_id: string; created_at: string; expires_at: string }

export function postgresSessions(db: Queryable): SessionRepository {
  return {
    async create(s) {
      await db.query('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [s.tokenHash, s.userId, s.createdAt, s.expiresAt]);
    },
    async byTokenHash(hash): Promise<SessionRecord | null> {
      const { rows } = await db.query<SessionRow>('SELECT * FROM sessions WHERE token_hash = $1', [hash]);
      const r = rows[0];
      return r ? { tokenHash: r.token_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at } : null;
    },
    async delete(hash) { await db.query('DELETE FROM sessions WHERE token_hash = $1', [hash]); },
  };
}
