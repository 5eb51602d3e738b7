/**
 * A stream's layout on its programme clock: which segment and part a frame belongs to is a pure
 * function of the frame's index since the stream's epoch (its first frame). Two origins packaging
 * the same programme frames from the same epoch therefore cut the same parts and segments under the
 * same names, whenever each of them started (as broadcasters lock redundant encoders to one clock).
 *
 *   segment 0: `startupParts` parts of `startupFramesPerPart` frames (the short start)
 *   segment 1: one part of `startupFramesPerPart` frames, then `partsPerSegment - 1` of `framesPerPart`
 *   segment n >= 2: `partsPerSegment` parts of `framesPerPart` frames
 */
export interface TimelineLayout {
  readonly framesPerPart: number;
  readonly partsPerSegment: number;
  /** Parts in segment 0 (at most partsPerSegment). */
  readonly startupParts: number;
  readonly startupFramesPerPart: number;
}

export interface FramePosition {
  /** Segment number from the epoch's (add the epoch's msn). */
  readonly segment: number;
  readonly part: number;
  readonly frameInPart: number;
  readonly partFrames: number;
  readonly partsInSegment: number;
  /** Parts before this one since the epoch: the fragment sequence number, from the epoch's. */
  readonly partsBefore: number;
  /** Frames before this segment's first since the epoch: its decode time, in frames. */
  readonly segmentStartFrame: number;
}

/** Where frame `index` (0 = the epoch's first frame) lands. */
export function framePosition(layout: TimelineLayout, index: number): FramePosition {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`frame index ${index}`);
  const P = layout.partsPerSegment;
  const F = layout.framesPerPart;
  const sf = layout.startupFramesPerPart;
  const K = Math.min(layout.startupParts, P);
  const s0 = K * sf;
  const s1 = sf + (P - 1) * F;
  if (index < s0) {
    const part = Math.floor(index / sf);
    return { segment: 0, part, frameInPart: index % sf, partFrames: sf, partsInSegment: K, partsBefore: part, segmentStartFrame: 0 };
  }
  if (index < s0 + s1) {
    const j = index - s0;
    const part = j < sf ? 0 : 1 + Math.floor((j - sf) / F);
    const frameInPart = j < sf ? j : (j - sf) % F;
    return { segment: 1, part, frameInPart, partFrames: part === 0 ? sf : F, partsInSegment: P, partsBefore: K + part, segmentStartFrame: s0 };
  }
  const j = index - s0 - s1;
  const n = Math.floor(j / (P * F));
  const k = j % (P * F);
  const part = Math.floor(k / F);
  return {
    segment: 2 + n, part, frameInPart: k % F, partFrames: F, partsInSegment: P,
    partsBefore: K + P + n * P + part, segmentStartFrame: s0 + s1 + n * P * F,
  };
}

/** Whether frame `index` starts a segment: where an origin joining a running stream may begin. */
export function startsSegment(layout: TimelineLayout, index: number): boolean {
  const p = framePosition(layout, index);
  return p.part === 0 && p.frameInPart === 0;
}
