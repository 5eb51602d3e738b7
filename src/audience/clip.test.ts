import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFragment } from './fragment.js';
import { segmentSamples } from './clip.js';

test('clips read the packets back from fragments with one default duration and with a duration each', () => {
  const uniform = [Buffer.from([1, 2]), Buffer.from([3]), Buffer.from([4, 5, 6])].map((data) => ({ data, duration: 960 }));
  const mixed = [{ data: Buffer.from([7]), duration: 960 }, { data: Buffer.from([8, 9]), duration: 480 }];
  // A segment is its fragments end to end: today's layout, then the one recordings made earlier have.
  const segment = Buffer.concat([
    buildFragment({ trackId: 1, sequenceNumber: 1, baseMediaDecodeTime: 0, samples: uniform }),
    buildFragment({ trackId: 1, sequenceNumber: 2, baseMediaDecodeTime: 2880, samples: mixed }),
  ]);
  const got = segmentSamples(segment).map((s) => [s.duration, [...s.data]]);
  assert.deepEqual(got, [[960, [1, 2]], [960, [3]], [960, [4, 5, 6]], [960, [7]], [480, [8, 9]]]);
});
