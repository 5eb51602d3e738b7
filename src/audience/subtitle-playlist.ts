/** Playlists of the WebVTT subtitles rendition (RFC 8216bis §4.4.6.1 EXT-X-MEDIA TYPE=SUBTITLES). Pure. */

export interface SubtitleSegmentView {
  readonly msn: number;
  /** Seconds. */
  readonly duration: number;
  readonly programDateTime: number;
  readonly discontinuity: boolean;
}

export interface SubtitleRendition {
  /** BCP 47. */
  readonly language: string;
  readonly name: string;
  readonly uri: string;
}

export const SUBTITLES_GROUP = 'captions';

const fmt = (seconds: number): string => seconds.toFixed(3);
const attr = (value: string): string => value.replace(/["\r\n]/g, '');

/** The EXT-X-MEDIA line of the multivariant playlist; the variant then names SUBTITLES="captions". */
export function subtitleMediaTag(r: SubtitleRendition, group = SUBTITLES_GROUP): string {
  return `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="${group}",NAME="${attr(r.name)}",LANGUAGE="${attr(r.language)}",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="${attr(r.uri)}"`;
}

export interface SubtitlePlaylistView {
  readonly targetDuration: number;
  readonly discontinuitySequence: number;
  readonly segments: readonly SubtitleSegmentView[];
  readonly nextMsn: number;
  readonly ended: boolean;
  /** 'vod' for the replay (PLAYLIST-TYPE VOD), else a live (or ended live) playlist. */
  readonly kind: 'live' | 'vod';
  readonly segmentName: (msn: number) => string;
}

export function renderSubtitlePlaylist(view: SubtitlePlaylistView): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:6', `#EXT-X-TARGETDURATION:${view.targetDuration}`];
  if (view.kind === 'vod') lines.push('#EXT-X-PLAYLIST-TYPE:VOD');
  else if (!view.ended) lines.push('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES');
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${view.segments[0]?.msn ?? view.nextMsn}`);
  if (view.discontinuitySequence > 0) lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${view.discontinuitySequence}`);
  view.segments.forEach((s, i) => {
    if (s.discontinuity && (i > 0 || view.kind === 'live')) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.programDateTime).toISOString()}`, `#EXTINF:${fmt(s.duration)},`, view.segmentName(s.msn));
  });
  if (view.ended) lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}
