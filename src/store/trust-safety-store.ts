import type { OutboxEvent } from './outbox.js';
import type { Appeal, AuditEntry, Decision, NewAuditEntry, Notice, QueueItem, TargetType } from '../trust-safety/types.js';
import type { Note, NoteRating } from '../notes/types.js';
import type { MisuseKind } from '../trust-safety/misuse-rules.js';
import type { QuestionState } from '../domain/types.js';

/**
 * Notices, decisions, appeals and the audit log. Every write that is a moderation act takes the audit
 * entry with it and commits both in one transaction: the log cannot miss an act that happened.
 */
/**
 * A change to content that a decision (or its reversal) makes, applied in the decision's own
 * transaction: the act, its record and its audit entry commit together or not at all.
 */
export type ContentEffect =
  | { readonly kind: 'question-state'; readonly questionId: string; readonly state: QuestionState }
  | { readonly kind: 'note-hidden'; readonly noteId: string; readonly hidden: boolean }
  /** The notices the decision closed are open again, their target back in the queue. */
  | { readonly kind: 'reopen-notices'; readonly decisionId: string };

/** Where a reported thing lives and whose it is: what a notice locates and a decision restricts. */
export interface TargetLocation {
  readonly spaceId: string | null;
  readonly ownerId: string | null;
  readonly createdAt: string;
  readonly language: string | null;
  /** The Space's state, for Space, recording and seat targets. */
  readonly spaceState: string | null;
}

export interface TrustSafetyRepository {
  locate(targetType: TargetType, targetId: string): Promise<TargetLocation | null>;
  createNotice(notice: Notice, audit: NewAuditEntry): Promise<void>;
  notice(id: string): Promise<Notice | null>;
  openNoticesOf(targetType: TargetType, targetId: string, limit: number): Promise<Notice[]>;
  noticesByNotifier(userId: string, limit: number): Promise<Notice[]>;
  /** Targets with open notices: trusted flaggers' first, then oldest first; keyset-paged by rank key. */
  queue(afterRankKey: string | null, limit: number): Promise<QueueItem[]>;
  queueItem(targetType: TargetType, targetId: string): Promise<QueueItem | null>;

  /**
   * Stores the decision, closes the target's open notices (marking them unfounded if asked), logs it.
   * False, and nothing written, when a notice it answers was closed meanwhile: each notice gets one decision.
   */
  recordDecision(decision: Decision, options: { unfounded: boolean; effect?: ContentEffect; events?: readonly OutboxEvent[] }, audit: NewAuditEntry): Promise<boolean>;
  decision(id: string): Promise<Decision | null>;
  decisionsAffecting(userId: string, limit: number): Promise<Decision[]>;
  decisionsBetween(fromIso: string, toIso: string): Promise<Decision[]>;
  /** Restrictions in force of these actions (suspensions, disabled replays). */
  decisionsInForce(actions: readonly Decision['action'][]): Promise<Decision[]>;
  /** Labels in force on a Space (or its replay). */
  labelsOf(spaceId: string): Promise<Decision[]>;
  noticesBetween(fromIso: string, toIso: string): Promise<Notice[]>;

  /** False, and nothing written, when the decision is already under appeal (one appeal per decision). */
  createAppeal(appeal: Appeal, audit: NewAuditEntry): Promise<boolean>;
  appeal(id: string): Promise<Appeal | null>;
  appealOf(decisionId: string): Promise<Appeal | null>;
  openAppeals(limit: number): Promise<Appeal[]>;
  appealsBetween(fromIso: string, toIso: string): Promise<Appeal[]>;
  /**
   * Answers the appeal; when reversed, the decision stops being in force and `effect` undoes it. One
   * transaction with the log. False, and nothing written, when the appeal was already answered.
   */
  decideAppeal(appeal: Appeal, reversed: boolean, audit: NewAuditEntry, effect?: ContentEffect, events?: readonly OutboxEvent[]): Promise<boolean>;

  setTrustedFlagger(userId: string, trusted: boolean, by: string, audit: NewAuditEntry): Promise<void>;
  isTrustedFlagger(userId: string): Promise<boolean>;

  /** For acts whose only trace is the log (a grant, an export). */
  appendAudit(audit: NewAuditEntry): Promise<AuditEntry>;
  auditEntries(afterSeq: number, limit: number): Promise<AuditEntry[]>;

  /** Art. 23 counts over a window starting at `since`. */
  unfoundedNotices(userId: string, since: string): Promise<{ count: number; lastAt: string | null }>;
  manifestlyIllegalCount(userId: string, since: string): Promise<number>;
  warn(userId: string, kind: MisuseKind, audit: NewAuditEntry): Promise<void>;
  lastWarning(userId: string, kind: MisuseKind, since: string): Promise<string | null>;
  warnings(userId: string, since: string): Promise<Array<{ kind: MisuseKind; at: string }>>;

  markSubmitted(puids: readonly string[], at: string): Promise<void>;
  submitted(puids: readonly string[]): Promise<Set<string>>;
}

export interface NotesRepository {
  create(note: Note): Promise<void>;
  byId(id: string): Promise<Note | null>;
  ofSpace(spaceId: string): Promise<Note[]>;
  setHidden(id: string, hidden: boolean): Promise<void>;
  /** One rating per rater and note; a second replaces the first. */
  rate(rating: NoteRating): Promise<void>;
  /** Every rating, for the scorer (the model is fitted over all raters at once). */
  allRatings(): Promise<NoteRating[]>;
  ratingCount(): Promise<number>;
}
