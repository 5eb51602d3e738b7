import { chainContent } from '../../trust-safety/audit-chain.js';
import type { Appeal, AuditEntry, Decision, NewAuditEntry, Notice, QueueItem, TargetType } from '../../trust-safety/types.js';
import { toAppeal, toAudit, toDecision, toNotice, toQueueItem, type AppealRow, type AuditRow, type DecisionRow, type LocationRow, type NoticeRow, type QueueRow } from '../trust-safety-rows.js';
import type { MisuseKind } from '../../trust-safety/misuse-rules.js';
import type { ContentEffect, TargetLocation, TrustSafetyRepository } from '../trust-safety-store.js';
import { inTransaction, type Pool, type Queryable } from './database.js';
import type { OutboxWriter } from './outbox.js';

const LOCATE: Record<'space' | 'question' | 'seat' | 'account' | 'note', string> = {
  space: `SELECT id AS space_id, host_id AS owner_id, COALESCE(started_at, created_at) AS created_at, language, state AS space_state
    FROM spaces WHERE id = $1`,
  question: `SELECT q.space_id, q.author_id AS owner_id, q.created_at, s.language, s.state AS space_state
    FROM questions q JOIN spaces s ON s.id = q.space_id WHERE q.id = $1`,
  seat: `SELECT p.space_id, p.user_id AS owner_id, p.joined_at AS created_at, s.language, s.state AS space_state
    FROM participants p JOIN spaces s ON s.id = p.space_id WHERE p.id = $1`,
  account: 'SELECT NULL AS space_id, id AS owner_id, created_at, NULL AS language, NULL AS space_state FROM users WHERE id = $1',
  note: `SELECT n.space_id, n.author_id AS owner_id, n.created_at, s.language, s.state AS space_state
    FROM notes n JOIN spaces s ON s.id = n.space_id WHERE n.id = $1`,
};
const locator = (targetType: TargetType, targetId: string): keyof typeof LOCATE =>
  targetType === 'space' || targetType === 'recording' ? 'space'
    : targetType === 'question' ? 'question'
      : targetType === 'note' ? 'note'
        : targetId.startsWith('p_') ? 'seat' : 'account';

// The queue keeps one row per target; its rank key sorts trusted flaggers' targets first, then the oldest.
const ENQUEUE = `INSERT INTO moderation_queue AS m (target_type, target_id, space_id, open_notices, trusted_notices, first_at, last_at, rank_key)
  VALUES ($1::text, $2::text, $3, 1, $4::int, $5::text, $5::text, (CASE WHEN $4::int > 0 THEN '0' ELSE '1' END) || '|' || $5::text || '|' || $1::text || ':' || $2::text)
  ON CONFLICT (target_type, target_id) DO UPDATE SET
    open_notices = m.open_notices + 1,
    trusted_notices = m.trusted_notices + excluded.trusted_notices,
    first_at = CASE WHEN m.open_notices = 0 THEN excluded.first_at ELSE m.first_at END,
    last_at = excluded.last_at,
    rank_key = (CASE WHEN m.trusted_notices + excluded.trusted_notices > 0 THEN '0' ELSE '1' END) || '|'
      || (CASE WHEN m.open_notices = 0 THEN excluded.first_at ELSE m.first_at END) || '|' || m.target_type || ':' || m.target_id`;

const REQUEUE = `UPDATE moderation_queue m SET
    open_notices = o.open, trusted_notices = o.trusted, first_at = COALESCE(o.first, m.first_at),
    rank_key = (CASE WHEN o.trusted > 0 THEN '0' ELSE '1' END) || '|' || COALESCE(o.first, m.first_at) || '|' || m.target_type || ':' || m.target_id
  FROM (SELECT COUNT(*) AS open, COUNT(*) FILTER (WHERE trusted) AS trusted, MIN(received_at) AS first
        FROM notices WHERE target_type = $1 AND target_id = $2 AND state = 'open') o
  WHERE m.target_type = $1 AND m.target_id = $2`;

const INSERT_DECISION = `INSERT INTO decisions (id, action, target_type, target_id, space_id, at_ms, affected_user_id, ground, legal_ground,
  terms_clause, explanation, facts, category, keywords, source, notice_ids, content_date, content_language, decided_by, decided_at, ends_at,
  undo, state, reversed_at, manifestly_illegal, automated)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)`;

