import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseRatingsTsv } from '../notes/ratings-tsv.js';
import { scoreNotes } from '../notes/scorer.js';

export const NOTES_HELP = `tribune notes — context notes scored by bridging

Usage: tribune notes score --ratings ratings.tsv

Reads ratings in the public Community Notes format (tab-separated, header with noteId,
raterParticipantId, helpfulnessLevel = HELPFUL | SOMEWHAT_HELPFUL | NOT_HELPFUL) and prints
{ "<noteId>": { "status", "intercept", "factor" } } as JSON. The same input always gives the same output.
`;

export async function notes(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  let values: { ratings?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: rest, options: { ratings: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    process.stderr.write(`tribune notes: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.help || sub !== 'score' || !values.ratings) {
    process.stdout.write(NOTES_HELP);
    return values.help ? 0 : 2;
  }
  let ratings;
  try {
    ratings = parseRatingsTsv(readFileSync(values.ratings, 'utf8'));
  } catch (err) {
    process.stderr.write(`tribune notes score: ${values.ratings}: ${(err as Error).message}\n`);
    return 2;
  }
  const { notes: scores } = scoreNotes(ratings);
  const out: Record<string, { status: string; intercept: number; factor: number }> = {};
  for (const id of [...scores.keys()].sort()) {
    const s = scores.get(id)!;
    out[id] = { status: s.status, intercept: round(s.intercept), factor: round(s.factor) };
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
