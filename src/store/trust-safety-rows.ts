import type { Note, NoteRating } from '../notes/types.js';
import type { Appeal, AuditEntry, Decision, Notice, QueueItem } from '../trust-safety/types.js';
import type { PushSubscriptionRecord } from './store.js';

// Rows of the trust & safety, notes and push tables, the same in both stores but for flags: SQLite
// answers 0/1, PostgreSQL true/false. One mapping each, so the stores cannot drift apart.

type Flag = boolean | number;
const flag = (v: Flag): boolean => v === true || v === 1;

export interface NoticeRow {
  id: string; target_type: Notice['targetType']; target_id: string; space_id: string | null; at_ms: number | null; category: Notice['category'];
  explanation: string; notifier_name: string | null; notifier_email: string | null; notifier_user_id: string | null; trusted: Flag;
  received_at: string; state: Notice['state']; decision_id: string | null; closed_at: string | null;
}
export const toNotice = (r: NoticeRow): Notice => ({
  id: r.id, targetType: r.target_type, targetId: r.target_id, spaceId: r.space_id, atMs: r.at_ms, category: r.category,
  explanation: r.explanation, notifierName: r.notifier_name, notifierEmail: r.notifier_email, notifierUserId: r.notifier_user_id,
  trusted: flag(r.trusted), receivedAt: r.received_at, state: r.state, decisionId: r.decision_id, closedAt: r.closed_at,
});

export interface DecisionRow {
  id: string; action: Decision['action']; target_type: Decision['targetType']; target_id: string; space_id: string | null; at_ms: number | null;
  affected_user_id: string | null; ground: Decision['ground']; legal_ground: string | null; terms_clause: string | null; explanation: string;
  facts: string; category: Decision['category']; keywords: string; source: Decision['source']; notice_ids: string; content_date: string;
  content_language: string | null; decided_by: string; decided_at: string; ends_at: string | null; undo: string | null;
  state: Decision['state']; reversed_at: string | null; manifestly_illegal: Flag; automated: Flag;
}
export const toDecision = (r: DecisionRow): Decision => ({
  id: r.id, action: r.action, targetType: r.target_type, targetId: r.target_id, spaceId: r.space_id, atMs: r.at_ms,
  affectedUserId: r.affected_user_id, ground: r.ground, legalGround: r.legal_ground, termsClause: r.terms_clause,
  explanation: r.explanation, facts: r.facts, category: r.category, keywords: JSON.parse(r.keywords) as string[], source: r.source,
  noticeIds: JSON.parse(r.notice_ids) as string[], contentDate: r.content_date, contentLanguage: r.content_language,
  decidedBy: r.decided_by, decidedAt: r.decided_at, endsAt: r.ends_at, undo: r.undo ? JSON.parse(r.undo) as Record<string, unknown> : null,
  state: r.state, reversedAt: r.reversed_at, manifestlyIllegal: flag(r.manifestly_illegal), automated: flag(r.automated),
});

export interface AppealRow { id: string; decision_id: string; appellant_id: string; explanation: string; submitted_at: string; state: Appeal['state']; decided_by: string | null; decided_at: string | null; reasons: string | null }
export const toAppeal = (r: AppealRow): Appeal => ({
  id: r.id, decisionId: r.decision_id, appellantId: r.appellant_id, explanation: r.explanation, submittedAt: r.submitted_at,
  state: r.state, decidedBy: r.decided_by, decidedAt: r.decided_at, reasons: r.reasons,
});

export interface QueueRow { target_type: QueueItem['targetType']; target_id: string; space_id: string | null; open_notices: number; trusted_notices: number; first_at: string; last_at: string; rank_key: string }
export const toQueueItem = (r: QueueRow): QueueItem => ({
  targetType: r.target_type, targetId: r.target_id, spaceId: r.space_id, openNotices: r.open_notices, trustedNotices: r.trusted_notices,
  firstAt: r.first_at, lastAt: r.last_at, rankKey: r.rank_key,
});

export interface AuditRow { seq: number; at: string; actor_id: string; action: string; target_type: string; target_id: string; reason: string; data: string; prev_hash: string; hash: string }
export const toAudit = (r: AuditRow): AuditEntry => ({
  seq: r.seq, at: r.at, actorId: r.actor_id, action: r.action, targetType: r.target_type, targetId: r.target_id, reason: r.reason,
  data: JSON.parse(r.data) as Record<string, unknown>, prevHash: r.prev_hash, hash: r.hash,
});

/** Where a target lives, as both stores' `locate` queries name the columns. */
export interface LocationRow { space_id: string | null; owner_id: string | null; created_at: string; language: string | null; space_state: string | null }

export interface NoteRow { id: string; space_id: string; question_id: string | null; at_ms: number | null; author_id: string; text: string; sources: string; created_at: string; hidden: Flag }
export const toNote = (r: NoteRow): Note => ({
  id: r.id, spaceId: r.space_id, questionId: r.question_id, atMs: r.at_ms, authorId: r.author_id, text: r.text,
  sources: JSON.parse(r.sources) as string[], createdAt: r.created_at, hidden: flag(r.hidden),
});
export interface RatingRow { note_id: string; rater_id: string; level: NoteRating['level']; created_at: string }
export const toRating = (r: RatingRow): NoteRating => ({ noteId: r.note_id, raterId: r.rater_id, level: r.level, createdAt: r.created_at });

export interface PushRow { endpoint: string; user_id: string; p256dh: string; auth: string; created_at: string }
export const toPush = (r: PushRow): PushSubscriptionRecord => ({ endpoint: r.endpoint, userId: r.user_id, p256dh: r.p256dh, auth: r.auth, createdAt: r.created_at });
