import type { Question } from '../records.js';
import type { QuestionRepository } from '../store.js';
import type { EventsOf } from '../outbox.js';
import { inTransaction, type Pool, type Queryable } from './database.js';
import { withOutbox, type OutboxWriter } from './outbox.js';

interface QuestionRow { id: string; space_id: string; author_id: string; text: string; anonymous: boolean; state: Question['state']; votes: number; highlighted: boolean; created_at: string; answered_at: string | null }

const toQuestion = (r: QuestionRow): Question => ({
  id: r.id, spaceId: r.space_id, authorId: r.author_id, text: r.text, anonymous: r.anonymous, state: r.state,
  votes: r.votes, highlighted: r.highlighted, createdAt: r.created_at, answeredAt: r.answered_at,
});

export function postgresQuestions(pool: Pool, outbox: OutboxWriter): QuestionRepository {
  /** The events of the question as the write left it (read in the write's transaction). */
  const announce = async (q: Queryable, id: string, events: EventsOf<Question> | undefined) => {
    if (!events) return undefined;
    const { rows } = await q.query<QuestionRow>('SELECT * FROM questions WHERE id = $1', [id]);
    return rows[0] ? events(toQuestion(rows[0])) : undefined;
  };
  return {
    async create(x, events) {
      await withOutbox(pool, outbox, !!events?.length, async (q) => {
        await q.query(`INSERT INTO questions (id, space_id, author_id, text, anonymous, state, votes, highlighted, created_at, answered_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [x.id, x.spaceId, x.authorId, x.text, x.anonymous, x.state, x.votes, x.highlighted, x.createdAt, x.answeredAt]);
        return [undefined, events] as const;
      });
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
    async setState(id, state, answeredAt, events) {
      await withOutbox(pool, outbox, !!events, async (q) => {
        await q.query(`UPDATE questions SET state = $1, answered_at = $2, highlighted = CASE WHEN $1 = 'approved' THEN highlighted ELSE false END WHERE id = $3`,
          [state, answeredAt, id]);
        return [undefined, await announce(q, id, events)] as const;
      });
    },
    async setHighlighted(spaceId, id, events) {
      // The Space's row lock queues two moderators highlighting at once; the unique index is the backstop.
      const written = await inTransaction(pool, async (client) => {
        await client.query('SELECT 1 FROM spaces WHERE id = $1 FOR UPDATE', [spaceId]);
        await client.query('UPDATE questions SET highlighted = false WHERE space_id = $1 AND highlighted', [spaceId]);
        if (!id) return undefined;
        await client.query('UPDATE questions SET highlighted = true WHERE space_id = $1 AND id = $2', [spaceId, id]);
        const announced = await announce(client, id, events);
        await outbox.append(client, announced);
        return announced;
      });
      outbox.committed(written);
    },
    async vote(questionId, userId, at, events) {
      return withOutbox(pool, outbox, !!events, async (q) => {
        // One statement: the vote row and the counter move together or not at all.
        const { rows } = await q.query<{ id: string }>(`WITH cast_vote AS (
            INSERT INTO question_votes (question_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING question_id)
          UPDATE questions SET votes = votes + 1 WHERE id IN (SELECT question_id FROM cast_vote) RETURNING id`, [questionId, userId, at]);
        return rows.length === 1 ? [true, await announce(q, questionId, events)] as const : [false, undefined] as const;
      });
    },
    async lastQuestionAt(spaceId, authorId) {
      const { rows } = await pool.query<{ created_at: string }>(
        'SELECT created_at FROM questions WHERE space_id = $1 AND author_id = $2 ORDER BY created_at DESC LIMIT 1', [spaceId, authorId]);
      return rows[0]?.created_at ?? null;
    },
  };
}
