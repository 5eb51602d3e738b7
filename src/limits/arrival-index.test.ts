import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../test/helpers/seeded-random.js';
import { ArrivalIndex } from './arrival-index.js';

test('the arrival index counts the waiters ahead exactly, through growth, rebuilds and departures', () => {
  const rng = seededRandom(7);
  const random = (): number => rng.next();
  const index = new ArrivalIndex();
  const waiting = new Set<number>();
  let next = 0;
  for (let step = 0; step < 20_000; step++) {
    if (waiting.size === 0 || random() < 0.55) {
      const arrival = (next += 1 + Math.floor(random() * 3));
      index.add(arrival, 1, () => waiting);
      waiting.add(arrival);
    } else {
      // Departures mostly from the front (admissions), sometimes anywhere (lapsed tickets).
      const all = [...waiting];
      const gone = random() < 0.7 ? all[0]! : all[Math.floor(random() * all.length)]!;
      waiting.delete(gone);
      index.add(gone, -1, () => waiting);
    }
    if (step % 97 === 0) {
      const all = [...waiting].sort((x, y) => x - y);
      const every = Math.max(1, Math.floor(all.length / 40));
      for (let k = 0; k < all.length; k += every) assert.equal(index.before(all[k]!), k, `step ${step}, arrival ${all[k]}`);
    }
  }
  assert.ok(waiting.size > 1000 && next > 4096, 'the queue outgrew the first tree');
});
