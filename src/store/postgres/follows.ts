import type { FollowRepository } from '../store.js';
import { toPush, type PushRow } from '../trust-safety-rows.js';
import { inTransaction, type Pool } from './database.js';
import { toSpace, type SpaceRow } from './spaces.js';

export function postgresFollows(pool: Pool): FollowRepository {
  const exists = async (sql: string, values: unknown[]) => ((await pool.query(sql, values)).rowCount ?? 0) > 0;
  return {
    async follow(followerId, hostId, at) {
      const { rowCount } = await pool.query('INSERT INTO follows (follower_id, host_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [followerId, hostId, at]);
      return rowCount === 1;
    },
    async unfollow(followerId, hostId) { await pool.query('DELETE FROM follows WHERE follower_id = $1 AND host_id = $2', [followerId, hostId]); },
    isFollowing: (followerId, hostId) => exists('SELECT 1 FROM follows WHERE follower_id = $1 AND host_id = $2', [followerId, hostId]),
    async followerCount(hostId) { return (await pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM follows WHERE host_id = $1', [hostId])).rows[0]?.n ?? 0; },
    async remind(userId, spaceId, at) {
      await pool.query('INSERT INTO reminders (user_id, space_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [userId, spaceId, at]);
    },
    async unremind(userId, spaceId) { await pool.query('DELETE FROM reminders WHERE user_id = $1 AND space_id = $2', [userId, spaceId]); },
    isReminded: (userId, spaceId) => exists('SELECT 1 FROM reminders WHERE user_id = $1 AND space_id = $2', [userId, spaceId]),
    async liveFor(userId, limit) {
      const { rows } = await pool.query<SpaceRow>(`SELECT s.* FROM spaces s WHERE s.state = 'live' AND (
          s.host_id IN (SELECT host_id FROM follows WHERE follower_id = $1) OR s.id IN (SELECT space_id FROM reminders WHERE user_id = $1))
        ORDER BY s.started_at DESC LIMIT $2`, [userId, limit]);
      return rows.map(toSpace);
    },
    async savePushSubscription(sub, keep) {
      await inTransaction(pool, async (client) => {
        // Saves of one account queue behind each other, so the trim sees every subscription the others committed.
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('tribune.push.' || current_schema() || '.' || $1::text))`, [sub.userId]);
        await client.query(`INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, created_at) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth`,
        [sub.endpoint, sub.userId, sub.p256dh, sub.auth, sub.createdAt]);
        await client.query(`DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint NOT IN (
          SELECT endpoint FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at DESC, endpoint DESC LIMIT $2)`, [sub.userId, keep]);
      });
    },
    async deletePushSubscription(endpoint) { await pool.query('DELETE FROM push_subscriptions WHERE endpoint = $1', [endpoint]); },
    async pushAudience(hostId, spaceId, afterEndpoint, limit) {
      const { rows } = await pool.query<PushRow>(`SELECT p.* FROM push_subscriptions p
        WHERE p.user_id IN (SELECT follower_id FROM follows WHERE host_id = $1 UNION SELECT user_id FROM reminders WHERE space_id = $2)
          AND p.endpoint > $3 ORDER BY p.endpoint LIMIT $4`, [hostId, spaceId, afterEndpoint, limit]);
      return rows.map(toPush);
    },
    async claimGoLivePush(spaceId, at) {
      const { rowCount } = await pool.query('INSERT INTO go_live_pushes (space_id, claimed_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [spaceId, at]);
      return rowCount === 1;
    },
    async pushKeys(offered) {
      // The first origin to offer its pair sets the deployment's. The read is a statement of its own: its
      // snapshot sees a pair another origin committed while this insert waited on it.
      await pool.query('INSERT INTO push_keys (public_key, private_key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [offered.publicKey, offered.privateKey]);
      const { rows } = await pool.query<{ public_key: string; private_key: string }>('SELECT public_key, private_key FROM push_keys');
      return { publicKey: rows[0]!.public_key, privateKey: rows[0]!.private_key };
    },
  };
}
