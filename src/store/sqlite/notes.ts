import type { Note, NoteRating } from '../../notes/types.js';
import type { NotesRepository } from '../trust-safety-store.js';
import { fromBool, toBool, type Db } from './database.js';

interface NoteRow { id: string; space_id: string; question_id: string | null; at_ms: number | null; author_id: string; text: string; sources: string; created_at: string; hidden: number }
const toNote = (r: NoteRow): Note => ({
  id: r.id, spaceId: r.space_id, questionId: r.question_id, atMs: r.at_ms, authorId: r.author_id, text: r.text,
  sources: JSON.parse(r.sources) as string[], createdAt: r.created_at, hidden: toBool(r.hidden),
});
interface RatingRow { note_id: string; rater_id: string; level: NoteRating['level']; created_at: string }

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
    async allRatings() { return q.all.all().map((r) => ({ noteId: r.note_id, raterId: r.rater_id, level: r.level, createdAt: r.created_at })); },
    async ratingCount() { return q.count.get()?.n ?? 0; },
  };
}
