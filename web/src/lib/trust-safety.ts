import { call } from './api.js';

/** The trust & safety API as the pages read it (src/control/trust-safety-schemas.ts is the source of truth). */
export const CATEGORIES = [
  'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', 'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE', 'STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN', 'STATEMENT_CATEGORY_VIOLENCE',
  'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', 'STATEMENT_CATEGORY_SELF_HARM',
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD', 'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS', 'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS', 'STATEMENT_CATEGORY_ANIMAL_WELFARE', 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE',
] as const;
export type Category = (typeof CATEGORIES)[number];
/** Art. 16(2)(c): reported without name or e-mail. */
export const ANONYMOUS_CATEGORY: Category = 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS';

export type TargetType = 'space' | 'question' | 'user' | 'recording' | 'note';
export type DecisionAction = 'no_action' | 'label' | 'dismiss_question' | 'hide_note' | 'mute_speaker' | 'remove_speaker' | 'end_space' | 'disable_replay' | 'suspend_account' | 'terminate_account';
export const ACTIONS_FOR: Record<TargetType, DecisionAction[]> = {
  space: ['no_action', 'label', 'end_space', 'disable_replay'],
  recording: ['no_action', 'label', 'disable_replay'],
  question: ['no_action', 'dismiss_question'],
  note: ['no_action', 'hide_note'],
  user: ['no_action', 'mute_speaker', 'remove_speaker', 'suspend_account', 'terminate_account'],
};
export type Ground = 'DECISION_GROUND_ILLEGAL_CONTENT' | 'DECISION_GROUND_INCOMPATIBLE_CONTENT';

export interface NoticeInput {
  targetType: TargetType; targetId: string; atMs?: number; category: Category; explanation: string;
  notifierName?: string; notifierEmail?: string; goodFaith: boolean;
}
export interface QueueNotice { id: string; category: string; explanation: string; atMs: number | null; trusted: boolean; receivedAt: string }
export interface QueueItem {
  targetType: TargetType; targetId: string; spaceId: string | null; openNotices: number; trustedNotices: number;
  firstAt: string; lastAt: string; listenUrl: string | null; notices: QueueNotice[];
}
export interface Appeal { id: string; decisionId: string; explanation: string; submittedAt: string; state: 'open' | 'upheld' | 'reversed'; decidedAt: string | null; reasons: string | null }
export interface Statement {
  id: string; action: DecisionAction; target: { type: TargetType; id: string; spaceId: string | null; atMs: number | null };
  restriction: Record<string, unknown>; ground: Ground; legalGround: string | null; termsClause: string | null;
  explanation: string; facts: string; category: Category; source: string; automated: boolean; decidedAt: string; endsAt: string | null;
  state: 'in_force' | 'reversed'; reversedAt: string | null; appeal: Appeal | null; appealUntil: string; redress: string;
}
export interface DecisionInput {
  targetType: TargetType; targetId: string; action: DecisionAction; ground: Ground; legalGround?: string; termsClause?: string;
  explanation: string; facts: string; category: Category; endsAt?: string;
}
export type NoteStatus = 'CURRENTLY_RATED_HELPFUL' | 'CURRENTLY_RATED_NOT_HELPFUL' | 'NEEDS_MORE_RATINGS';
export interface Note { id: string; spaceId: string; questionId: string | null; atMs: number | null; text: string; sources: string[]; createdAt: string; status: NoteStatus; ratings: number }
export interface Report {
  from: string; to: string;
  notices: { total: number; byCategory: Record<string, number>; bySource: Record<string, number> };
  decisions: { total: number; byAction: Record<string, number>; byGround: Record<string, number>; bySource: Record<string, number>; medianHoursNoticeToDecision: number | null; automatedDetectionShare: number; automatedDecisionShare: number };
  appeals: { total: number; byOutcome: Record<string, number>; medianHoursToDecide: number | null };
  suspensions: { accountsSuspended: number; accountsTerminated: number };
}

const V1 = '/api/v1';
export const tsApi = {
  notice: (input: NoticeInput) => call<{ id: string; receivedAt: string; warning?: string }>('POST', `${V1}/notices`, input),
  queue: (cursor?: string) => call<{ items: QueueItem[]; next: string | null }>('GET', `${V1}/moderation/queue?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
  decide: (input: DecisionInput) => call<Statement>('POST', `${V1}/moderation/decisions`, input),
  myNotices: () => call<{ notices: Array<{ id: string; targetType: TargetType; targetId: string; category: Category; receivedAt: string; state: 'open' | 'closed'; decision: { id: string; action: DecisionAction; decidedAt: string; state: string } | null }> }>('GET', `${V1}/me/notices`),
  statements: () => call<{ statements: Statement[]; warnings: Array<{ kind: 'unfounded_notices' | 'manifestly_illegal'; at: string }> }>('GET', `${V1}/me/statements`),
  appeal: (decisionId: string, explanation: string) => call<Appeal>('POST', `${V1}/appeals`, { decisionId, explanation }),
  openAppeals: () => call<{ appeals: Array<{ appeal: Appeal; statement: Statement }> }>('GET', `${V1}/moderation/appeals`),
  decideAppeal: (appealId: string, outcome: 'upheld' | 'reversed', reasons: string) =>
    call<{ appeal: Appeal; statement: Statement }>('POST', `${V1}/moderation/appeals/${appealId}/decision`, { outcome, reasons }),
  notes: (spaceId: string) => call<{ notes: Note[] }>('GET', `${V1}/spaces/${encodeURIComponent(spaceId)}/notes`),
  addNote: (spaceId: string, input: { text: string; sources: string[]; atMs: number }) => call<Note>('POST', `${V1}/spaces/${encodeURIComponent(spaceId)}/notes`, input),
  rateNote: (noteId: string, helpfulness: 'HELPFUL' | 'SOMEWHAT_HELPFUL' | 'NOT_HELPFUL') => call<void>('POST', `${V1}/notes/${noteId}/ratings`, { helpfulness }),
  report: (from: string, to: string) => call<Report>('GET', `${V1}/transparency/report?from=${from}&to=${to}`),
};

/** mm:ss (or h:mm:ss) of a moment in the programme. */
export function formatMoment(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