/**
 * Appends to the hash chain inside the caller's transaction, so the entry commits (or not) with the act
 * it records. One statement locks the chain's head row, links the entry to it, hashes it (SHA-256 of
 * the previous hash, a newline and the entry's content, as `chainHash` does) and moves the head: appends
 * from every origin queue on that row, each holding it for one statement and the commit, and the
 * identity column numbers entries in chain order.
 */
async function append(client: Queryable, entry: NewAuditEntry): Promise<AuditEntry> {
  const { rows } = await client.query<{ seq: number; prev_hash: string; hash: string }>(`WITH head AS (SELECT hash FROM audit_head FOR UPDATE),
    entry AS (
      INSERT INTO audit_log (at, actor_id, action, target_type, target_id, reason, data, prev_hash, hash)
      SELECT $1, $2, $3, $4, $5, $6, $7, head.hash, encode(sha256(convert_to(head.hash || E'\\n' || $8::text, 'UTF8')), 'hex') FROM head
      RETURNING seq, prev_hash, hash)
    UPDATE audit_head SET hash = entry.hash FROM entry RETURNING entry.seq, entry.prev_hash, entry.hash`,
  [entry.at, entry.actorId, entry.action, entry.targetType, entry.targetId, entry.reason, JSON.stringify(entry.data), chainContent(entry)]);
  const r = rows[0]!;
  return { ...entry, seq: r.seq, prevHash: r.prev_hash, hash: r.hash };
}

async function applyEffect(client: Queryable, e: ContentEffect | undefined): Promise<void> {
  if (e?.kind === 'question-state') {
    await client.query(`UPDATE questions SET state = $1::text, answered_at = NULL, highlighted = CASE WHEN $1::text = 'approved' THEN highlighted ELSE false END
      WHERE id = $2`, [e.state, e.questionId]);
  }
  if (e?.kind === 'note-hidden') await client.query('UPDATE notes SET hidden = $1 WHERE id = $2', [e.hidden, e.noteId]);
  if (e?.kind === 'reopen-notices') {
    const { rows } = await client.query<{ target_type: string; target_id: string }>('SELECT target_type, target_id FROM decisions WHERE id = $1', [e.decisionId]);
    if (!rows[0]) return;
    await client.query(`UPDATE notices SET state = 'open', decision_id = NULL, closed_at = NULL, unfounded = false WHERE decision_id = $1`, [e.decisionId]);
    await client.query(REQUEUE, [rows[0].target_type, rows[0].target_id]);
  }
}

