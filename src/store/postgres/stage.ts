import type { Invite, Participant, SpeakRequest } from '../records.js';
import type { SeatOutcome, StageRepository } from '../store.js';
import { inTransaction, type Client, type Pool } from './database.js';
import { withOutbox, type OutboxWriter } from './outbox.js';

interface ParticipantRow { id: string; space_id: string; user_id: string | null; display_name: string; role: Participant['role']; muted: boolean; joined_at: string; left_at: string | null }
interface InviteRow { token_hash: string; space_id: string; role: Invite['role']; created_by: string; created_at: string; expires_at: string; participant_id: string | null; revoked_at: string | null }
interface RequestRow { id: string; space_id: string; user_id: string; state: SpeakRequest['state']; created_at: string; answered_at: string | null }

const toParticipant = (r: ParticipantRow): Participant => ({
  id: r.id, spaceId: r.space_id, userId: r.user_id, displayName: r.display_name, role: r.role,
  muted: r.muted, joinedAt: r.joined_at, leftAt: r.left_at,
});
const toInvite = (r: InviteRow): Invite => ({
  tokenHash: r.token_hash, spaceId: r.space_id, role: r.role, createdBy: r.created_by, createdAt: r.created_at,
  expiresAt: r.expires_at, participantId: r.participant_id, revokedAt: r.revoked_at,
});
const toRequest = (r: RequestRow): SpeakRequest => ({
  id: r.id, spaceId: r.space_id, userId: r.user_id, state: r.state, createdAt: r.created_at, answeredAt: r.answered_at,
});

