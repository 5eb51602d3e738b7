import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32, scoreNotes, statusOf, type RatingInput } from './scorer.js';
import type { HelpfulnessLevel } from './types.js';

/** Two camps of raters who disagree on most things, as on the night of a contested interview. */
function polarisedPopulation(seed: number) {
  const rand = mulberry32(seed);
  const left = Array.from({ length: 60 }, (_, i) => `L${i}`);
  const right = Array.from({ length: 60 }, (_, i) => `R${i}`);
  const ratings: RatingInput[] = [];
  const pick = (pool: string[], k: number) => [...pool].sort(() => rand() - 0.5).slice(0, k);
  const rate = (noteId: string, raters: string[], pHelpful: number) => {
    for (const raterId of raters) {
      const x = rand();
      const level: HelpfulnessLevel = x < pHelpful ? 'HELPFUL' : x < pHelpful + 0.05 ? 'SOMEWHAT_HELPFUL' : 'NOT_HELPFUL';
      ratings.push({ noteId, raterId, level });
    }
  };
  for (let i = 0; i < 30; i++) {
    rate(`left-${i}`, pick(left, 10), 0.9); rate(`left-${i}`, pick(right, 10), 0.1);
    rate(`right-${i}`, pick(right, 10), 0.9); rate(`right-${i}`, pick(left, 10), 0.1);
  }
  for (let i = 0; i < 10; i++) {
    rate(`bridge-${i}`, [...pick(left, 12), ...pick(right, 12)], 0.92);
    rate(`bad-${i}`, [...pick(left, 12), ...pick(right, 12)], 0.1);
  }
  // Liked by one camp only, and rated by nobody else: however many ratings, it must not show.
  rate('one-sided-few', pick(left, 8), 1);
  rate('one-sided-all', left, 1);
  rate('one-sided-right', right, 1);
  return ratings;
}

test('bridging: notes both camps like are helpful; notes one camp likes never are', () => {
  const { notes } = scoreNotes(polarisedPopulation(7));
  const status = (id: string) => notes.get(id)!.status;
  for (const id of ['one-sided-few', 'one-sided-all', 'one-sided-right']) {
    assert.notEqual(status(id), 'CURRENTLY_RATED_HELPFUL', `${id}: ${JSON.stringify(notes.get(id))}`);
  }
  assert.ok(Math.abs(notes.get('one-sided-all')!.factor) > Math.abs(notes.get('bridge-0')!.factor), 'the factor carries the one-sidedness');
  for (let i = 0; i < 30; i++) {
    assert.notEqual(status(`left-${i}`), 'CURRENTLY_RATED_HELPFUL');
    assert.notEqual(status(`right-${i}`), 'CURRENTLY_RATED_HELPFUL');
  }
  const helpful = Array.from({ length: 10 }, (_, i) => status(`bridge-${i}`)).filter((s) => s === 'CURRENTLY_RATED_HELPFUL').length;
  const unhelpful = Array.from({ length: 10 }, (_, i) => status(`bad-${i}`)).filter((s) => s === 'CURRENTLY_RATED_NOT_HELPFUL').length;
  assert.ok(helpful >= 9, `bridging notes rated helpful: ${helpful}/10`);
  assert.ok(unhelpful >= 9, `notes both camps reject rated not helpful: ${unhelpful}/10`);
});

test('the same for other seeds: no one-sided note shown, whatever the draw', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const { notes } = scoreNotes(polarisedPopulation(seed));
    for (const [id, score] of notes) {
      if (id.startsWith('one-sided') || id.startsWith('left') || id.startsWith('right')) assert.notEqual(score.status, 'CURRENTLY_RATED_HELPFUL', `seed ${seed} ${id}`);
    }
  }
});

test('deterministic: the same ratings in another order score the same', () => {
  const ratings = polarisedPopulation(11);
  const a = scoreNotes(ratings);
  const shuffled = [...ratings].sort((x, y) => (x.raterId + x.noteId).localeCompare(y.raterId + y.noteId));
  const b = scoreNotes(shuffled);
  for (const [id, s] of a.notes) assert.deepEqual(b.notes.get(id), s);
});

test('fewer than five ratings is never a verdict; the thresholds are the published ones', () => {
  assert.equal(statusOf(0.9, 0, 4), 'NEEDS_MORE_RATINGS');
  assert.equal(statusOf(0.4, 0.49, 5), 'CURRENTLY_RATED_HELPFUL');
  assert.equal(statusOf(0.4, 0.5, 5), 'NEEDS_MORE_RATINGS');
  assert.equal(statusOf(0.39, 0, 5), 'NEEDS_MORE_RATINGS');
  assert.equal(statusOf(-0.06, 0, 5), 'CURRENTLY_RATED_NOT_HELPFUL');
  assert.equal(statusOf(-0.3, 0.4, 5), 'NEEDS_MORE_RATINGS', '-0.3 is above -0.05 - 0.8*0.4 = -0.37');
  assert.equal(statusOf(-0.4, 0.4, 5), 'CURRENTLY_RATED_NOT_HELPFUL');
  assert.equal(scoreNotes([]).notes.size, 0);
});
