import { HELPFULNESS_LEVELS, type HelpfulnessLevel } from './types.js';
import type { RatingInput } from './scorer.js';

/**
 * Ratings in the public Community Notes data format: tab-separated, a header row, and among the
 * columns noteId, raterParticipantId and helpfulnessLevel (the others are ignored).
 */
export function parseRatingsTsv(text: string): RatingInput[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t');
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`the header has no ${name} column (it has: ${header.join(', ')})`);
    return i;
  };
  const [n, r, h] = [col('noteId'), col('raterParticipantId'), col('helpfulnessLevel')];
  const ratings: RatingInput[] = [];
  for (let line = 1; line < lines.length; line++) {
    const row = lines[line]!;
    if (row === '') continue;
    const cells = row.split('\t');
    const level = cells[h];
    if (!cells[n] || !cells[r]) throw new Error(`line ${line + 1}: noteId and raterParticipantId are required`);
    if (!(HELPFULNESS_LEVELS as readonly string[]).includes(level ?? '')) throw new Error(`line ${line + 1}: helpfulnessLevel '${level ?? ''}' is not one of ${HELPFULNESS_LEVELS.join(', ')}`);
    ratings.push({ noteId: cells[n]!, raterId: cells[r]!, level: level as HelpfulnessLevel });
  }
  return ratings;
}
