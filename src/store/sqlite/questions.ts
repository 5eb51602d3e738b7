import type { Question } from '../records.js';
import type { QuestionRepository } from '../store.js';
import type { EventsOf } from '../outbox.js';
import { fromBool, toBool, type Db } from './database.js';
import type { OutboxWriter } from './outbox.js';

interface QuestionRow { id: string; space_id: string; author_id: string; text: string; anonymous: number; state: Question['state']; votes: number; highlighted: number; created_at: string; answered_at: string | null }

const toQuestion = (r: QuestionRow): Question => ({
  id: r.id, spaceId: r.space_id, authorId: r.author_id, text: r.text, anonymous: toBool(r.anonymous), state: r.state,
  votes: r.votes, highlighted: toBool(r.highlighted), createdAt: r.created_at, answeredAt: r.answered_at,
});

export function sqliteQuestions(db: Db, outbox: OutboxWriter): QuestionRepository {
  const q = {
    insert: db.prepare(`INSERT INTO questions (id, space_id, author_id, text, anonymous, state, votes, highlighted, created_at, answered_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    byId: db.prepare<[string, string], QuestionRow>('SELECT * FROM questions WHERE space_id = ? AND id = ?'),
    anyById: db.prepare<[string], QuestionRow>('SELECT * FROM questions WHERE id = ?'),
    setState: db.prepare('UPDATE questions SET state = ?, answered_at = ?, highlighted = CASE WHEN ? = \'approved\' THEN highlighted ELSE 0 END WHERE id = ?'),
    clearHighlight: db.prepare('UPDATE questions SET highlighted = 0 WHERE space_id = ? AND highlighted = 1'),
    highlight: db.prepare('UPDATE questions SET highlighted = 1 WHERE space_id = ? AND id = ?'),
    addVote: db.prepare('INSERT INTO question_votes (question_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    bump: db.prepare('UPDATE questions SET votes = votes + 1 WHERE id = ?'),
    last: db.prepare<[string, string], { created_at: string }>('SELECT created_at FROM questions WHERE space_id = ? AND author_id = ? ORDER BY created_at DESC LIMIT 1'),
  };
  /** The events of the question as the write left it, appended in the write's transaction. */
  const announce = (spaceId: string | null, id: string, events: EventsOf<Question> | undefined) => {
    if (!events) return undefined;
    const row = spaceId === null ? q.anyById.get(id) : q.byId.get(spaceId, id);
    const written = row ? events(toQuestion(row)) : [];
    outbox.append(written);
    return written;
  };
  const highlight = db.transaction((spaceId: string, id: string | null, events: EventsOf<Question> | undefined) => {
    q.clearHighlight.run(spaceId);
    if (!id) return undefined;
    q.highlight.run(spaceId, id);
    return announce(spaceId, id, events);
  });
  const vote = db.transaction((questionId: string, userId: string, at: string, events: EventsOf<Question> | undefined) => {
    if (q.addVote.run(questionId, userId, at).changes === 0) return null;
    q.bump.run(questionId);
    return announce(null, questionId, events) ?? [];
  });
  const setState = db.transaction((id: string, state: Question['state'], answeredAt: string | null, events: EventsOf<Question> | undefined) => {
    q.setState.run(state, answeredAt, state, id);
    return announce(null, id, events);
  });
  return {
    async create(x, events) {
      db.transaction(() => {
        q.insert.run(x.id, x.spaceId, x.authorId, x.text, fromBool(x.anonymous), x.state, x.votes, fromBool(x.highlighted), x.createdAt, x.answeredAt);
        outbox.append(events);
      })();
      outbox.committed(events);
    },
    async byId(spaceId, id) { const r = q.byId.get(spaceId, id); return r ? toQuestion(r) : null; },
    async list(spaceId, states) {
      const sql = `SELECT * FROM questions WHERE space_id = ? AND state IN (${states.map(() => '?').join(',')})
        ORDER BY votes DESC, created_at ASC, id ASC`;
      return (db.prepare(sql).all(spaceId, ...states) as QuestionRow[]).map(toQuestion);
    },
    async setState(id, state, answeredAt, events) { outbox.committed(setState(id, state, answeredAt, events)); },
    async setHighlighted(spaceId, id, events) { outbox.committed(highlight(spaceId, id, events)); },
    async vote(questionId, userId, at, events) {
      const written = vote(questionId, userId, at, events);
      if (written === null) return false;
      outbox.committed(written);
      return true;
    },
    async lastQuestionAt(spaceId, authorId) { return q.last.get(spaceId, authorId)?.created_at ?? null; },
  };
}
