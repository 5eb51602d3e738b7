import type { Question } from '../records.js';
import type { QuestionRepository } from '../store.js';
import { inTransaction, type Pool } from './database.js';

interface QuestionRow { id: string; space_id: string; author_id: string; text: string; anonymous: boolean; state: Question['state']; votes: number; highlighted: boolean; created_at: string; answered_at: string | null }

const toQuestion = (r: QuestionRow): Question => ({
  id: r.id, spaceId: r.space_id, authorId: r.author_id, text: r.text, anonymous: r.anonymous, state: r.state,
  votes: r.votes, highlighted: r.highlighted, createdAt: r.created_at, answeredAt: r.answered_at,
});

export function postgresQuestions(pool: Pool): QuestionRepository {
  return {
    async create(x) {
      await pool.query(`INSERT INTO questions (id, space_id, author_id, text, anonymous, state, votes, highlighted, created_at, answered_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [x.id, x.spaceId, x.authorId, x.text, x.anonymous, x.state, x.votes, x.highlighted, x.createdAt, x.answeredAt]);
    },
    async byId(spaceId, id) {
      const { rows } = await pool.query<QuestionRow>('SELECT * FROM questions WHERE space_id = $1 AND id = $2', [spaceId, id]);
      return rows[0] ? toQuestion(rows[0]) : null;
    },
    async list(spaceId, states) {
      const { rows } = await pool.query<QuestionRow>(`SELECT * FROM questions WHERE space_id = $1 AND state = ANY($2)
        ORDER BY votes DESC, created_at ASC, id ASC`, [spaceId, states]);
      return rows.map(toQuestion);
    },
    async setState(id, state, answeredAt) {
      await pool.query(`UPDATE questions SET state = $1, answered_at = $2, highlighted = CASE WHEN $1 = 'approved' THEN highlighted ELSE false END WHERE id = $3`,
        [state, answeredAt, id]);
    },
    async setHighlighted(spaceId, id) {
      // The Space's row lock queues two moderators highlighting at once; the unique index is the backstop.
      await inTransaction(pool, async (client) => {
        await client.query('SELECT 1 FROM spaces WHERE id = $1 FOR UPDATE', [spaceId]);
        await client.query('UPDATE questions SET highlighted = false WHERE space_id = $1 AND highlighted', [spaceId]);
        if (id) await client.query('UPDATE questions SET highlighted = true WHERE space_id = $1 AND id = $2', [spaceId, id]);
      });
    },
    async vote(questionId, userId, at) {
      // One statement: the vote row and the counter move together or not at all.
      const { rows } = await pool.query<{ id: string }>(`WITH cast_vote AS (
          INSERT INTO question_votes (question_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING question_id)
        UPDATE questions SET votes = votes + 1 WHERE id IN (SELECT question_id FROM cast_vote) RETURNING id`, [questionId, userId, at]);
      return rows.length === 1;
    },
    async lastQuestionAt(spaceId, authorId) {
      const { rows } = await pool.query<{ created_at: string }>(
        'SELECT created_at FROM questions WHERE space_id = $1 AND author_id = $2 ORDER BY created_at DESC LIMIT 1', [spaceId, authorId]);
      return rows[0]?.created_at ?? null;
    },
  };
}
