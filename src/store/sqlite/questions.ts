import type { Question } from '../records.js';
import type { QuestionRepository } from '../store.js';
import { fromBool, toBool, type Db } from './database.js';

interface QuestionRow { id: string; space_id: string; author_id: string; text: string; anonymous: number; state: Question['state']; votes: number; highlighted: number; created_at: string; answered_at: string | null }

const toQuestion = (r: QuestionRow): Question => ({
  id: r.id, spaceId: r.space_id, authorId: r.author_id, text: r.text, anonymous: toBool(r.anonymous), state: r.state,
  votes: r.votes, highlighted: toBool(r.highlighted), createdAt: r.created_at, answeredAt: r.answered_at,
});

export function sqliteQuestions(db: Db): QuestionRepository {
  const q = {
    insert: db.prepare(`INSERT INTO questions (id, space_id, author_id, text, anonymous, state, votes, highlighted, created_at, answered_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    byId: db.prepare<[string, string], QuestionRow>('SELECT * FROM questions WHERE space_id = ? AND id = ?'),
    setState: db.prepare('UPDATE questions SET state = ?, answered_at = ?, highlighted = CASE WHEN ? = \'approved\' THEN highlighted ELSE 0 END WHERE id = ?'),
    clearHighlight: db.prepare('UPDATE questions SET highlighted = 0 WHERE space_id = ? AND highlighted = 1'),
    highlight: db.prepare('UPDATE questions SET highlighted = 1 WHERE space_id = ? AND id = ?'),
    addVote: db.prepare('INSERT INTO question_votes (question_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    bump: db.prepare('UPDATE questions SET votes = votes + 1 WHERE id = ?'),
    last: db.prepare<[string, string], { created_at: string }>('SELECT created_at FROM questions WHERE space_id = ? AND author_id = ? ORDER BY created_at DESC LIMIT 1'),
  };
  const highlight = db.transaction((spaceId: string, id: string | null) => {
    q.clearHighlight.run(spaceId);
    if (id) q.highlight.run(spaceId, id);
  });
  const vote = db.transaction((questionId: string, userId: string, at: string): boolean => {
    if (q.addVote.run(questionId, userId, at).changes === 0) return false;
    q.bump.run(questionId);
    return true;
  });
  return {
    async create(x) {
      q.insert.run(x.id, x.spaceId, x.authorId, x.text, fromBool(x.anonymous), x.state, x.votes, fromBool(x.highlighted), x.createdAt, x.answeredAt);
    },
    async byId(spaceId, id) { const r = q.byId.get(spaceId, id); return r ? toQuestion(r) : null; },
    async list(spaceId, states) {
      const sql = `SELECT * FROM questions WHERE space_id = ? AND state IN (${states.map(() => '?').join(',')})
        ORDER BY votes DESC, created_at ASC, id ASC`;
      return (db.prepare(sql).all(spaceId, ...states) as QuestionRow[]).map(toQuestion);
    },
    async setState(id, state, answeredAt) { q.setState.run(state, answeredAt, state, id); },
    async setHighlighted(spaceId, id) { highlight(spaceId, id); },
    async vote(questionId, userId, at) { return vote(questionId, userId, at); },
    async lastQuestionAt(spaceId, authorId) { return q.last.get(spaceId, authorId)?.created_at ?? null; },
  };
}
