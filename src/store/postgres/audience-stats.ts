import type { ReactionCounts } from '../records.js';
import type { AudienceStatsRepository } from '../store.js';
import type { Pool } from './database.js';

export function postgresAudienceStats(pool: Pool): AudienceStatsRepository {
  return {
    async addReactions(spaceId, second, counts) {
      const entries = Object.entries(counts).filter(([, n]) => n);
      if (!entries.length) return;
      // One statement for every kind of the second: one round trip, all or nothing.
      await pool.query(`INSERT INTO reaction_seconds (space_id, second, reaction, count)
          SELECT $1, $2, reaction, count FROM unnest($3::text[], $4::bigint[]) AS t(reaction, count)
        ON CONFLICT (space_id, second, reaction) DO UPDATE SET count = reaction_seconds.count + excluded.count`,
      [spaceId, second, entries.map(([k]) => k), entries.map(([, n]) => n)]);
    },
    async reactionTotals(spaceId) {
      const { rows } = await pool.query<{ reaction: string; total: number }>(
        'SELECT reaction, SUM(count) AS total FROM reaction_seconds WHERE space_id = $1 GROUP BY reaction', [spaceId]);
      return Object.fromEntries(rows.map((r) => [r.reaction, Number(r.total)])) as ReactionCounts;
    },
    async recordListeners(spaceId, minute, count) {
      await pool.query(`INSERT INTO listener_minutes (space_id, minute, count) VALUES ($1, $2, $3)
        ON CONFLICT (space_id, minute) DO UPDATE SET count = GREATEST(listener_minutes.count, excluded.count)`, [spaceId, minute, count]);
    },
    async listenerHistory(spaceId) {
      const { rows } = await pool.query<{ minute: number; count: number }>('SELECT minute, count FROM listener_minutes WHERE space_id = $1 ORDER BY minute', [spaceId]);
      return rows;
    },
  };
}
