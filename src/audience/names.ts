/** URL names of the media resources under /hls/<spaceId>/, and the parsing the routes validate with. */

export const SPACE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const segmentName = (msn: number): string => `seg-${msn}.m4s`;
export const partName = (msn: number, part: number): string => `part-${msn}.${part}.m4s`;
export const INIT_NAME = 'init.mp4';

const SEGMENT_RE = /^seg-(0|[1-9][0-9]{0,14})\.m4s$/;
const PART_RE = /^part-(0|[1-9][0-9]{0,14})\.(0|[1-9][0-9]{0,5})\.m4s$/;

export type MediaName = { kind: 'segment'; msn: number } | { kind: 'part'; msn: number; part: number };

/** Returns undefined for a name that is not one of ours (the route answers 404). */
export function parseMediaName(name: string): MediaName | undefined {
  const s = SEGMENT_RE.exec(name);
  if (s) return { kind: 'segment', msn: Number(s[1]) };
  const p = PART_RE.exec(name);
  if (p) return { kind: 'part', msn: Number(p[1]), part: Number(p[2]) };
  return undefined;
}
