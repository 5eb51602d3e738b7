import type { HelpfulnessLevel, NoteStatus } from './types.js';

/**
 * Bridging-based scoring of context notes, after Community Notes' matrix factorisation
 * (twitter/communitynotes, mf_base_scorer): rating ≈ μ + i_u + i_n + f_u·f_n with one-dimensional
 * factors. The factor soaks up what one side of a divide likes and the other does not; only what both
 * sides like lands in the note's intercept, and only the intercept makes a note helpful.
 *
 * The model alone lets a note that one camp rates, and the other never sees, keep some intercept: with
 * every rater on one side, intercept and factor explain the same ratings. So a helpful status also
 * needs helpful ratings from raters on both sides of the factor (`minHelpfulPerSide`); without it, a
 * one-sided note is never shown, however many ratings it gets.
 *
 * The loss is theirs (mean squared error plus L2 terms averaged per table, intercepts regularised five
 * times more than factors); it is minimised here by alternating least squares, which solves each note's
 * and each rater's (intercept, factor) pair exactly in turn: no learning rate, and deterministic.
 */
export interface ScorerOptions {
  /** Regularisation of intercepts (user, note and global). */
  readonly lambdaIntercept: number;
  readonly lambdaFactor: number;
  readonly minRatings: number;
  readonly helpfulIntercept: number;
  readonly maxFactorForHelpful: number;
  readonly notHelpfulIntercept: number;
  readonly notHelpfulFactorSlope: number;
  /** Raters on each side of the factor (f_u > 0, f_u < 0) who must have found a note helpful for it to show. */
  readonly minHelpfulPerSide: number;
  readonly maxIterations: number;
  /** Stops when the loss improves by less than this, relatively. */
  readonly tolerance: number;
  readonly seed: number;
}

export const SCORER_DEFAULTS: ScorerOptions = {
  lambdaIntercept: 0.15, lambdaFactor: 0.03, minRatings: 5, helpfulIntercept: 0.40, maxFactorForHelpful: 0.5,
  notHelpfulIntercept: -0.05, notHelpfulFactorSlope: 0.8, minHelpfulPerSide: 2, maxIterations: 300, tolerance: 1e-9, seed: 42,
};

export const LEVEL_VALUE: Record<HelpfulnessLevel, number> = { HELPFUL: 1, SOMEWHAT_HELPFUL: 0.5, NOT_HELPFUL: 0 };

export interface RatingInput { readonly noteId: string; readonly raterId: string; readonly level: HelpfulnessLevel }
export interface NoteScore { readonly status: NoteStatus; readonly intercept: number; readonly factor: number; readonly ratings: number }
export interface ScoreResult { readonly notes: Map<string, NoteScore>; readonly globalIntercept: number; readonly iterations: number; readonly loss: number }

export function statusOf(intercept: number, factor: number, ratings: number, o: ScorerOptions = SCORER_DEFAULTS, bothSides = true): NoteStatus {
  if (ratings < o.minRatings) return 'NEEDS_MORE_RATINGS';
  if (intercept >= o.helpfulIntercept && Math.abs(factor) < o.maxFactorForHelpful) return bothSides ? 'CURRENTLY_RATED_HELPFUL' : 'NEEDS_MORE_RATINGS';
  if (intercept < o.notHelpfulIntercept - o.notHelpfulFactorSlope * Math.abs(factor)) return 'CURRENTLY_RATED_NOT_HELPFUL';
  return 'NEEDS_MORE_RATINGS';
}

