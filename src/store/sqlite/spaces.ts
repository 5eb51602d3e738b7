import type { Space } from '../records.js';
import type { SpaceRepository } from '../store.js';
import type { Db } from './database.js';
import type { OutboxWriter } from './outbox.js';

export interface SpaceRow {
  id: string; title: string; description: string; language: string; host_id: string; state: Space['state'];
  scheduled_start: string | null; time_zone: string | null; created_at: string; started_at: string | null;
  ended_at: string | null; max_on_stage: number; max_cohosts: number;
}

export const toSpace = (r: SpaceRow): Space => ({
  id: r.id, title: r.title, description: r.description, language: r.language, hostId: r.host_id, state: r.state,
  scheduledStart: r.scheduled_start, timeZone: r.time_zone, createdAt: r.created_at, startedAt: r.started_at,
  endedAt: r.ended_at, maxOnStage: r.max_on_stage, maxCohosts: r.max_cohosts,
});

const COLUMNS: Record<string, string> = {
  state: 'state', startedAt: 'started_at', endedAt: 'ended_at', title: 'title', description: 'description',
  language: 'language', scheduledStart: 'scheduled_start', timeZone: 'time_zone',
};

function assignments(patch: object): { sql: string; values: unknown[] } {
  const entries = Object.entries(patch).filter(([k, v]) => v !== undefined && COLUMNS[k]);
  return { sql: entries.map(([k]) => `${COLUMNS[k]} = ?`).join(', '), values: entries.map(([, v]) => v) };
}

/** Child tables first (foreign keys); question votes go through their questions. */
const DELETE_SPACE = [
  'DELETE FROM question_votes WHERE question_id IN (SELECT id FROM questions WHERE space_id = ?)',
  'DELETE FROM questions WHERE space_id = ?',
  'DELETE FROM invites WHERE space_id = ?',
  'DELETE FROM speak_requests WHERE space_id = ?',
  'DELETE FROM blocks WHERE space_id = ?',
  'DELETE FROM participants WHERE space_id = ?',
  'DELETE FROM reminders WHERE space_id = ?',
  'DELETE FROM go_live_pushes WHERE space_id = ?',
  'DELETE FROM reaction_seconds WHERE space_id = ?',
  'DELETE FROM listener_minutes WHERE space_id = ?',
  'DELETE FROM spaces WHERE id = ?',
];

export function sqliteSpaces(db: Db, outbox: OutboxWriter): SpaceRepository {
  const deletes = DELETE_SPACE.map((sql) => db.prepare(sql));
  const remove = db.transaction((id: string) => { for (const d of deletes) d.run(id); });
  const insert = db.prepare(`INSERT INTO spaces (id, title, description, language, host_id, state, scheduled_start, time_zone,
      created_at, started_at, ended_at, max_on_stage, max_cohosts)
    VALUES (@id, @title, @description, @language, @hostId, @state, @scheduledStart, @timeZone,
      @createdAt, @startedAt, @endedAt, @maxOnStage, @maxCohosts)`);
  const byId = db.prepare<[string], SpaceRow>('SELECT * FROM spaces WHERE id = ?');
  const get = (id: string): Space | null => { const r = byId.get(id); return r ? toSpace(r) : null; };
  return {
    async create(space) { insert.run(space); },
    async byId(id) { return get(id); },
    async transition(id, from, patch, events) {
      const { sql, values } = assignments(patch);
      const changed = db.transaction(() => {
        if (db.prepare(`UPDATE spaces SET ${sql} WHERE id = ? AND state = ?`).run(...values, id, from).changes !== 1) return false;
        outbox.append(events);
        return true;
      })();
      if (!changed) return null;
      outbox.committed(events);
      return get(id);
    },
    async update(id, patch) {
      const { sql, values } = assignments(patch);
      if (sql) db.prepare(`UPDATE spaces SET ${sql} WHERE id = ?`).run(...values, id);
      return get(id);
    },
    async delete(id) { remove(id); },
    async list({ states, hostId, limit }) {
      const where: string[] = [];
      const values: unknown[] = [];
      if (states?.length) { where.push(`state IN (${states.map(() => '?').join(',')})`); values.push(...states); }
      if (hostId) { where.push('host_id = ?'); values.push(hostId); }
      const sql = `SELECT * FROM spaces ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT ?`;
      return (db.prepare(sql).all(...values, limit) as SpaceRow[]).map(toSpace);
    },
  };
}
