import type { NotesRepository } from '../trust-safety-store.js';
import { toNote, toRating, type NoteRow, type RatingRow } from '../trust-safety-rows.js';
import type { Pool } from './database.js';

export function postgresNotes(pool: Pool): NotesRepository {
  return {
    async create(n) {
      await pool.query('INSERT INTO notes (id, space_id, question_id, at_ms, author_id, text, sources, created_at, hidden) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [n.id, n.spaceId, n.questionId, n.atMs, n.authorId, n.text, JSON.stringify(n.sources), n.createdAt, n.hidden]);
    },
    async byId(id) {
      const { rows } = await pool.query<NoteRow>('SELECT * FROM notes WHERE id = $1', [id]);
      return rows[0] ? toNote(rows[0]) : null;
    },
    async ofSpace(spaceId) {
      return (await pool.query<NoteRow>('SELECT * FROM notes WHERE space_id = $1 ORDER BY at_ms, created_at, id', [spaceId])).rows.map(toNote);
    },
    async setHidden(id, hidden) { await pool.query('UPDATE notes SET hidden = $1 WHERE id = $2', [hidden, id]); },
    // One statement: two origins storing the same rater's rating at once leave one row, the later write's.
    async rate(r) {
      await pool.query(`INSERT INTO note_ratings (note_id, rater_id, level, created_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (note_id, rater_id) DO UPDATE SET level = excluded.level, created_at = excluded.created_at`, [r.noteId, r.raterId, r.level, r.createdAt]);
    },
    async allRatings() {
      const { rows } = await pool.query<RatingRow>('SELECT * FROM note_ratings ORDER BY note_id, rater_id');
      return rows.map(toRating);
    },
    async ratingCount() { return (await pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM note_ratings')).rows[0]?.n ?? 0; },
  };
}
