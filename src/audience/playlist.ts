import { PROGRAM_FORMAT } from '../media/types.js';
import { fragmentOverhead } from './fragment.js';
import { INIT_NAME, partName, segmentName } from './names.js';
import { OPUS_CODECS_ATTRIBUTE } from './opus-init-segment.js';
import { SUBTITLES_GROUP, subtitleMediaTag, type SubtitleRendition } from './subtitle-playlist.js';

/** Rendering of playlists from a plain view: no I/O, no clocks (RFC 8216bis sections cited inline). */

export interface ViewPart {
  readonly index: number;
  /** Seconds. */
  readonly duration: number;
}

export interface ViewSegment {
  readonly msn: number;
  /** Seconds; for the segment in progress, the sum of its parts so far. */
  readonly duration: number;
  readonly programDateTime: number;
  readonly discontinuity: boolean;
  /** Parts known for this segment (empty for segments loaded from disk after a restart). */
  readonly parts: readonly ViewPart[];
}

export interface MediaPlaylistView {
  /** Seconds, an integer (§4.4.3.1). */
  readonly targetDuration: number;
  /** Seconds (§4.4.3.7 PART-TARGET). */
  readonly partTarget: number;
  readonly discontinuitySequence: number;
  /** Complete segments of the live window, oldest first. */
  readonly segments: readonly ViewSegment[];
  /** The segment being produced, if it has parts. */
  readonly current: ViewSegment | undefined;
  /** The part being produced (§4.4.5.3 EXT-X-PRELOAD-HINT); none once ended. */
  readonly preloadHint: { readonly msn: number; readonly part: number } | undefined;
  readonly ended: boolean;
  /** The msn the playlist would start at when it has no segment yet. */
  readonly nextMsn: number;
}

export type SkipRequest = 'NO' | 'YES' | 'v2';

const fmt = (seconds: number): string => seconds.toFixed(3);
/** How far a segment's wall-clock start may drift from the extrapolated one before it is dated again. */
const DATE_TOLERANCE_MS = 100;
const pdt = (ms: number): string => new Date(ms).toISOString();

/** §4.4.3.8: CAN-SKIP-UNTIL must be at least six target durations. */
export const canSkipUntil = (view: Pick<MediaPlaylistView, 'targetDuration'>): number => 6 * view.targetDuration;
/**
 * §4.4.3.8: PART-HOLD-BACK at least twice PART-TARGET, SHOULD be three times. We take two: with
 * 400 ms parts (half the requests of 200 ms ones) that is 0.8 s behind the live edge, and a player
 * still has a whole part (400 ms) to reload and fetch the next one in, as with three 200 ms parts.
 */
export const PART_HOLD_BACK_PARTS = 2;
export const partHoldBack = (view: Pick<MediaPlaylistView, 'partTarget'>): number => PART_HOLD_BACK_PARTS * view.partTarget;

