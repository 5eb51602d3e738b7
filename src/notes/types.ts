/** A context note on a moment of a Space (or on a question), and the ratings it gets. */
export interface Note {
  readonly id: string;
  readonly spaceId: string;
  readonly questionId: string | null;
  readonly atMs: number | null;
  readonly authorId: string;
  readonly text: string;
  readonly sources: readonly string[];
  readonly createdAt: string;
  readonly hidden: boolean;
}

export const HELPFULNESS_LEVELS = ['HELPFUL', 'SOMEWHAT_HELPFUL', 'NOT_HELPFUL'] as const;
export type HelpfulnessLevel = (typeof HELPFULNESS_LEVELS)[number];

export interface NoteRating {
  readonly noteId: string;
  readonly raterId: string;
  readonly level: HelpfulnessLevel;
  readonly createdAt: string;
}

export type NoteStatus = 'CURRENTLY_RATED_HELPFUL' | 'CURRENTLY_RATED_NOT_HELPFUL' | 'NEEDS_MORE_RATINGS';
