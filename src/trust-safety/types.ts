import type { DecisionGround, StatementCategory } from './dsa-format.js';

/** The trust & safety records. Plain data; instants are ISO-8601 strings in UTC. */

export const TARGET_TYPES = ['space', 'question', 'user', 'recording', 'note'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export interface Notice {
  readonly id: string;
  readonly targetType: TargetType;
  readonly targetId: string;
  /** The Space the target lives in, when it lives in one (the exact location, Art. 16(2)(b)). */
  readonly spaceId: string | null;
  /** The moment in the programme, in ms from the Space's start. */
  readonly atMs: number | null;
  readonly category: StatementCategory;
  readonly explanation: string;
  readonly notifierName: string | null;
  readonly notifierEmail: string | null;
  readonly notifierUserId: string | null;
  /** Sent by an account an admin made a trusted flagger (Art. 22): processed first. */
  readonly trusted: boolean;
  readonly receivedAt: string;
  readonly state: 'open' | 'closed';
  readonly decisionId: string | null;
  readonly closedAt: string | null;
}

/** What a decision does. Every one but `no_action` restricts something and so carries a statement of reasons. */
export const DECISION_ACTIONS = [
  'no_action', 'label', 'dismiss_question', 'hide_note', 'mute_speaker', 'remove_speaker', 'end_space',
  'disable_replay', 'suspend_account', 'terminate_account',
] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

export type DecisionSource = 'notice' | 'trusted_flagger' | 'own_initiative';

export interface Decision {
  readonly id: string;
  readonly action: DecisionAction;
  readonly targetType: TargetType;
  readonly targetId: string;
  readonly spaceId: string | null;
  readonly atMs: number | null;
  /** The account the restriction falls on (the one shown the statement), if it has one. */
  readonly affectedUserId: string | null;
  readonly ground: DecisionGround;
  /** For illegal content: the law relied on. */
  readonly legalGround: string | null;
  /** For content incompatible with the terms: the clause. */
  readonly termsClause: string | null;
  /** Why the content is illegal on that ground / incompatible with that clause. */
  readonly explanation: string;
  /** The facts and circumstances relied on (decision_facts): no personal data. */
  readonly facts: string;
  readonly category: StatementCategory;
  readonly keywords: readonly string[];
  readonly source: DecisionSource;
  readonly noticeIds: readonly string[];
  /** When the content was provided. */
  readonly contentDate: string;
  readonly contentLanguage: string | null;
  readonly decidedBy: string;
  readonly decidedAt: string;
  /** End of a temporary restriction (a suspension). */
  readonly endsAt: string | null;
  /** What reversing needs to know (the question's state before it was dismissed). */
  readonly undo: Record<string, unknown> | null;
  readonly state: 'in_force' | 'reversed';
  readonly reversedAt: string | null;
  /** Art. 23(1): the content was manifestly illegal (counts towards a suspension). */
  readonly manifestlyIllegal: boolean;
  /** Taken by a rule rather than by a person's judgement on the case (the Art. 23 suspension). */
  readonly automated: boolean;
}

export type AppealState = 'open' | 'upheld' | 'reversed';

export interface Appeal {
  readonly id: string;
  readonly decisionId: string;
  readonly appellantId: string;
  readonly explanation: string;
  readonly submittedAt: string;
  readonly state: AppealState;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly reasons: string | null;
}

export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly actorId: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly reason: string;
  readonly data: Record<string, unknown>;
  readonly prevHash: string;
  readonly hash: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/** One target's line in the moderation queue. */
export interface QueueItem {
  readonly targetType: TargetType;
  readonly targetId: string;
  readonly spaceId: string | null;
  readonly openNotices: number;
  readonly trustedNotices: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly rankKey: string;
}
