import type { Invite, Participant, SpeakRequest } from '../records.js';
import type { OutboxEvent } from '../outbox.js';
import type { SeatOutcome, StageRepository } from '../store.js';
import { fromBool, toBool, type Db } from './database.js';
import type { OutboxWriter } from './outbox.js';

interface ParticipantRow { id: string; space_id: string; user_id: string | null; display_name: string; role: Participant['role']; muted: number; joined_at: string; left_at: string | null }
interface InviteRow { token_hash: string; space_id: string; role: Invite['role']; created_by: string; created_at: string; expires_at: string; participant_id: string | null; revoked_at: string | null }
interface RequestRow { id: string; space_id: string; user_id: string; state: SpeakRequest['state']; created_at: string; answered_at: string | null }

const toParticipant = (r: ParticipantRow): Participant => ({
  id: r.id, spaceId: r.space_id, userId: r.user_id, displayName: r.display_name, role: r.role,
  muted: toBool(r.muted), joinedAt: r.joined_at, leftAt: r.left_at,
});
const toInvite = (r: InviteRow): Invite => ({
  tokenHash: r.token_hash, spaceId: r.space_id, role: r.role, createdBy: r.created_by, createdAt: r.created_at,
  expiresAt: r.expires_at, participantId: r.participant_id, revokedAt: r.revoked_at,
});
const toRequest = (r: RequestRow): SpeakRequest => ({
  id: r.id, spaceId: r.space_id, userId: r.user_id, state: r.state, createdAt: r.created_at, answeredAt: r.answered_at,
});