export function renderMediaPlaylist(view: MediaPlaylistView, skip: SkipRequest = 'NO'): string {
  const all = view.current ? [...view.segments, view.current] : [...view.segments];
  const total = all.reduce((n, s) => n + s.duration, 0);
  const lines: string[] = [
    '#EXTM3U',
    // Version 9: EXT-X-SKIP (§4.4.5.2); 6 would do for EXT-X-MAP without I-FRAMES-ONLY (§7).
    '#EXT-X-VERSION:9',
    `#EXT-X-TARGETDURATION:${view.targetDuration}`,
  ];
  if (!view.ended) {
    lines.push(`#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=${fmt(canSkipUntil(view))},PART-HOLD-BACK=${fmt(partHoldBack(view))}`);
  }
  lines.push(`#EXT-X-PART-INF:PART-TARGET=${fmt(view.partTarget)}`);
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${all[0]?.msn ?? view.nextMsn}`);
  // Before EXT-X-SKIP: hls.js refuses a DISCONTINUITY-SEQUENCE that follows it.
  if (view.discontinuitySequence > 0) lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${view.discontinuitySequence}`);

  // §6.2.5.1: a delta update replaces the segments older than the Skip Boundary (CAN-SKIP-UNTIL from
  // the end) with EXT-X-SKIP. A segment is skipped only if it ends at least that far from the end.
  let skipped = 0;
  if (skip !== 'NO' && !view.ended) {
    let start = 0;
    for (const s of view.segments) {
      if (total - (start + s.duration) < canSkipUntil(view)) break;
      start += s.duration;
      skipped++;
    }
  }
  if (skipped > 0) {
    lines.push(skip === 'v2' ? `#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped},RECENTLY-REMOVED-DATERANGES=""` : `#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}`);
  }
  lines.push(`#EXT-X-MAP:URI="${INIT_NAME}"`);

  // §6.2.2: EXT-X-PART tags SHOULD go once more than three target durations from the end.
  const partHorizon = total - 3 * view.targetDuration;
  let start = 0;
  let expectedDateTime: number | undefined;
  all.forEach((s, i) => {
    const segStart = start;
    start += s.duration;
    if (i < skipped) return;
    if (s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    // §4.4.4.6: a client extrapolates a segment's date from the last tag before it. Dated only where
    // extrapolation would be off (the first segment listed, a discontinuity, a jump of the wall clock
    // after an outage): each tag is ~50 bytes of a playlist every listener fetches per part.
    if (s.discontinuity || expectedDateTime === undefined || Math.abs(s.programDateTime - expectedDateTime) > DATE_TOLERANCE_MS) {
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${pdt(s.programDateTime)}`);
      expectedDateTime = s.programDateTime;
    }
    expectedDateTime += s.duration * 1000;
    let partStart = segStart;
    for (const p of s.parts) {
      partStart += p.duration;
      if (partStart <= partHorizon) continue;
      // Every Opus packet is a sync sample (Opus in ISOBMFF §4.3.6.1), so every part is INDEPENDENT.
      lines.push(`#EXT-X-PART:DURATION=${fmt(p.duration)},URI="${partName(s.msn, p.index)}",INDEPENDENT=YES`);
    }
    if (s !== view.current) {
      lines.push(`#EXTINF:${fmt(s.duration)},`, segmentName(s.msn));
    }
  });
  if (view.preloadHint) {
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${partName(view.preloadHint.msn, view.preloadHint.part)}"`);
  }
  if (view.ended) lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

/**
 * §4.4.6.2 multivariant playlist: one audio-only variant, and the captions rendition when the Space
 * has one (§4.4.6.1). CODECS: see OPUS_CODECS_ATTRIBUTE. BANDWIDTH is the peak segment bit rate and
 * AVERAGE-BANDWIDTH the average (§4.4.6.2), both with the container's overhead: see variantBandwidth.
 */
/**
 * `backups`: the same Space's directory on other edges (absolute, ending in '/'). Each edge is then a
 * pathway (RFC 8216bis §4.4.6.1, PATHWAY-ID; §7 Content Steering): the same variant and renditions per
 * pathway, the first (relative, this edge) preferred, and a player whose requests fail moves on to the next.
 */
export function renderMultivariantPlaylist(bandwidth: { peak: number; average: number }, mediaPlaylist = 'audio.m3u8', subtitles?: SubtitleRendition, backups: readonly string[] = []): string {
  const pathways = [{ id: 'edge', base: '', group: SUBTITLES_GROUP }, ...backups.map((base, i) => ({ id: `edge-${i + 2}`, base, group: `${SUBTITLES_GROUP}-${i + 2}` }))];
  const steered = backups.length > 0;
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:9',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    ...pathways.flatMap((p) => [
      ...(subtitles ? [subtitleMediaTag({ ...subtitles, uri: p.base + subtitles.uri }, p.group)] : []),
      `#EXT-X-STREAM-INF:BANDWIDTH=${Math.round(bandwidth.peak)},AVERAGE-BANDWIDTH=${Math.round(bandwidth.average)},CODECS="${OPUS_CODECS_ATTRIBUTE}"${subtitles ? `,SUBTITLES="${p.group}"` : ''}${steered ? `,PATHWAY-ID="${p.id}"` : ''}`,
      p.base + mediaPlaylist,
    ]),
  ].join('\n') + '\n';
}

export interface VodSegment {
  readonly msn: number;
  readonly duration: number;
  readonly programDateTime: number;
  readonly discontinuity: boolean;
}

/** The replay: §4.4.3.5 PLAYLIST-TYPE VOD over the recorded segments, ENDLIST at once. */
export function renderVodPlaylist(segments: readonly VodSegment[], targetDuration: number): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    `#EXT-X-TARGETDURATION:${targetDuration}`,
    '#EXT-X-PLAYLIST-TYPE:VOD',
    `#EXT-X-MEDIA-SEQUENCE:${segments[0]?.msn ?? 0}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-MAP:URI="${INIT_NAME}"`,
  ];
  segments.forEach((s, i) => {
    if (s.discontinuity && i > 0) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${pdt(s.programDateTime)}`, `#EXTINF:${fmt(s.duration)},`, segmentName(s.msn));
  });
  lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

/**
 * What the variant really costs: the Opus bit rate plus the container's overhead on average, and a
 * quarter more at peak (Opus is variable-rate: loud, busy speech segments run above the target).
 */
export function variantBandwidth(opusBitrate: number, partTargetMs: number): { peak: number; average: number } {
  const overhead = (fragmentOverhead(partTargetMs / PROGRAM_FORMAT.frameMs) * 8 * 1000) / partTargetMs;
  const round = (bps: number) => Math.ceil(bps / 1000) * 1000;
  return { average: round(opusBitrate + overhead), peak: round(opusBitrate * 1.25 + overhead) };
}
