import type { NotesRepository } from '../trust-safety-store.js';
import { toNote, toRating, type NoteRow, type RatingRow } from '../trust-safety-rows.js';
import { fromBool, type Db } from './database.js';

export function sqliteNotes(db: Db): NotesRepository {
  const q = {
    insert: db.prepare('INSERT INTO notes (id, space_id, question_id, at_ms, author_id, text, sources, created_at, hidden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    byId: db.prepare<[string], NoteRow>('SELECT * FROM notes WHERE id = ?'),
    ofSpace: db.prepare<[string], NoteRow>('SELECT * FROM notes WHERE space_id = ? ORDER BY at_ms, created_at, id'),
    hide: db.prepare('UPDATE notes SET hidden = ? WHERE id = ?'),
    rate: db.prepare(`INSERT INTO note_ratings (note_id, rater_id, level, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (note_id, rater_id) DO UPDATE SET level = excluded.level, created_at = excluded.created_at`),
    all: db.prepare<[], RatingRow>('SELECT * FROM note_ratings ORDER BY note_id, rater_id'),
    count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM note_ratings'),
  };
  return {
    async create(n) { q.insert.run(n.id, n.spaceId, n.questionId, n.atMs, n.authorId, n.text, JSON.stringify(n.sources), n.createdAt, fromBool(n.hidden)); },
    async byId(id) { const r = q.byId.get(id); return r ? toNote(r) : null; },
    async ofSpace(spaceId) { return q.ofSpace.all(spaceId).map(toNote); },
    async setHidden(id, hidden) { q.hide.run(fromBool(hidden), id); },
    async rate(r) { q.rate.run(r.noteId, r.raterId, r.level, r.createdAt); },
    async allRatings() { return q.all.all().map(toRating); },
    async ratingCount() { return q.count.get()?.n ?? 0; },
  };
}