export function sqliteStage(db: Db, outbox: OutboxWriter): StageRepository {
  const q = {
    addParticipant: db.prepare(`INSERT INTO participants (id, space_id, user_id, display_name, role, muted, joined_at, left_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    participant: db.prepare<[string], ParticipantRow>('SELECT * FROM participants WHERE id = ?'),
    onStage: db.prepare<[string], ParticipantRow>(`SELECT * FROM participants WHERE space_id = ? AND left_at IS NULL
      ORDER BY CASE role WHEN 'host' THEN 0 WHEN 'cohost' THEN 1 ELSE 2 END, joined_at`),
    seatOfUser: db.prepare<[string, string], ParticipantRow>('SELECT * FROM participants WHERE space_id = ? AND user_id = ? AND left_at IS NULL'),
    createInvite: db.prepare(`INSERT INTO invites (token_hash, space_id, role, created_by, created_at, expires_at, participant_id, revoked_at)
      VALUES (@tokenHash, @spaceId, @role, @createdBy, @createdAt, @expiresAt, @participantId, @revokedAt)`),
    invite: db.prepare<[string], InviteRow>('SELECT * FROM invites WHERE token_hash = ?'),
    inviteOf: db.prepare<[string], InviteRow>('SELECT * FROM invites WHERE participant_id = ?'),
    redeem: db.prepare('UPDATE invites SET participant_id = ? WHERE token_hash = ? AND participant_id IS NULL AND revoked_at IS NULL'),
    limits: db.prepare<[string], { max_on_stage: number; max_cohosts: number }>('SELECT max_on_stage, max_cohosts FROM spaces WHERE id = ?'),
    seated: db.prepare<[string], { seats: number; cohosts: number }>(`SELECT COUNT(*) AS seats, COALESCE(SUM(role = 'cohost'), 0) AS cohosts
      FROM participants WHERE space_id = ? AND left_at IS NULL`),
    setRole: db.prepare('UPDATE participants SET role = ? WHERE id = ? AND left_at IS NULL'),
    revoke: db.prepare('UPDATE invites SET revoked_at = ? WHERE participant_id = ? AND revoked_at IS NULL'),
    createRequest: db.prepare(`INSERT INTO speak_requests (id, space_id, user_id, state, created_at, answered_at)
      VALUES (@id, @spaceId, @userId, @state, @createdAt, @answeredAt)`),
    pendingRequest: db.prepare<[string, string], RequestRow>(`SELECT * FROM speak_requests WHERE space_id = ? AND user_id = ? AND state = 'pending'`),
    pendingRequests: db.prepare<[string], RequestRow>(`SELECT * FROM speak_requests WHERE space_id = ? AND state = 'pending' ORDER BY created_at`),
    answer: db.prepare('UPDATE speak_requests SET state = ?, answered_at = ? WHERE id = ?'),
    block: db.prepare('INSERT INTO blocks (space_id, user_id, blocked_by, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    isBlocked: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM blocks WHERE space_id = ? AND user_id = ?'),
  };
  const participant = (id: string): Participant | null => { const r = q.participant.get(id); return r ? toParticipant(r) : null; };
  const insert = (p: Participant) => q.addParticipant.run(p.id, p.spaceId, p.userId, p.displayName, p.role, fromBool(p.muted), p.joinedAt, p.leftAt);
  const liveSeatOf = (spaceId: string, userId: string | null) => (userId ? q.seatOfUser.get(spaceId, userId) : undefined);
  // IMMEDIATE takes the write lock before the first read, so the counts cannot change under us.
  const takeSeat = db.transaction((p: Participant, inviteTokenHash: string | undefined, events: readonly OutboxEvent[] | undefined): SeatOutcome => {
    const limits = q.limits.get(p.spaceId);
    if (!limits) throw new Error(`no Space ${p.spaceId}`);
    if (liveSeatOf(p.spaceId, p.userId)) return 'already-seated';
    const { seats, cohosts } = q.seated.get(p.spaceId)!;
    if (seats >= limits.max_on_stage) return 'stage-full';
    if (p.role === 'cohost' && cohosts >= limits.max_cohosts) return 'cohosts-full';
    insert(p);
    if (inviteTokenHash !== undefined && q.redeem.run(p.id, inviteTokenHash).changes !== 1) throw new InviteTaken();
    outbox.append(events);
    return 'seated';
  });
  const setRole = db.transaction((id: string, role: 'speaker' | 'cohost', events: readonly OutboxEvent[] | undefined): Participant | 'cohosts-full' | null => {
    const seat = participant(id);
    if (!seat || seat.leftAt) return null;
    if (role === 'cohost' && seat.role !== 'cohost') {
      const limits = q.limits.get(seat.spaceId)!;
      if (q.seated.get(seat.spaceId)!.cohosts >= limits.max_cohosts) return 'cohosts-full';
    }
    q.setRole.run(role, id);
    outbox.append(events);
    return participant(id);
  });
  return {
    async takeSeat(p, options = {}) {
      try {
        const outcome = takeSeat.immediate(p, options.inviteTokenHash, options.events);
        if (outcome === 'seated') outbox.committed(options.events);
        return outcome;
      } catch (err) {
        // Thrown inside the transaction so that it rolls back: the seat is never written.
        if (err instanceof InviteTaken) return 'invite-used';
        throw err;
      }
    },
    async setRole(id, role, events) {
      const outcome = setRole.immediate(id, role, events);
      if (outcome && outcome !== 'cohosts-full') outbox.committed(events);
      return outcome;
    },
    async addParticipant(p) { insert(p); },
    async participant(id) { return participant(id); },
    async onStage(spaceId) { return q.onStage.all(spaceId).map(toParticipant); },
    async seatOfUser(spaceId, userId) { const r = q.seatOfUser.get(spaceId, userId); return r ? toParticipant(r) : null; },
    async updateParticipant(id, patch, events) {
      const sets: string[] = [];
      const values: unknown[] = [];
      if (patch.muted !== undefined) { sets.push('muted = ?'); values.push(fromBool(patch.muted)); }
      if (patch.leftAt !== undefined) { sets.push('left_at = ?'); values.push(patch.leftAt); }
      const wrote = sets.length > 0 && db.transaction(() => {
        if (db.prepare(`UPDATE participants SET ${sets.join(', ')} WHERE id = ?`).run(...values, id).changes !== 1) return false;
        outbox.append(events);
        return true;
      })();
      if (wrote) outbox.committed(events);
      return participant(id);
    },
    async createInvite(invite) { q.createInvite.run(invite); },
    async invite(hash) { const r = q.invite.get(hash); return r ? toInvite(r) : null; },
    async inviteOfParticipant(id) { const r = q.inviteOf.get(id); return r ? toInvite(r) : null; },
    async revokeInvitesOf(participantId, at) { q.revoke.run(at, participantId); },
    async createRequest(request, events) {
      db.transaction(() => { q.createRequest.run(request); outbox.append(events); })();
      outbox.committed(events);
    },
    async pendingRequest(spaceId, userId) { const r = q.pendingRequest.get(spaceId, userId); return r ? toRequest(r) : null; },
    async pendingRequests(spaceId) { return q.pendingRequests.all(spaceId).map(toRequest); },
    async answerRequest(id, state, at, events) {
      const wrote = db.transaction(() => {
        if (q.answer.run(state, at, id).changes !== 1) return false;
        outbox.append(events);
        return true;
      })();
      if (wrote) outbox.committed(events);
    },
    async block(spaceId, userId, by, at) { q.block.run(spaceId, userId, by, at); },
    async isBlocked(spaceId, userId) { return q.isBlocked.get(spaceId, userId) !== undefined; },
  };
}

class InviteTaken extends Error {}
