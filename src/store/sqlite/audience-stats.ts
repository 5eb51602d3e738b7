import type { ReactionCounts } from '../records.js';
import type { AudienceStatsRepository } from '../store.js';
import type { Db } from './database.js';

export function sqliteAudienceStats(db: Db): AudienceStatsRepository {
  const upsertReaction = db.prepare(`INSERT INTO reaction_seconds (space_id, second, reaction, count) VALUES (?, ?, ?, ?)
    ON CONFLICT (space_id, second, reaction) DO UPDATE SET count = count + excluded.count`);
  const totals = db.prepare<[string], { reaction: string; total: number }>(
    'SELECT reaction, SUM(count) AS total FROM reaction_seconds WHERE space_id = ? GROUP BY reaction');
  const upsertListeners = db.prepare(`INSERT INTO listener_minutes (space_id, minute, count) VALUES (?, ?, ?)
    ON CONFLICT (space_id, minute) DO UPDATE SET count = MAX(count, excluded.count)`);
  const history = db.prepare<[string], { minute: number; count: number }>(
    'SELECT minute, count FROM listener_minutes WHERE space_id = ? ORDER BY minute');
  const addReactions = db.transaction((spaceId: string, second: number, counts: ReactionCounts) => {
    for (const [reaction, n] of Object.entries(counts)) if (n) upsertReaction.run(spaceId, second, reaction, n);
  });
  return {
    async addReactions(spaceId, second, counts) { addReactions(spaceId, second, counts); },
    async reactionTotals(spaceId) {
      return Object.fromEntries(totals.all(spaceId).map((r) => [r.reaction, r.total])) as ReactionCounts;
    },
    async recordListeners(spaceId, minute, count) { upsertListeners.run(spaceId, minute, count); },
    async listenerHistory(spaceId) { return history.all(spaceId); },
  };
}