export function postgresTrustSafety(pool: Pool, outbox: OutboxWriter): TrustSafetyRepository {
  const one = async <R extends object, T>(sql: string, values: unknown[], map: (r: R) => T): Promise<T | null> => {
    const { rows } = await pool.query<R>(sql, values);
    return rows[0] ? map(rows[0]) : null;
  };
  const all = async <R extends object, T>(sql: string, values: unknown[], map: (r: R) => T): Promise<T[]> =>
    (await pool.query<R>(sql, values)).rows.map(map);

  return {
    async locate(targetType, targetId) {
      return one<LocationRow, TargetLocation>(LOCATE[locator(targetType, targetId)], [targetId],
        (l) => ({ spaceId: l.space_id, ownerId: l.owner_id, createdAt: l.created_at, language: l.language, spaceState: l.space_state }));
    },
    async createNotice(n, audit) {
      await inTransaction(pool, async (client) => {
        await client.query(`INSERT INTO notices (id, target_type, target_id, space_id, at_ms, category, explanation, notifier_name, notifier_email,
          notifier_user_id, trusted, received_at, state, decision_id, closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [n.id, n.targetType, n.targetId, n.spaceId, n.atMs, n.category, n.explanation, n.notifierName, n.notifierEmail,
          n.notifierUserId, n.trusted, n.receivedAt, n.state, n.decisionId, n.closedAt]);
        await client.query(ENQUEUE, [n.targetType, n.targetId, n.spaceId, n.trusted ? 1 : 0, n.receivedAt]);
        await append(client, audit);
      });
    },
    notice: (id) => one<NoticeRow, Notice>('SELECT * FROM notices WHERE id = $1', [id], toNotice),
    openNoticesOf: (targetType, targetId, limit) => all<NoticeRow, Notice>(`SELECT * FROM notices WHERE target_type = $1 AND target_id = $2 AND state = 'open'
      ORDER BY trusted DESC, received_at ASC LIMIT $3`, [targetType, targetId, limit], toNotice),
    noticesByNotifier: (userId, limit) => all<NoticeRow, Notice>('SELECT * FROM notices WHERE notifier_user_id = $1 ORDER BY received_at DESC LIMIT $2', [userId, limit], toNotice),
    queue: (after, limit) => (after === null
      ? all<QueueRow, QueueItem>('SELECT * FROM moderation_queue WHERE open_notices > 0 ORDER BY rank_key LIMIT $1', [limit], toQueueItem)
      : all<QueueRow, QueueItem>('SELECT * FROM moderation_queue WHERE open_notices > 0 AND rank_key > $1 ORDER BY rank_key LIMIT $2', [after, limit], toQueueItem)),
    queueItem: (targetType, targetId) => one<QueueRow, QueueItem>('SELECT * FROM moderation_queue WHERE target_type = $1 AND target_id = $2', [targetType, targetId], toQueueItem),

    recordDecision(d, options, audit) {
      return inTransaction(pool, async (client) => {
        if (d.noticeIds.length) {
          // Locks the notices it answers: a second decision on them waits here, then finds them closed.
          const { rows } = await client.query<{ id: string }>(`SELECT id FROM notices WHERE id = ANY($1) AND state = 'open' FOR UPDATE`, [d.noticeIds]);
          if (rows.length !== d.noticeIds.length) return false;
        }
        await applyEffect(client, options.effect);
        await client.query(INSERT_DECISION, [d.id, d.action, d.targetType, d.targetId, d.spaceId, d.atMs, d.affectedUserId, d.ground, d.legalGround,
          d.termsClause, d.explanation, d.facts, d.category, JSON.stringify(d.keywords), d.source, JSON.stringify(d.noticeIds), d.contentDate,
          d.contentLanguage, d.decidedBy, d.decidedAt, d.endsAt, d.undo ? JSON.stringify(d.undo) : null, d.state, d.reversedAt, d.manifestlyIllegal, d.automated]);
        await client.query(`UPDATE notices SET state = 'closed', decision_id = $1, closed_at = $2, unfounded = $3
          WHERE target_type = $4 AND target_id = $5 AND state = 'open'`, [d.id, d.decidedAt, options.unfounded, d.targetType, d.targetId]);
        await client.query('UPDATE moderation_queue SET open_notices = 0, trusted_notices = 0 WHERE target_type = $1 AND target_id = $2', [d.targetType, d.targetId]);
        await append(client, audit);
        await outbox.append(client, options.events);
        return true;
      }).then((recorded) => {
        if (recorded) outbox.committed(options.events);
        return recorded;
      });
    },
    decision: (id) => one<DecisionRow, Decision>('SELECT * FROM decisions WHERE id = $1', [id], toDecision),
    decisionsAffecting: (userId, limit) => all<DecisionRow, Decision>(`SELECT * FROM decisions WHERE affected_user_id = $1 AND action != 'no_action'
      ORDER BY decided_at DESC LIMIT $2`, [userId, limit], toDecision),
    decisionsBetween: (from, to) => all<DecisionRow, Decision>('SELECT * FROM decisions WHERE decided_at >= $1 AND decided_at < $2 ORDER BY decided_at, id', [from, to], toDecision),
    decisionsInForce: (actions) => all<DecisionRow, Decision>(`SELECT * FROM decisions WHERE state = 'in_force' AND action = ANY($1)`, [actions], toDecision),
    labelsOf: (spaceId) => all<DecisionRow, Decision>(`SELECT * FROM decisions WHERE space_id = $1 AND action = 'label' AND state = 'in_force'
      AND target_type IN ('space', 'recording') ORDER BY decided_at`, [spaceId], toDecision),
    noticesBetween: (from, to) => all<NoticeRow, Notice>('SELECT * FROM notices WHERE received_at >= $1 AND received_at < $2 ORDER BY received_at', [from, to], toNotice),

    createAppeal(a, audit) {
      return inTransaction(pool, async (client) => {
        const { rowCount } = await client.query(`INSERT INTO appeals (id, decision_id, appellant_id, explanation, submitted_at, state, decided_by, decided_at, reasons)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (decision_id) DO NOTHING`,
        [a.id, a.decisionId, a.appellantId, a.explanation, a.submittedAt, a.state, a.decidedBy, a.decidedAt, a.reasons]);
        if (rowCount !== 1) return false;
        await append(client, audit);
        return true;
      });
    },
    appeal: (id) => one<AppealRow, Appeal>('SELECT * FROM appeals WHERE id = $1', [id], toAppeal),
    appealOf: (decisionId) => one<AppealRow, Appeal>('SELECT * FROM appeals WHERE decision_id = $1', [decisionId], toAppeal),
    openAppeals: (limit) => all<AppealRow, Appeal>(`SELECT * FROM appeals WHERE state = 'open' ORDER BY submitted_at LIMIT $1`, [limit], toAppeal),
    appealsBetween: (from, to) => all<AppealRow, Appeal>('SELECT * FROM appeals WHERE submitted_at >= $1 AND submitted_at < $2 ORDER BY submitted_at', [from, to], toAppeal),
    decideAppeal(a, reversed, audit, effect, events) {
      return inTransaction(pool, async (client) => {
        const { rowCount } = await client.query(`UPDATE appeals SET state = $1, decided_by = $2, decided_at = $3, reasons = $4 WHERE id = $5 AND state = 'open'`,
          [a.state, a.decidedBy, a.decidedAt, a.reasons, a.id]);
        if (rowCount !== 1) return false;
        if (reversed) {
          await client.query(`UPDATE decisions SET state = 'reversed', reversed_at = $1 WHERE id = $2`, [a.decidedAt, a.decisionId]);
          await applyEffect(client, effect);
        }
        await append(client, audit);
        await outbox.append(client, events);
        return true;
      }).then((answered) => {
        if (answered) outbox.committed(events);
        return answered;
      });
    },

    async setTrustedFlagger(userId, trusted, by, audit) {
      await inTransaction(pool, async (client) => {
        if (trusted) await client.query('INSERT INTO trusted_flaggers (user_id, granted_by, granted_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [userId, by, audit.at]);
        else await client.query('DELETE FROM trusted_flaggers WHERE user_id = $1', [userId]);
        await append(client, audit);
      });
    },
    async isTrustedFlagger(userId) { return ((await pool.query('SELECT 1 FROM trusted_flaggers WHERE user_id = $1', [userId])).rowCount ?? 0) > 0; },

    appendAudit: (audit) => inTransaction(pool, (client) => append(client, audit)),
    auditEntries: (afterSeq, limit) => all<AuditRow, AuditEntry>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit], toAudit),

    async unfoundedNotices(userId, since) {
      const { rows } = await pool.query<{ n: number; last: string | null }>(`SELECT COUNT(*) AS n, MAX(closed_at) AS last FROM notices
        WHERE notifier_user_id = $1 AND unfounded AND closed_at >= $2`, [userId, since]);
      return { count: rows[0]?.n ?? 0, lastAt: rows[0]?.last ?? null };
    },
    async manifestlyIllegalCount(userId, since) {
      const { rows } = await pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM decisions
        WHERE affected_user_id = $1 AND manifestly_illegal AND state = 'in_force' AND decided_at >= $2`, [userId, since]);
      return rows[0]?.n ?? 0;
    },
    async warn(userId, kind, audit) {
      await inTransaction(pool, async (client) => {
        await client.query('INSERT INTO misuse_warnings (user_id, kind, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [userId, kind, audit.at]);
        await append(client, audit);
      });
    },
    async lastWarning(userId, kind, since) {
      const { rows } = await pool.query<{ at: string }>('SELECT at FROM misuse_warnings WHERE user_id = $1 AND kind = $2 AND at >= $3 ORDER BY at DESC LIMIT 1', [userId, kind, since]);
      return rows[0]?.at ?? null;
    },
    async warnings(userId, since) {
      const { rows } = await pool.query<{ kind: MisuseKind; at: string }>('SELECT kind, at FROM misuse_warnings WHERE user_id = $1 AND at >= $2 ORDER BY at DESC', [userId, since]);
      return rows;
    },
    async markSubmitted(puids, at) {
      await pool.query('INSERT INTO dsa_submissions (puid, submitted_at) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING', [puids, at]);
    },
    async submitted(puids) {
      const { rows } = await pool.query<{ puid: string }>('SELECT puid FROM dsa_submissions WHERE puid = ANY($1)', [puids]);
      return new Set(rows.map((r) => r.puid));
    },
  };
}
