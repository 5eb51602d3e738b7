/**
 * The bridging scorer on a synthetic, polarised population: RATINGS ratings from two camps of raters
 * over notes that one camp likes, that both like, or that neither likes. Reports the median time to fit
 * and score, next to a majority vote (mean rating per note) over the same ratings in the same run.
 *
 *   npx tsx bench/notes-scorer.ts [ratings=100000] [runs=5]
 */
import { mulberry32, scoreNotes, type RatingInput } from '../src/notes/scorer.js';

const total = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 5);
const raters = Math.max(100, Math.round(total / 20));
const notes = Math.max(50, Math.round(total / 25));

function population(seed: number): RatingInput[] {
  const rand = mulberry32(seed);
  const out: RatingInput[] = [];
  for (let i = 0; out.length < total; i++) {
    const note = `n${i % notes}`;
    const kind = (i % notes) % 10; // 0-5 one camp's, 6-7 both camps', 8-9 nobody's
    const rater = Math.floor(rand() * raters);
    const camp = rater % 2;
    const p = kind < 6 ? (camp === kind % 2 ? 0.9 : 0.1) : kind < 8 ? 0.9 : 0.1;
    out.push({ noteId: note, raterId: `r${rater}`, level: rand() < p ? 'HELPFUL' : rand() < 0.3 ? 'SOMEWHAT_HELPFUL' : 'NOT_HELPFUL' });
  }
  return out;
}

function majority(ratings: readonly RatingInput[]): Map<string, number> {
  const sums = new Map<string, [number, number]>();
  for (const r of ratings) {
    const s = sums.get(r.noteId) ?? [0, 0];
    s[0] += r.level === 'HELPFUL' ? 1 : r.level === 'SOMEWHAT_HELPFUL' ? 0.5 : 0;
    s[1]++;
    sums.set(r.noteId, s);
  }
  return new Map([...sums].map(([id, [sum, n]]) => [id, sum / n]));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const time = (fn: () => void) => { const t = process.hrtime.bigint(); fn(); return Number(process.hrtime.bigint() - t) / 1e6; };

const ratings = population(1);
scoreNotes(ratings); // warm-up
let last = scoreNotes(ratings);
const bridging = Array.from({ length: runs }, () => time(() => { last = scoreNotes(ratings); }));
const majorityMs = Array.from({ length: runs }, () => time(() => majority(ratings)));
const statuses: Record<string, number> = {};
let oneSidedShown = 0;
for (const [id, s] of last.notes) {
  statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  if (Number(id.slice(1)) % 10 < 6 && s.status === 'CURRENTLY_RATED_HELPFUL') oneSidedShown++;
}
const result = {
  bench: 'notes-scorer', ratings: ratings.length, raters, notes, runs,
  bridgingMsMedian: Math.round(median(bridging)), majorityMsMedian: Math.round(median(majorityMs) * 10) / 10,
  iterations: last.iterations, statuses, oneSidedShown,
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`notes-scorer: ${ratings.length} ratings scored in ${result.bridgingMsMedian} ms (median of ${runs}; majority vote ${result.majorityMsMedian} ms), ${oneSidedShown} one-sided notes shown\n`);
