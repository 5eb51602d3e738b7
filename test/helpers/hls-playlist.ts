/** A small, strict reader of media playlists, for checking what the origin writes tag by tag. */
export interface ParsedPart { uri: string; duration: number; independent: boolean }
export interface ParsedSegment {
  uri: string;
  duration: number;
  parts: ParsedPart[];
  discontinuity: boolean;
  /** Its own EXT-X-PROGRAM-DATE-TIME, or extrapolated from the last one before it (as clients do). */
  programDateTime: number | undefined;
  /** Whether it carries its own EXT-X-PROGRAM-DATE-TIME. */
  dated: boolean;
}
export interface ParsedPlaylist {
  version: number;
  targetDuration: number;
  partTarget: number | undefined;
  serverControl: Record<string, string>;
  mediaSequence: number;
  discontinuitySequence: number;
  skipped: number;
  map: string | undefined;
  segments: ParsedSegment[];
  /** Parts after the last EXTINF: the segment in progress. */
  trailingParts: ParsedPart[];
  preloadHint: string | undefined;
  ended: boolean;
  playlistType: string | undefined;
  tags: string[];
}

export function attributes(list: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  return out;
}

export function parsePlaylist(text: string): ParsedPlaylist {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines[0] !== '#EXTM3U') throw new Error('first line must be #EXTM3U');
  const p: ParsedPlaylist = {
    version: 1, targetDuration: NaN, partTarget: undefined, serverControl: {}, mediaSequence: 0, discontinuitySequence: 0,
    skipped: 0, map: undefined, segments: [], trailingParts: [], preloadHint: undefined, ended: false, playlistType: undefined, tags: [],
  };
  let parts: ParsedPart[] = [];
  let disc = false;
  let pdt: number | undefined;
  let dated = false;
  let extinf: number | undefined;
  for (const line of lines.slice(1)) {
    if (!line.startsWith('#')) {
      if (extinf === undefined) throw new Error(`URI without EXTINF: ${line}`);
      p.segments.push({ uri: line, duration: extinf, parts, discontinuity: disc, programDateTime: pdt, dated });
      parts = []; disc = false; dated = false;
      // §4.4.4.6: the next segment's date is this one's plus its duration, unless it has its own.
      pdt = pdt === undefined ? undefined : pdt + Math.round(extinf * 1000);
      extinf = undefined;
      continue;
    }
    const [tag, value = ''] = line.split(/:(.*)/s) as [string, string?];
    p.tags.push(tag);
    switch (tag) {
      case '#EXT-X-VERSION': p.version = Number(value); break;
      case '#EXT-X-TARGETDURATION': p.targetDuration = Number(value); break;
      case '#EXT-X-PART-INF': p.partTarget = Number(attributes(value)['PART-TARGET']); break;
      case '#EXT-X-SERVER-CONTROL': p.serverControl = attributes(value); break;
      case '#EXT-X-MEDIA-SEQUENCE': p.mediaSequence = Number(value); break;
      case '#EXT-X-DISCONTINUITY-SEQUENCE': p.discontinuitySequence = Number(value); break;
      case '#EXT-X-SKIP': p.skipped = Number(attributes(value)['SKIPPED-SEGMENTS']); break;
      case '#EXT-X-MAP': p.map = attributes(value).URI; break;
      case '#EXT-X-DISCONTINUITY': disc = true; break;
      case '#EXT-X-PROGRAM-DATE-TIME': pdt = Date.parse(value); dated = true; break;
      case '#EXT-X-PART': {
        const a = attributes(value);
        parts.push({ uri: a.URI!, duration: Number(a.DURATION), independent: a.INDEPENDENT === 'YES' });
        break;
      }
      case '#EXTINF': extinf = Number(value.split(',')[0]); break;
      case '#EXT-X-PRELOAD-HINT': p.preloadHint = attributes(value).URI; break;
      case '#EXT-X-ENDLIST': p.ended = true; break;
      case '#EXT-X-PLAYLIST-TYPE': p.playlistType = value; break;
      default: break;
    }
  }
  p.trailingParts = parts;
  return p;
}
