import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SpaceService } from '../services/space-service.js';
import type { Store } from '../store/store.js';
import { NotesService } from './service.js';
import type { NoteRating } from './types.js';

/** When scores are refitted: after a change, at once while fits are cheap, spaced once they are costly. */
function harness(fitCost: () => void) {
  let now = 0;
  let fits = 0;
  const ratings: NoteRating[] = [];
  const store = {
    notes: {
      allRatings: async () => { fits++; fitCost(); return [...ratings]; },
      byId: async (id: string) => ({ id, spaceId: 'sp', questionId: null, atMs: 0, authorId: 'author', text: 't', sources: [], createdAt: '', hidden: false }),
      rate: async (r: NoteRating) => { ratings.push(r); },
    },
  } as unknown as Store;
  const service = new NotesService({ store, clock: { now: () => now }, spaces: {} as SpaceService });
  const rate = (rater: string) => service.rate({ user: { id: rater, handle: rater, displayName: rater, platformRole: 'user', createdAt: '' }, inviteTokenHash: null }, 'nt_1', 'HELPFUL');
  return { service, rate, fits: () => fits, advance: (ms: number) => { now += ms; } };
}

test('cheap fits: every read after a new rating sees it; no rating, no refit', async () => {
  const h = harness(() => {});
  await h.service.scores();
  await h.service.scores();
  assert.equal(h.fits(), 1);
  await h.rate('r1');
  assert.equal((await h.service.scores()).get('nt_1')?.ratings, 1);
  assert.equal(h.fits(), 2);
});

test('costly fits are spaced to 5 % of the time; readers get the previous scores meanwhile', async () => {
  const h = harness(() => { const until = performance.now() + 30; while (performance.now() < until) { /* a 30 ms fit */ } });
  await h.service.scores();
  await h.rate('r1');
  h.advance(100);
  assert.equal((await h.service.scores()).size, 0, 'previous scores: the last fit cost 30 ms, so not before 600 ms');
  assert.equal(h.fits(), 1);
  // Long enough after the fit whatever it really cost on a loaded machine (30 ms is a floor, not a figure).
  h.advance(60_000);
  assert.equal((await h.service.scores()).get('nt_1')?.ratings, 1);
  assert.equal(h.fits(), 2);
});