export function scoreNotes(ratings: readonly RatingInput[], options: Partial<ScorerOptions> = {}): ScoreResult {
  const o = { ...SCORER_DEFAULTS, ...options };
  // Ids sorted, ratings sorted: the same set of ratings in any order gives the same scores.
  const noteIds = [...new Set(ratings.map((r) => r.noteId))].sort();
  const raterIds = [...new Set(ratings.map((r) => r.raterId))].sort();
  const noteIndex = new Map(noteIds.map((id, i) => [id, i]));
  const raterIndex = new Map(raterIds.map((id, i) => [id, i]));
  const N = ratings.length;
  const nNotes = noteIds.length;
  const nRaters = raterIds.length;
  if (N === 0) return { notes: new Map(), globalIntercept: 0, iterations: 0, loss: 0 };

  // One rating per (note, rater): the last one given wins, as when a rater changes their mind.
  const cell = new Map<number, number>();
  for (const r of ratings) cell.set(noteIndex.get(r.noteId)! * nRaters + raterIndex.get(r.raterId)!, LEVEL_VALUE[r.level]);
  const keys = [...cell.keys()].sort((a, b) => a - b);
  const M = keys.length;
  const rn = new Int32Array(M);
  const ru = new Int32Array(M);
  const rv = new Float64Array(M);
  keys.forEach((k, j) => { rn[j] = Math.floor(k / nRaters); ru[j] = k % nRaters; rv[j] = cell.get(k)!; });

  // Ratings grouped by rater (those by note are already contiguous).
  const noteStart = offsets(rn, nNotes);
  const byRater = Int32Array.from({ length: M }, (_, j) => j).sort((a, b) => ru[a]! - ru[b]! || a - b);
  const raterStart = offsets(Int32Array.from(byRater, (j) => ru[j]!), nRaters);

  const rand = mulberry32(o.seed);
  const iu = new Float64Array(nRaters);
  const fu = Float64Array.from({ length: nRaters }, () => (rand() - 0.5) * 0.2);
  const inn = new Float64Array(nNotes);
  const fn = Float64Array.from({ length: nNotes }, () => (rand() - 0.5) * 0.2);
  let mu = rv.reduce((a, b) => a + b, 0) / M;

  // The per-table means of the published loss, as weights on sums: a note's terms count M/nNotes times.
  const noteI = o.lambdaIntercept * M / nNotes;
  const noteF = o.lambdaFactor * M / nNotes;
  const raterI = o.lambdaIntercept * M / nRaters;
  const raterF = o.lambdaFactor * M / nRaters;

  const loss = () => {
    let sse = 0;
    for (let j = 0; j < M; j++) { const e = rv[j]! - mu - iu[ru[j]!]! - inn[rn[j]!]! - fu[ru[j]!]! * fn[rn[j]!]!; sse += e * e; }
    let reg = o.lambdaIntercept * M * mu * mu;
    for (let n = 0; n < nNotes; n++) reg += noteI * inn[n]! ** 2 + noteF * fn[n]! ** 2;
    for (let u = 0; u < nRaters; u++) reg += raterI * iu[u]! ** 2 + raterF * fu[u]! ** 2;
    return (sse + reg) / M;
  };

  let previous = Infinity;
  let current = loss();
  let iterations = 0;
  while (iterations < o.maxIterations && previous - current > o.tolerance * Math.max(1e-12, Math.abs(current))) {
    iterations++;
    for (let n = 0; n < nNotes; n++) {
      let sx = 0, sxx = 0, sy = 0, sxy = 0;
      for (let j = noteStart[n]!; j < noteStart[n + 1]!; j++) {
        const x = fu[ru[j]!]!; const y = rv[j]! - mu - iu[ru[j]!]!;
        sx += x; sxx += x * x; sy += y; sxy += x * y;
      }
      [inn[n], fn[n]] = solve2(noteStart[n + 1]! - noteStart[n]! + noteI, sx, sxx + noteF, sy, sxy);
    }
    for (let u = 0; u < nRaters; u++) {
      let sx = 0, sxx = 0, sy = 0, sxy = 0;
      for (let k = raterStart[u]!; k < raterStart[u + 1]!; k++) {
        const j = byRater[k]!;
        const x = fn[rn[j]!]!; const y = rv[j]! - mu - inn[rn[j]!]!;
        sx += x; sxx += x * x; sy += y; sxy += x * y;
      }
      [iu[u], fu[u]] = solve2(raterStart[u + 1]! - raterStart[u]! + raterI, sx, sxx + raterF, sy, sxy);
    }
    let residual = 0;
    for (let j = 0; j < M; j++) residual += rv[j]! - iu[ru[j]!]! - inn[rn[j]!]! - fu[ru[j]!]! * fn[rn[j]!]!;
    mu = residual / (M * (1 + o.lambdaIntercept));
    previous = current;
    current = loss();
  }

  const notes = new Map<string, NoteScore>();
  for (let n = 0; n < nNotes; n++) {
    const count = noteStart[n + 1]! - noteStart[n]!;
    let positive = 0, negative = 0;
    for (let j = noteStart[n]!; j < noteStart[n + 1]!; j++) {
      if (rv[j]! < 0.5) continue;
      if (fu[ru[j]!]! > 0) positive++;
      else if (fu[ru[j]!]! < 0) negative++;
    }
    const bothSides = positive >= o.minHelpfulPerSide && negative >= o.minHelpfulPerSide;
    notes.set(noteIds[n]!, { status: statusOf(inn[n]!, fn[n]!, count, o, bothSides), intercept: inn[n]!, factor: fn[n]!, ratings: count });
  }
  return { notes, globalIntercept: mu, iterations, loss: current };
}

/** [a b; b c]·[i f] = [p q], a 2×2 ridge system (positive definite: the λ terms are on the diagonal). */
function solve2(a: number, b: number, c: number, p: number, q: number): [number, number] {
  const det = a * c - b * b;
  return [(p * c - b * q) / det, (a * q - b * p) / det];
}

function offsets(sortedGroups: Int32Array, groups: number): Int32Array {
  const start = new Int32Array(groups + 1);
  for (const g of sortedGroups) start[g + 1]!++;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  return start;
}

/** A small seeded generator: the factors' starting point, so a run is repeatable. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
