import { test } from 'node:test';
import assert from 'node:assert/strict';
import { framePosition, startsSegment, type TimelineLayout } from './timeline.js';

const DEFAULT: TimelineLayout = { framesPerPart: 20, partsPerSegment: 5, startupParts: 5, startupFramesPerPart: 10 };
const REGULAR: TimelineLayout = { framesPerPart: 10, partsPerSegment: 10, startupParts: 10, startupFramesPerPart: 10 };

/** Walks the frames one by one, as a packager counting them would, and checks each position. */
function walk(layout: TimelineLayout, frames: number): void {
  let segment = 0; let part = 0; let frameInPart = 0; let partsBefore = 0; let segmentStartFrame = 0;
  for (let i = 0; i < frames; i++) {
    const p = framePosition(layout, i);
    assert.deepEqual([p.segment, p.part, p.frameInPart, p.partsBefore, p.segmentStartFrame], [segment, part, frameInPart, partsBefore, segmentStartFrame], `frame ${i}`);
    assert.equal(startsSegment(layout, i), part === 0 && frameInPart === 0);
    if (++frameInPart === p.partFrames) {
      frameInPart = 0; partsBefore++;
      if (++part === p.partsInSegment) { part = 0; segment++; segmentStartFrame = i + 1; }
    }
  }
}

test('the default layout: five 200 ms parts, then one, then 400 ms parts, five to a segment', () => {
  walk(DEFAULT, 2_000);
  assert.deepEqual(framePosition(DEFAULT, 49), { segment: 0, part: 4, frameInPart: 9, partFrames: 10, partsInSegment: 5, partsBefore: 4, segmentStartFrame: 0 });
  assert.deepEqual(framePosition(DEFAULT, 50), { segment: 1, part: 0, frameInPart: 0, partFrames: 10, partsInSegment: 5, partsBefore: 5, segmentStartFrame: 50 });
  assert.deepEqual(framePosition(DEFAULT, 60), { segment: 1, part: 1, frameInPart: 0, partFrames: 20, partsInSegment: 5, partsBefore: 6, segmentStartFrame: 50 });
  // Segment 1 is 10 + 4 x 20 = 90 frames; segment 2 starts at frame 140, segment 7 at 140 + 5 x 100.
  assert.equal(framePosition(DEFAULT, 140).segment, 2);
  assert.deepEqual(framePosition(DEFAULT, 640 + 45), { segment: 7, part: 2, frameInPart: 5, partFrames: 20, partsInSegment: 5, partsBefore: 10 + 25 + 2, segmentStartFrame: 640 });
});

test('a regular layout (startup parts as long as the others) and the edges', () => {
  walk(REGULAR, 1_000);
  walk({ ...DEFAULT, startupParts: 9 }, 500); // more startup parts than a segment has: capped
  assert.throws(() => framePosition(DEFAULT, -1), RangeError);
  assert.throws(() => framePosition(DEFAULT, 1.5), RangeError);
});
