import type { FollowRepository, PushSubscriptionRecord } from '../store.js';
import { toPush, type PushRow } from '../trust-safety-rows.js';
import type { Db } from './database.js';
import { toSpace, type SpaceRow } from './spaces.js';

export function sqliteFollows(db: Db): FollowRepository {
  const follow = db.prepare('INSERT INTO follows (follower_id, host_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const unfollow = db.prepare('DELETE FROM follows WHERE follower_id = ? AND host_id = ?');
  const isFollowing = db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM follows WHERE follower_id = ? AND host_id = ?');
  const followers = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM follows WHERE host_id = ?');
  const remind = db.prepare('INSERT INTO reminders (user_id, space_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const unremind = db.prepare('DELETE FROM reminders WHERE user_id = ? AND space_id = ?');
  const isReminded = db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM reminders WHERE user_id = ? AND space_id = ?');
  const liveFor = db.prepare<[string, string, number], SpaceRow>(`SELECT s.* FROM spaces s WHERE s.state = 'live' AND (
      s.host_id IN (SELECT host_id FROM follows WHERE follower_id = ?) OR s.id IN (SELECT space_id FROM reminders WHERE user_id = ?))
    ORDER BY s.started_at DESC LIMIT ?`);
  const savePush = db.prepare(`INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth`);
  const deletePush = db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ?');
  const trimPush = db.prepare(`DELETE FROM push_subscriptions WHERE user_id = ? AND endpoint NOT IN (
    SELECT endpoint FROM push_subscriptions WHERE user_id = ? ORDER BY created_at DESC, endpoint DESC LIMIT ?)`);
  const savePushKept = db.transaction((sub: PushSubscriptionRecord, keep: number) => {
    savePush.run(sub.endpoint, sub.userId, sub.p256dh, sub.auth, sub.createdAt);
    trimPush.run(sub.userId, sub.userId, keep);
  });
  const pushAudience = db.prepare<[string, string, string, number], PushRow>(`SELECT p.* FROM push_subscriptions p
    WHERE p.user_id IN (SELECT follower_id FROM follows WHERE host_id = ? UNION SELECT user_id FROM reminders WHERE space_id = ?)
      AND p.endpoint > ? ORDER BY p.endpoint LIMIT ?`);
  const claimPush = db.prepare('INSERT INTO go_live_pushes (space_id, claimed_at) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const offerKeys = db.prepare('INSERT INTO push_keys (one, public_key, private_key) VALUES (1, ?, ?) ON CONFLICT DO NOTHING');
  const keys = db.prepare<[], { public_key: string; private_key: string }>('SELECT public_key, private_key FROM push_keys WHERE one = 1');
  return {
    async follow(followerId, hostId, at) { return follow.run(followerId, hostId, at).changes === 1; },
    async unfollow(followerId, hostId) { unfollow.run(followerId, hostId); },
    async isFollowing(followerId, hostId) { return isFollowing.get(followerId, hostId) !== undefined; },
    async followerCount(hostId) { return followers.get(hostId)?.n ?? 0; },
    async remind(userId, spaceId, at) { remind.run(userId, spaceId, at); },
    async unremind(userId, spaceId) { unremind.run(userId, spaceId); },
    async isReminded(userId, spaceId) { return isReminded.get(userId, spaceId) !== undefined; },
    async liveFor(userId, limit) { return liveFor.all(userId, userId, limit).map(toSpace); },
    async savePushSubscription(sub, keep) { savePushKept(sub, keep); },
    async deletePushSubscription(endpoint) { deletePush.run(endpoint); },
    async pushAudience(hostId, spaceId, afterEndpoint, limit) { return pushAudience.all(hostId, spaceId, afterEndpoint, limit).map(toPush); },
    async claimGoLivePush(spaceId, at) { return claimPush.run(spaceId, at).changes === 1; },
    async pushKeys(offered) {
      offerKeys.run(offered.publicKey, offered.privateKey);
      const kept = keys.get()!;
      return { publicKey: kept.public_key, privateKey: kept.private_key };
    },
  };
}