const INSERT_PARTICIPANT = `INSERT INTO participants (id, space_id, user_id, display_name, role, muted, joined_at, left_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
const participantValues = (p: Participant) => [p.id, p.spaceId, p.userId, p.displayName, p.role, p.muted, p.joinedAt, p.leftAt];

/**
 * Locks the Space's row for the rest of the transaction: every seat change of a Space queues behind
 * it, and each statement after the lock (read committed) sees the seats the previous holder committed.
 */
async function lockSpace(client: Client, spaceId: string): Promise<{ max_on_stage: number; max_cohosts: number }> {
  const { rows } = await client.query<{ max_on_stage: number; max_cohosts: number }>(
    'SELECT max_on_stage, max_cohosts FROM spaces WHERE id = $1 FOR UPDATE', [spaceId]);
  if (!rows[0]) throw new Error(`no Space ${spaceId}`);
  return rows[0];
}

async function seated(client: Client, spaceId: string): Promise<{ seats: number; cohosts: number }> {
  const { rows } = await client.query<{ seats: number; cohosts: number }>(
    `SELECT COUNT(*) AS seats, COUNT(*) FILTER (WHERE role = 'cohost') AS cohosts FROM participants WHERE space_id = $1 AND left_at IS NULL`, [spaceId]);
  return rows[0]!;
}

export function postgresStage(pool: Pool, outbox: OutboxWriter): StageRepository {
  const participant = async (id: string): Promise<Participant | null> => {
    const { rows } = await pool.query<ParticipantRow>('SELECT * FROM participants WHERE id = $1', [id]);
    return rows[0] ? toParticipant(rows[0]) : null;
  };
  return {
    takeSeat(p, options = {}) {
      let wrote = false;
      return inTransaction(pool, async (client): Promise<SeatOutcome> => {
        const limits = await lockSpace(client, p.spaceId);
        if (p.userId) {
          const { rowCount } = await client.query('SELECT 1 FROM participants WHERE space_id = $1 AND user_id = $2 AND left_at IS NULL', [p.spaceId, p.userId]);
          if (rowCount) return 'already-seated';
        }
        const { seats, cohosts } = await seated(client, p.spaceId);
        if (seats >= limits.max_on_stage) return 'stage-full';
        if (p.role === 'cohost' && cohosts >= limits.max_cohosts) return 'cohosts-full';
        await client.query(INSERT_PARTICIPANT, participantValues(p));
        if (options.inviteTokenHash !== undefined) {
          const { rowCount } = await client.query(
            'UPDATE invites SET participant_id = $1 WHERE token_hash = $2 AND participant_id IS NULL AND revoked_at IS NULL', [p.id, options.inviteTokenHash]);
          // Someone redeemed it first: the transaction rolls back, so the seat was never there.
          if (rowCount !== 1) throw new InviteTaken();
        }
        await outbox.append(client, options.events);
        wrote = true;
        return 'seated';
      }).then((outcome) => {
        if (wrote) outbox.committed(options.events);
        return outcome;
      }, (err: unknown) => {
        if (err instanceof InviteTaken) return 'invite-used' as const;
        // The unique index is the last word on one live seat per account.
        if ((err as { constraint?: string }).constraint === 'participants_live_user') return 'already-seated' as const;
        throw err;
      });
    },
    async addParticipant(p) { await pool.query(INSERT_PARTICIPANT, participantValues(p)); },
    participant,
    async onStage(spaceId) {
      const { rows } = await pool.query<ParticipantRow>(`SELECT * FROM participants WHERE space_id = $1 AND left_at IS NULL
        ORDER BY CASE role WHEN 'host' THEN 0 WHEN 'cohost' THEN 1 ELSE 2 END, joined_at`, [spaceId]);
      return rows.map(toParticipant);
    },
    async seatOfUser(spaceId, userId) {
      const { rows } = await pool.query<ParticipantRow>('SELECT * FROM participants WHERE space_id = $1 AND user_id = $2 AND left_at IS NULL', [spaceId, userId]);
      return rows[0] ? toParticipant(rows[0]) : null;
    },
    async updateParticipant(id, patch, events) {
      const sets: string[] = [];
      const values: unknown[] = [id];
      if (patch.muted !== undefined) { values.push(patch.muted); sets.push(`muted = $${values.length}`); }
      if (patch.leftAt !== undefined) { values.push(patch.leftAt); sets.push(`left_at = $${values.length}`); }
      if (!sets.length) return participant(id);
      return withOutbox(pool, outbox, !!events?.length, async (q) => {
        const { rows } = await q.query<ParticipantRow>(`UPDATE participants SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, values);
        return rows[0] ? [toParticipant(rows[0]), events] as const : [null, undefined] as const;
      });
    },
    async setRole(id, role, events) {
      const outcome = await inTransaction(pool, async (client) => {
        const seat = await participant(id);
        if (!seat || seat.leftAt) return null;
        const limits = await lockSpace(client, seat.spaceId);
        if (role === 'cohost') {
          const { rows } = await client.query<{ role: string; left_at: string | null }>('SELECT role, left_at FROM participants WHERE id = $1', [id]);
          if (!rows[0] || rows[0].left_at) return null;
          if (rows[0].role !== 'cohost' && (await seated(client, seat.spaceId)).cohosts >= limits.max_cohosts) return 'cohosts-full' as const;
        }
        const { rows } = await client.query<ParticipantRow>('UPDATE participants SET role = $1 WHERE id = $2 AND left_at IS NULL RETURNING *', [role, id]);
        if (!rows[0]) return null;
        await outbox.append(client, events);
        return toParticipant(rows[0]);
      });
      if (outcome && outcome !== 'cohosts-full') outbox.committed(events);
      return outcome;
    },
    async createInvite(i) {
      await pool.query(`INSERT INTO invites (token_hash, space_id, role, created_by, created_at, expires_at, participant_id, revoked_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [i.tokenHash, i.spaceId, i.role, i.createdBy, i.createdAt, i.expiresAt, i.participantId, i.revokedAt]);
    },
    async invite(hash) {
      const { rows } = await pool.query<InviteRow>('SELECT * FROM invites WHERE token_hash = $1', [hash]);
      return rows[0] ? toInvite(rows[0]) : null;
    },
    async inviteOfParticipant(id) {
      const { rows } = await pool.query<InviteRow>('SELECT * FROM invites WHERE participant_id = $1', [id]);
      return rows[0] ? toInvite(rows[0]) : null;
    },
    async revokeInvitesOf(participantId, at) {
      await pool.query('UPDATE invites SET revoked_at = $1 WHERE participant_id = $2 AND revoked_at IS NULL', [at, participantId]);
    },
    async createRequest(r, events) {
      await withOutbox(pool, outbox, !!events?.length, async (q) => {
        await q.query('INSERT INTO speak_requests (id, space_id, user_id, state, created_at, answered_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [r.id, r.spaceId, r.userId, r.state, r.createdAt, r.answeredAt]);
        return [undefined, events] as const;
      });
    },
    async pendingRequest(spaceId, userId) {
      const { rows } = await pool.query<RequestRow>(`SELECT * FROM speak_requests WHERE space_id = $1 AND user_id = $2 AND state = 'pending'`, [spaceId, userId]);
      return rows[0] ? toRequest(rows[0]) : null;
    },
    async pendingRequests(spaceId) {
      const { rows } = await pool.query<RequestRow>(`SELECT * FROM speak_requests WHERE space_id = $1 AND state = 'pending' ORDER BY created_at`, [spaceId]);
      return rows.map(toRequest);
    },
    async answerRequest(id, state, at, events) {
      await withOutbox(pool, outbox, !!events?.length, async (q) => {
        const { rowCount } = await q.query('UPDATE speak_requests SET state = $1, answered_at = $2 WHERE id = $3', [state, at, id]);
        return [undefined, rowCount ? events : undefined] as const;
      });
    },
    async block(spaceId, userId, by, at) {
      await pool.query('INSERT INTO blocks (space_id, user_id, blocked_by, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [spaceId, userId, by, at]);
    },
    async isBlocked(spaceId, userId) {
      const { rowCount } = await pool.query('SELECT 1 FROM blocks WHERE space_id = $1 AND user_id = $2', [spaceId, userId]);
      return (rowCount ?? 0) > 0;
    },
  };
}

class InviteTaken extends Error {}
