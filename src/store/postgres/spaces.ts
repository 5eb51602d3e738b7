import type { Space } from '../records.js';
import type { SpaceRepository } from '../store.js';
import { inTransaction, type Pool } from './database.js';
import { withOutbox, type OutboxWriter } from './outbox.js';

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

/** `col = $n, …` for the defined fields of a patch, numbered from `first`. */
function assignments(patch: object, first: number): { sql: string; values: unknown[] } {
  const entries = Object.entries(patch).filter(([k, v]) => v !== undefined && COLUMNS[k]);
  return { sql: entries.map(([k], i) => `${COLUMNS[k]} = $${first + i}`).join(', '), values: entries.map(([, v]) => v) };
}

/** A Space that never went live and everything that belongs to it, children first. */
const DELETE_SPACE = [
  'DELETE FROM question_votes WHERE question_id IN (SELECT id FROM questions WHERE space_id = $1)',
  'DELETE FROM questions WHERE space_id = $1',
  'DELETE FROM invites WHERE space_id = $1',
  'DELETE FROM speak_requests WHERE space_id = $1',
  'DELETE FROM blocks WHERE space_id = $1',
  'DELETE FROM participants WHERE space_id = $1',
  'DELETE FROM reminders WHERE space_id = $1',
  'DELETE FROM go_live_pushes WHERE space_id = $1',
  'DELETE FROM reaction_seconds WHERE space_id = $1',
  'DELETE FROM listener_minutes WHERE space_id = $1',
  'DELETE FROM spaces WHERE id = $1',
];

export function postgresSpaces(db: Pool, outbox: OutboxWriter): SpaceRepository {
  const get = async (id: string): Promise<Space | null> => {
    const { rows } = await db.query<SpaceRow>('SELECT * FROM spaces WHERE id = $1', [id]);
    return rows[0] ? toSpace(rows[0]) : null;
  };
  return {
    async create(s) {
      await db.query(`INSERT INTO spaces (id, title, description, language, host_id, state, scheduled_start, time_zone,
          created_at, started_at, ended_at, max_on_stage, max_cohosts)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [s.id, s.title, s.description, s.language, s.hostId, s.state, s.scheduledStart, s.timeZone, s.createdAt, s.startedAt, s.endedAt, s.maxOnStage, s.maxCohosts]);
    },
    byId: get,
    async delete(id) {
      await inTransaction(db, async (client) => { for (const sql of DELETE_SPACE) await client.query(sql, [id]); });
    },
    async transition(id, from, patch, events) {
      const { sql, values } = assignments(patch, 3);
      return withOutbox(db, outbox, !!events?.length, async (q) => {
        // One statement: the row lock makes a second concurrent "start" re-check the state and miss.
        const { rows } = await q.query<SpaceRow>(`UPDATE spaces SET ${sql} WHERE id = $1 AND state = $2 RETURNING *`, [id, from, ...values]);
        return rows[0] ? [toSpace(rows[0]), events] as const : [null, undefined] as const;
      });
    },
    async update(id, patch) {
      const { sql, values } = assignments(patch, 2);
      if (!sql) return get(id);
      const { rows } = await db.query<SpaceRow>(`UPDATE spaces SET ${sql} WHERE id = $1 RETURNING *`, [id, ...values]);
      return rows[0] ? toSpace(rows[0]) : null;
    },
    async list({ states, hostId, limit }) {
      const where: string[] = [];
      const values: unknown[] = [];
      if (states?.length) { values.push(states); where.push(`state = ANY($${values.length})`); }
      if (hostId) { values.push(hostId); where.push(`host_id = $${values.length}`); }
      values.push(limit);
      const sql = `SELECT * FROM spaces ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT $${values.length}`;
      return (await db.query<SpaceRow>(sql, values)).rows.map(toSpace);
    },
  };
}
