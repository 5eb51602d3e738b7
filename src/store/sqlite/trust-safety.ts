import { chainHash, GENESIS_HASH } from '../../trust-safety/audit-chain.js';
import type { Appeal, AuditEntry, Decision, NewAuditEntry, Notice } from '../../trust-safety/types.js';
import type { ContentEffect, TrustSafetyRepository } from '../trust-safety-store.js';
import type { MisuseKind } from '../../trust-safety/misuse-rules.js';
import { toAppeal, toAudit, toDecision, toNotice, toQueueItem, type AppealRow, type AuditRow, type DecisionRow, type LocationRow, type NoticeRow, type QueueRow } from '../trust-safety-rows.js';
import type { OutboxEvent } from '../outbox.js';
import { fromBool, type Db } from './database.js';
import type { OutboxWriter } from './outbox.js';

export function sqliteTrustSafety(db: Db, outbox: OutboxWriter): TrustSafetyRepository {
  const where = {
    space: db.prepare<[string], LocationRow>(`SELECT id AS space_id, host_id AS owner_id, COALESCE(started_at, created_at) AS created_at, language, state AS space_state
      FROM spaces WHERE id = ?`),
    question: db.prepare<[string], LocationRow>(`SELECT q.space_id, q.author_id AS owner_id, q.created_at, s.language, s.state AS space_state
      FROM questions q JOIN spaces s ON s.id = q.space_id WHERE q.id = ?`),
    seat: db.prepare<[string], LocationRow>(`SELECT p.space_id, p.user_id AS owner_id, p.joined_at AS created_at, s.language, s.state AS space_state
      FROM participants p JOIN spaces s ON s.id = p.space_id WHERE p.id = ?`),
    account: db.prepare<[string], LocationRow>(`SELECT NULL AS space_id, id AS owner_id, created_at, NULL AS language, NULL AS space_state FROM users WHERE id = ?`),
    note: db.prepare<[string], LocationRow>(`SELECT n.space_id, n.author_id AS owner_id, n.created_at, s.language, s.state AS space_state
      FROM notes n JOIN spaces s ON s.id = n.space_id WHERE n.id = ?`),
  };
  const q = {
    insertNotice: db.prepare(`INSERT INTO notices (id, target_type, target_id, space_id, at_ms, category, explanation, notifier_name, notifier_email,
      notifier_user_id, trusted, received_at, state, decision_id, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    // The queue keeps one row per target; its rank key sorts trusted flaggers' targets first, then the oldest.
    enqueue: db.prepare(`INSERT INTO moderation_queue (target_type, target_id, space_id, open_notices, trusted_notices, first_at, last_at, rank_key)
      VALUES (@targetType, @targetId, @spaceId, 1, @trusted, @at, @at, (CASE WHEN @trusted > 0 THEN '0' ELSE '1' END) || '|' || @at || '|' || @targetType || ':' || @targetId)
      ON CONFLICT (target_type, target_id) DO UPDATE SET
        open_notices = open_notices + 1,
        trusted_notices = trusted_notices + excluded.trusted_notices,
        first_at = CASE WHEN open_notices = 0 THEN excluded.first_at ELSE first_at END,
        last_at = excluded.last_at,
        rank_key = (CASE WHEN trusted_notices + excluded.trusted_notices > 0 THEN '0' ELSE '1' END) || '|'
          || (CASE WHEN open_notices = 0 THEN excluded.first_at ELSE first_at END) || '|' || target_type || ':' || target_id`),
    questionState: db.prepare(`UPDATE questions SET state = ?, answered_at = NULL, highlighted = CASE WHEN ? = 'approved' THEN highlighted ELSE 0 END WHERE id = ?`),
    noteHidden: db.prepare('UPDATE notes SET hidden = ? WHERE id = ?'),
    reopen: db.prepare(`UPDATE notices SET state = 'open', decision_id = NULL, closed_at = NULL, unfounded = 0 WHERE decision_id = ?`),
    requeue: db.prepare(`UPDATE moderation_queue SET
        open_notices = (SELECT COUNT(*) FROM notices n WHERE n.target_type = moderation_queue.target_type AND n.target_id = moderation_queue.target_id AND n.state = 'open'),
        trusted_notices = (SELECT COUNT(*) FROM notices n WHERE n.target_type = moderation_queue.target_type AND n.target_id = moderation_queue.target_id AND n.state = 'open' AND n.trusted = 1),
        first_at = COALESCE((SELECT MIN(received_at) FROM notices n WHERE n.target_type = moderation_queue.target_type AND n.target_id = moderation_queue.target_id AND n.state = 'open'), first_at)
      WHERE target_type = ? AND target_id = ?`),
    rerank: db.prepare(`UPDATE moderation_queue SET rank_key = (CASE WHEN trusted_notices > 0 THEN '0' ELSE '1' END) || '|' || first_at || '|' || target_type || ':' || target_id
      WHERE target_type = ? AND target_id = ?`),
    dequeue: db.prepare('UPDATE moderation_queue SET open_notices = 0, trusted_notices = 0 WHERE target_type = ? AND target_id = ?'),
    notice: db.prepare<[string], NoticeRow>('SELECT * FROM notices WHERE id = ?'),
    openNotices: db.prepare<[string, string, number], NoticeRow>(`SELECT * FROM notices WHERE target_type = ? AND target_id = ? AND state = 'open'
      ORDER BY trusted DESC, received_at ASC LIMIT ?`),
    stillOpen: db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM notices WHERE state = 'open' AND id IN (SELECT value FROM json_each(?))`),
    closeNotices: db.prepare(`UPDATE notices SET state = 'closed', decision_id = ?, closed_at = ?, unfounded = ? WHERE target_type = ? AND target_id = ? AND state = 'open'`),
    byNotifier: db.prepare<[string, number], NoticeRow>('SELECT * FROM notices WHERE notifier_user_id = ? ORDER BY received_at DESC LIMIT ?'),
    queueFirst: db.prepare<[number], QueueRow>('SELECT * FROM moderation_queue WHERE open_notices > 0 ORDER BY rank_key LIMIT ?'),
    queueAfter: db.prepare<[string, number], QueueRow>('SELECT * FROM moderation_queue WHERE open_notices > 0 AND rank_key > ? ORDER BY rank_key LIMIT ?'),
    queueItem: db.prepare<[string, string], QueueRow>('SELECT * FROM moderation_queue WHERE target_type = ? AND target_id = ?'),
    noticesBetween: db.prepare<[string, string], NoticeRow>('SELECT * FROM notices WHERE received_at >= ? AND received_at < ? ORDER BY received_at'),

    insertDecision: db.prepare(`INSERT INTO decisions (id, action, target_type, target_id, space_id, at_ms, affected_user_id, ground, legal_ground,
      terms_clause, explanation, facts, category, keywords, source, notice_ids, content_date, content_language, decided_by, decided_at, ends_at,
      undo, state, reversed_at, manifestly_illegal, automated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    decision: db.prepare<[string], DecisionRow>('SELECT * FROM decisions WHERE id = ?'),
    affecting: db.prepare<[string, number], DecisionRow>(`SELECT * FROM decisions WHERE affected_user_id = ? AND action != 'no_action' ORDER BY decided_at DESC LIMIT ?`),
    between: db.prepare<[string, string], DecisionRow>('SELECT * FROM decisions WHERE decided_at >= ? AND decided_at < ? ORDER BY decided_at, id'),
    labels: db.prepare<[string], DecisionRow>(`SELECT * FROM decisions WHERE space_id = ? AND action = 'label' AND state = 'in_force'
      AND target_type IN ('space', 'recording') ORDER BY decided_at`),
    reverse: db.prepare(`UPDATE decisions SET state = 'reversed', reversed_at = ? WHERE id = ?`),

    insertAppeal: db.prepare(`INSERT INTO appeals (id, decision_id, appellant_id, explanation, submitted_at, state, decided_by, decided_at, reasons)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (decision_id) DO NOTHING`),
    appeal: db.prepare<[string], AppealRow>('SELECT * FROM appeals WHERE id = ?'),
    appealOf: db.prepare<[string], AppealRow>('SELECT * FROM appeals WHERE decision_id = ?'),
    openAppeals: db.prepare<[number], AppealRow>(`SELECT * FROM appeals WHERE state = 'open' ORDER BY submitted_at LIMIT ?`),
    appealsBetween: db.prepare<[string, string], AppealRow>('SELECT * FROM appeals WHERE submitted_at >= ? AND submitted_at < ? ORDER BY submitted_at'),
    answerAppeal: db.prepare('UPDATE appeals SET state = ?, decided_by = ?, decided_at = ?, reasons = ? WHERE id = ? AND state = \'open\''),

    grant: db.prepare('INSERT INTO trusted_flaggers (user_id, granted_by, granted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    revoke: db.prepare('DELETE FROM trusted_flaggers WHERE user_id = ?'),
    isTrusted: db.prepare<[string], { user_id: string }>('SELECT user_id FROM trusted_flaggers WHERE user_id = ?'),

    lastHash: db.prepare<[], { hash: string }>('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
    insertAudit: db.prepare(`INSERT INTO audit_log (at, actor_id, action, target_type, target_id, reason, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    audit: db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?'),

    unfounded: db.prepare<[string, string], { n: number; last: string | null }>(`SELECT COUNT(*) AS n, MAX(closed_at) AS last FROM notices
      WHERE notifier_user_id = ? AND unfounded = 1 AND closed_at >= ?`),
    illegal: db.prepare<[string, string], { n: number }>(`SELECT COUNT(*) AS n FROM decisions
      WHERE affected_user_id = ? AND manifestly_illegal = 1 AND state = 'in_force' AND decided_at >= ?`),
    warn: db.prepare('INSERT INTO misuse_warnings (user_id, kind, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    lastWarning: db.prepare<[string, string, string], { at: string }>('SELECT at FROM misuse_warnings WHERE user_id = ? AND kind = ? AND at >= ? ORDER BY at DESC LIMIT 1'),
    warnings: db.prepare<[string, string], { kind: string; at: string }>('SELECT kind, at FROM misuse_warnings WHERE user_id = ? AND at >= ? ORDER BY at DESC'),
    submit: db.prepare('INSERT INTO dsa_submissions (puid, submitted_at) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    submitted: db.prepare<[string], { puid: string }>('SELECT puid FROM dsa_submissions WHERE puid = ?'),
  };

  /** Runs inside the caller's transaction, so the entry commits (or not) with the act it records. */
  const append = (entry: NewAuditEntry): AuditEntry => {
    const prevHash = q.lastHash.get()?.hash ?? GENESIS_HASH;
    const hash = chainHash(prevHash, entry);
    const info = q.insertAudit.run(entry.at, entry.actorId, entry.action, entry.targetType, entry.targetId, entry.reason, JSON.stringify(entry.data), prevHash, hash);
    return { ...entry, seq: Number(info.lastInsertRowid), prevHash, hash };
  };

  const createNotice = db.transaction((n: Notice, audit: NewAuditEntry) => {
    q.insertNotice.run(n.id, n.targetType, n.targetId, n.spaceId, n.atMs, n.category, n.explanation, n.notifierName, n.notifierEmail,
      n.notifierUserId, fromBool(n.trusted), n.receivedAt, n.state, n.decisionId, n.closedAt);
    q.enqueue.run({ targetType: n.targetType, targetId: n.targetId, spaceId: n.spaceId, trusted: n.trusted ? 1 : 0, at: n.receivedAt });
    append(audit);
  });

  const reopen = (decisionId: string) => {
    const d = q.decision.get(decisionId);
    if (!d) return;
    q.reopen.run(decisionId);
    q.requeue.run(d.target_type, d.target_id);
    q.rerank.run(d.target_type, d.target_id);
  };
  const applyEffect = (e: ContentEffect | undefined) => {
    if (e?.kind === 'question-state') q.questionState.run(e.state, e.state, e.questionId);
    if (e?.kind === 'note-hidden') q.noteHidden.run(fromBool(e.hidden), e.noteId);
    if (e?.kind === 'reopen-notices') reopen(e.decisionId);
  };

  const recordDecision = db.transaction((d: Decision, unfounded: boolean, audit: NewAuditEntry, effect: ContentEffect | undefined, events: readonly OutboxEvent[] | undefined): boolean => {
    if (d.noticeIds.length && q.stillOpen.get(JSON.stringify(d.noticeIds))?.n !== d.noticeIds.length) return false;
    applyEffect(effect);
    q.insertDecision.run(d.id, d.action, d.targetType, d.targetId, d.spaceId, d.atMs, d.affectedUserId, d.ground, d.legalGround, d.termsClause,
      d.explanation, d.facts, d.category, JSON.stringify(d.keywords), d.source, JSON.stringify(d.noticeIds), d.contentDate, d.contentLanguage,
      d.decidedBy, d.decidedAt, d.endsAt, d.undo ? JSON.stringify(d.undo) : null, d.state, d.reversedAt, fromBool(d.manifestlyIllegal), fromBool(d.automated));
    q.closeNotices.run(d.id, d.decidedAt, fromBool(unfounded), d.targetType, d.targetId);
    q.dequeue.run(d.targetType, d.targetId);
    append(audit);
    outbox.append(events);
    return true;
  });

  const createAppeal = db.transaction((a: Appeal, audit: NewAuditEntry): boolean => {
    if (q.insertAppeal.run(a.id, a.decisionId, a.appellantId, a.explanation, a.submittedAt, a.state, a.decidedBy, a.decidedAt, a.reasons).changes !== 1) return false;
    append(audit);
    return true;
  });

  const decideAppeal = db.transaction((a: Appeal, reversed: boolean, audit: NewAuditEntry, effect: ContentEffect | undefined, events: readonly OutboxEvent[] | undefined): boolean => {
    if (q.answerAppeal.run(a.state, a.decidedBy, a.decidedAt, a.reasons, a.id).changes !== 1) return false;
    if (reversed) { q.reverse.run(a.decidedAt, a.decisionId); applyEffect(effect); }
    append(audit);
    outbox.append(events);
    return true;
  });

  const setTrusted = db.transaction((userId: string, trusted: boolean, by: string, audit: NewAuditEntry) => {
    if (trusted) q.grant.run(userId, by, audit.at);
    else q.revoke.run(userId);
    append(audit);
  });

  const warn = db.transaction((userId: string, kind: string, audit: NewAuditEntry) => { q.warn.run(userId, kind, audit.at); append(audit); });
  const appendAlone = db.transaction((audit: NewAuditEntry) => append(audit));
  const markSubmitted = db.transaction((puids: readonly string[], at: string) => { for (const p of puids) q.submit.run(p, at); });

  return {
    async locate(targetType, targetId) {
      const stmt = targetType === 'space' || targetType === 'recording' ? where.space
        : targetType === 'question' ? where.question
          : targetType === 'note' ? where.note
            : targetId.startsWith('p_') ? where.seat : where.account;
      const r = stmt.get(targetId);
      return r ? { spaceId: r.space_id, ownerId: r.owner_id, createdAt: r.created_at, language: r.language, spaceState: r.space_state } : null;
    },
    async createNotice(notice, audit) { createNotice(notice, audit); },
    async notice(id) { const r = q.notice.get(id); return r ? toNotice(r) : null; },
    async openNoticesOf(targetType, targetId, limit) { return q.openNotices.all(targetType, targetId, limit).map(toNotice); },
    async noticesByNotifier(userId, limit) { return q.byNotifier.all(userId, limit).map(toNotice); },
    async queue(after, limit) { return (after === null ? q.queueFirst.all(limit) : q.queueAfter.all(after, limit)).map(toQueueItem); },
    async queueItem(targetType, targetId) { const r = q.queueItem.get(targetType, targetId); return r ? toQueueItem(r) : null; },

    async recordDecision(decision, options, audit) {
      const recorded = recordDecision(decision, options.unfounded, audit, options.effect, options.events);
      if (recorded) outbox.committed(options.events);
      return recorded;
    },
    async decision(id) { const r = q.decision.get(id); return r ? toDecision(r) : null; },
    async decisionsAffecting(userId, limit) { return q.affecting.all(userId, limit).map(toDecision); },
    async decisionsBetween(from, to) { return q.between.all(from, to).map(toDecision); },
    async decisionsInForce(actions) {
      const sql = `SELECT * FROM decisions WHERE state = 'in_force' AND action IN (${actions.map(() => '?').join(',')})`;
      return (db.prepare(sql).all(...actions) as DecisionRow[]).map(toDecision);
    },
    async labelsOf(spaceId) { return q.labels.all(spaceId).map(toDecision); },
    async noticesBetween(from, to) { return q.noticesBetween.all(from, to).map(toNotice); },
    async createAppeal(appeal, audit) { return createAppeal(appeal, audit); },
    async appeal(id) { const r = q.appeal.get(id); return r ? toAppeal(r) : null; },
    async appealOf(decisionId) { const r = q.appealOf.get(decisionId); return r ? toAppeal(r) : null; },
    async openAppeals(limit) { return q.openAppeals.all(limit).map(toAppeal); },
    async appealsBetween(from, to) { return q.appealsBetween.all(from, to).map(toAppeal); },
    async decideAppeal(appeal, reversed, audit, effect, events) {
      const answered = decideAppeal(appeal, reversed, audit, effect, events);
      if (answered) outbox.committed(events);
      return answered;
    },

    async setTrustedFlagger(userId, trusted, by, audit) { setTrusted(userId, trusted, by, audit); },
    async isTrustedFlagger(userId) { return q.isTrusted.get(userId) !== undefined; },

    async appendAudit(audit) { return appendAlone(audit); },
    async auditEntries(afterSeq, limit) { return q.audit.all(afterSeq, limit).map(toAudit); },

    async unfoundedNotices(userId, since) { const r = q.unfounded.get(userId, since); return { count: r?.n ?? 0, lastAt: r?.last ?? null }; },
    async manifestlyIllegalCount(userId, since) { return q.illegal.get(userId, since)?.n ?? 0; },
    async warn(userId, kind, audit) { warn(userId, kind, audit); },
    async lastWarning(userId, kind, since) { return q.lastWarning.get(userId, kind, since)?.at ?? null; },
    async warnings(userId, since) { return q.warnings.all(userId, since) as Array<{ kind: MisuseKind; at: string }>; },
    async markSubmitted(puids, at) { markSubmitted(puids, at); },
    async submitted(puids) { return new Set(puids.filter((p) => q.submitted.get(p) !== undefined)); },
  };
}
